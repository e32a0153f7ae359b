"""Officers' forms. Errors are said next to the field, in plain words, and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms

from .html import text_to_html
from .models import Action, Indicator
from .numbers import (
    FiguresDisagree,
    NumberError,
    check_decimal_places,
    counted_in_whole_numbers,
    missing_ratio_part,
    parse_number,
    percent_sign_problem,
    reconciled_value,
    storable,
    typed_figure,
)
from .workflow import CORRECTION_REASON_MAX


class NumberField(forms.CharField):
    """A number as officers type it: "1,234", "41.8%", " 12 ", that fits where it is stored
    (`numbers.storable`): anything else is an error beside the field, with what was typed kept."""

    def __init__(
        self, *args, minimum: Decimal | None = None, maximum: Decimal | None = None, places: int = 0, **kwargs
    ) -> None:
        self.minimum, self.maximum = minimum, maximum
        # The decimal places a stored figure is shown with in the box (`numbers.typed_figure`).
        self.places = places
        # The measure's unit, when a "%" sign must suit it (`numbers.percent_sign_problem`).
        self.unit: str | None = None
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if self.unit is not None and (problem := percent_sign_problem(text, self.unit)):
            raise forms.ValidationError(problem, code="percent")
        try:
            number = parse_number(text)
            if number is not None:
                number = storable(number)
        except NumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        if number is not None:
            if self.minimum is not None and number < self.minimum:
                raise forms.ValidationError(f"Enter {self.minimum} or more.", code="min")
            if self.maximum is not None and number > self.maximum:
                raise forms.ValidationError(f"Enter {self.maximum} or less.", code="max")
        return number

    def prepare_value(self, value):
        # A stored figure comes back as 1234.0000: shown as the officer would type it, "1234".
        return typed_figure(value, self.places) if isinstance(value, Decimal) else value


# How officers format narrative text (plain text, as in an email: see `indicators.html`).
NARRATIVE_HINT = (
    'Leave a blank line between paragraphs; start a line with "- " or "* " for a bullet point. '
    "Web addresses become links."
)


def add_correction_reason(form: forms.Form) -> None:
    """Ask for the reason for a correction to a locked period (see `workflow.require_correction_allowed`)."""
    form.fields["correction_reason"] = forms.CharField(
        label="Reason for the correction",
        max_length=CORRECTION_REASON_MAX,
        help_text="This period is locked. Say why the figure is being corrected; the reason is "
        "kept in the audit history, and pages show the figure as revised since the report.",
        error_messages={"required": "Say why the figure is being corrected."},
    )


class ActionUpdateForm(forms.Form):
    progress = NumberField(
        label="Progress (%)",
        help_text="How far the action is towards completion, 0 to 100.",
        minimum=Decimal(0),
        maximum=Decimal(100),
    )
    narrative = forms.CharField(
        label="Update for this period",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What happened this period and what comes next. " + NARRATIVE_HINT,
        error_messages={"required": "Write an update for this period."},
    )
    revised_due_date = forms.DateField(
        label="Revised completion date",
        required=False,
        help_text="Only if the action will finish after its due date. For example 31/03/2023.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 31/03/2023."},
    )
    cancel = forms.BooleanField(label="This action has been cancelled", required=False)
    cancel_reason = forms.CharField(
        label="Why it was cancelled", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, action: Action, correction: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        if correction:
            add_correction_reason(self)
        self.is_group = action.children.exists()
        if self.is_group:
            del self.fields["progress"]
            self.fields["narrative"].help_text = (
                "A summary of this group's actions; its progress is worked out from theirs. " + NARRATIVE_HINT
            )
        else:
            self.fields["progress"].required = True
            self.fields["progress"].error_messages["required"] = "Enter the progress, from 0 to 100."

    def clean_progress(self):
        progress = self.cleaned_data.get("progress")
        if progress is not None and progress != progress.to_integral_value():
            raise forms.ValidationError("Enter a whole number, for example 45.")
        return None if progress is None else int(progress)

    def clean_narrative(self) -> str:
        """The text as typed (plain text: see `indicators.html`), with the browser's line endings as "\n"."""
        narrative = self.cleaned_data["narrative"].replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text_to_html(narrative):
            raise forms.ValidationError("Write an update for this period.")
        return narrative

    def clean_revised_due_date(self):
        revised = self.cleaned_data.get("revised_due_date")
        if revised and (problem := self.action.plan.revised_due_date_problem(revised, self.action.due_date)):
            raise forms.ValidationError(problem)
        return revised

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cancel") and not (cleaned.get("cancel_reason") or "").strip():
            self.add_error("cancel_reason", "Say why the action was cancelled.")
        return cleaned

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "progress": data.get("progress"),
            "narrative": text_to_html(data["narrative"]),
            "narrative_source": data["narrative"],
            "revised_due_date": data.get("revised_due_date"),
            "set_status": "cancelled" if data.get("cancel") else "",
            "status_reason": (data.get("cancel_reason") or "").strip() if data.get("cancel") else "",
        }


class IndicatorValueForm(forms.Form):
    value = NumberField(label="Value", help_text="For example 1,234 or 41.8%.")
    numerator = NumberField(label="Numerator", minimum=Decimal(0))
    denominator = NumberField(label="Denominator", minimum=Decimal(0))
    not_available = forms.BooleanField(label="The value is not available yet", required=False)
    not_available_reason = forms.CharField(
        label="Why it is not available", required=False, max_length=300, help_text="For example: published in March."
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What explains this figure, in a sentence or two.",
    )
    performance = forms.CharField(
        label="How we are performing", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    improvement_actions = forms.CharField(
        label="Improvement actions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    timescale = forms.CharField(label="Timescale", required=False, max_length=300)
    resource_implications = forms.CharField(
        label="Resource implications", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    EXCEPTION_FIELDS = ("performance", "improvement_actions", "timescale", "resource_implications")

    def __init__(self, *args, indicator: Indicator, correction: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if correction:
            add_correction_reason(self)
        if indicator.unit == "%":
            self.fields["numerator"].help_text = "Enter both to have the percentage worked out."
        self.fields["value"].places = indicator.decimal_places
        self.fields["value"].unit = indicator.unit
        if counted_in_whole_numbers(indicator.decimal_places, indicator.unit):
            self.fields["value"].help_text = "A whole number, for example 1,234."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("not_available"):
            if not (cleaned.get("not_available_reason") or "").strip():
                self.add_error("not_available_reason", "Say why the value is not available.")
            cleaned["value"] = None
            return cleaned
        if cleaned.get("value") is not None:
            try:
                check_decimal_places(cleaned["value"], self.indicator.decimal_places, self.indicator.unit)
            except NumberError as error:
                self.add_error("value", str(error))
        numerator, denominator = cleaned.get("numerator"), cleaned.get("denominator")
        missing = missing_ratio_part(numerator, denominator)
        if missing and not self.has_error("numerator") and not self.has_error("denominator"):
            self.add_error(missing, f"Enter the {missing} too, or leave both empty.")
        elif numerator is not None and denominator is not None and not self.has_error("value"):
            try:
                cleaned["value"] = reconciled_value(
                    cleaned.get("value"), numerator, denominator, self.indicator.unit, self.indicator.decimal_places
                )
            except FiguresDisagree as error:
                self.add_error("value", str(error))
            except NumberError as error:
                self.add_error("denominator", str(error))
        if cleaned.get("value") is None and not self.errors:
            self.add_error("value", 'Enter a value, or numerator and denominator, or tick "not available".')
        return cleaned

    def require_exception_report(self, missing: Iterable[str]) -> None:
        """Say beside each part of the exception report still `missing` (see `workflow.missing_exception_report`)."""
        for name in missing:
            label = self.fields[name].label
            self.add_error(name, f"The value is outwith tolerance: fill in “{label}” for its exception report.")

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "value": data.get("value"),
            "numerator": None if data.get("not_available") else data.get("numerator"),
            "denominator": None if data.get("not_available") else data.get("denominator"),
            "not_available": bool(data.get("not_available")),
            "not_available_reason": (data.get("not_available_reason") or "").strip()
            if data.get("not_available")
            else "",
            "commentary": (data.get("commentary") or "").strip(),
        }

    def exception_fields(self) -> dict:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in self.EXCEPTION_FIELDS}


def typed_but_not_saved(form: forms.Form) -> list[tuple[str, str]]:
    """What a refused post had in each visible field (label, text as typed), for the page to show."""
    typed = []
    for name, bound in form.fields.items():
        if isinstance(bound.widget, forms.HiddenInput):
            continue
        text = (form.data.get(form.add_prefix(name)) or "").strip()
        if text:
            typed.append((str(bound.label), "Yes" if isinstance(bound, forms.BooleanField) else text))
    return typed
