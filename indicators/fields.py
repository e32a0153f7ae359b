"""A model field that stores a `Period` by its sortable key ("2022/23-Q2")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .periods import Period, PeriodError, period_from_key


class PeriodFormField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", 'As councils write it: "Q2 2022/23", "2022/23", "H1 2022/23" or "Sep 2022".')
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Period):
            return value.label
        if isinstance(value, str) and value:
            try:
                return Period.parse(value).label
            except PeriodError:
                return value
        return value

    def to_python(self, value: Any) -> Period | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return Period.parse(value)
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from error


class PeriodField(models.CharField):
    description = "A reporting period on the UK financial year"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 12:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Period | None:
        if value is None or value == "":
            return None
        return period_from_key(value)

    def to_python(self, value: Any) -> Period | None:
        if value is None or isinstance(value, Period):
            return value
        if value == "":
            return None
        try:
            return Period.parse(value)
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from error

    def run_validators(self, value: Any) -> None:
        # Validators (e.g. max length) see the stored key, not the Period object.
        super().run_validators(value.key if isinstance(value, Period) else value)

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return None if value is None else value.key

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else value.key

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": PeriodFormField, **kwargs})
