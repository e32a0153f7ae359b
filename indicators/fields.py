"""A model field that stores a `Period` by its sortable key ("2022/23-Q2")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Expression, F, IntegerField, Value
from django.db.models.functions import Cast, Substr

from .periods import Frequency, Period, PeriodError, period_from_key


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


# A stored key is "<first year>/<yy>-<code><index>": "2022/23-Q2", "2022/23-M06", "2022/23-FY".
_YEAR, _CODE, _INDEX = (1, 4), (9, 1), (10, 2)


def end_month(period: Period) -> int:
    """The month a period ends in, counted from April of year 0."""
    return period.year * 12 + period.index * period.frequency.months


def period_end_order(name: str) -> Expression:
    """Orders the stored periods in field `name` by the month they end in, then the longer first
    (of periods ending together, the shortest started last: a quarter after its half year), in
    SQL: `end_order` in Python. The key is read once per row, as thousands are ordered at once."""
    year = Cast(_part(name, _YEAR), IntegerField())
    index = Cast(_part(name, _INDEX), IntegerField())
    by_frequency: dict[Frequency, Expression] = {
        frequency: index * (frequency.months * _LONGEST) + Value(_LONGEST - frequency.months)
        for frequency in Frequency
        if frequency.per_year > 1
    }
    annual = Frequency.ANNUAL.months * _LONGEST + _LONGEST - Frequency.ANNUAL.months
    return year * (12 * _LONGEST) + _PerFrequency(name, by_frequency, Value(annual))


_LONGEST = 16  # more months than any period covers


def end_order(period: Period) -> int:
    """A period's place in `period_end_order`."""
    return end_month(period) * _LONGEST + _LONGEST - period.frequency.months


class _PerFrequency(Expression):
    """`CASE <the key's frequency code> WHEN 'Q' THEN ... ELSE <default> END`: the code is read
    once per row, where a searched CASE (Django's `Case`) reads it again for every WHEN, which
    tripled the cost of ordering thousands of stored periods."""

    output_field = IntegerField()

    def __init__(self, name: str, results: dict[Frequency, Expression], default: Expression) -> None:
        super().__init__()
        self.code = _part(name, _CODE)
        self.codes = [frequency.key_code[0] for frequency in results]
        self.results = list(results.values())
        self.default = default

    def get_source_expressions(self) -> list[Expression]:
        return [self.code, *self.results, self.default]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        self.code, *self.results, self.default = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        code_sql, params = compiler.compile(self.code)
        sql, params = [f"CASE {code_sql}"], list(params)
        for code, result in zip(self.codes, self.results, strict=True):
            result_sql, result_params = compiler.compile(result)
            sql.append(f"WHEN %s THEN {result_sql}")
            params.extend([code, *result_params])
        default_sql, default_params = compiler.compile(self.default)
        sql.append(f"ELSE {default_sql} END")
        params.extend(default_params)
        return " ".join(sql), params


def _part(name: str, place: tuple[int, int]) -> Substr:
    return Substr(F(name), *place, output_field=models.CharField())
