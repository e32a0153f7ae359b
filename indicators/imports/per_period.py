"""Rows holding one record per indicator and period, checked and written alike: values, targets and
exception reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.base import ModelState
from django.utils import timezone

from ..models import Indicator, IndicatorValue, Reviewable, ReviewState
from ..periods import Period, PeriodError
from .base import (
    Change,
    Column,
    ImportOptions,
    ImportPlan,
    RowError,
    WorkflowChecks,
    not_begun,
    parse_period,
    rows,
    same,
)

# The fields a row gives, from its cells; problems are added to the errors. The indicator is None
# when the row's code matches none (that error is already listed).
ParseRow = Callable[[list[RowError], int, dict[str, str], Indicator | None], dict[str, Any]]
# Which of a row's fields to leave as stored, given the row's indicator, the stored record, the
# row's fields and the columns the file does not have (`kept_columns`).
KeepUnsaid = Callable[[Indicator, models.Model, dict[str, Any], set[str]], set[str]]


def kept_columns(fields_of_column: dict[str, tuple[str, ...]]) -> KeepUnsaid:
    """The fields of each optional column the file does not have: a file without a "commentary" (or
    "tolerance", "rationale") column says nothing about them, so stored ones stay, rather than
    being emptied (or a tolerance set to none) by every row."""

    def keep(indicator: Indicator, current: models.Model, fields: dict[str, Any], absent: set[str]) -> set[str]:
        return {field for column in absent & fields_of_column.keys() for field in fields_of_column[column]}

    return keep


@dataclass
class Parsed:
    """A row that passed its own checks, to compare with what is stored."""

    row: int
    indicator: Indicator
    period: Period
    fields: dict[str, Any]


def check_per_period(
    frame: pd.DataFrame,
    kind: str,
    columns: Sequence[Column],
    model: type[models.Model],
    parse_row: ParseRow,
    options: ImportOptions,
    *,
    in_reporting_periods: bool = False,
    is_blank: Callable[[dict[str, str]], bool] = lambda cells: False,
    created_with: dict[str, Any] | None = None,
    held_by_value: bool = False,
    keep_unsaid: KeepUnsaid | None = None,
    new_fields: Sequence[tuple[str, str]] = (),
) -> ImportPlan:
    """Check every row (indicator code, period, no repeats, the kind's own fields), then compare
    with what is stored, and apply the workflow's rules to each row that would write.

    `in_reporting_periods`: the period must be one the indicator reports (a quarterly indicator
    has no value for a month), and must have begun (`base.not_begun`). `is_blank` rows are skipped
    and counted. New objects are made with `created_with` besides the row's fields. An officer's
    entry still in progress is not written over unless the options say so: the stored record
    itself when `model` is reviewable (values), or, with `held_by_value`, the indicator value of
    the same period (an exception report belongs with its value). A stored record keeps the fields
    `keep_unsaid` names for the columns the file does not have. The preview lists each new record's
    `new_fields` (label, attribute).
    """
    indicators = {
        i.code: i for i in Indicator.objects.only("id", "code", "frequency", "decimal_places", "unit", "polarity")
    }
    plan = ImportPlan(kind, len(frame), options=options, new_fields=list(new_fields))
    today = timezone.localdate()
    seen: dict[tuple[str, Period], int] = {}
    parsed: list[Parsed] = []
    for row, cells in rows(frame, columns):
        if is_blank(cells):
            plan.skipped += 1
            continue
        errors: list[RowError] = []
        code = cells["indicator_code"]
        indicator = indicators.get(code)
        if not code:
            errors.append(RowError(row, "indicator_code", "The indicator code is missing."))
        elif indicator is None:
            errors.append(RowError(row, "indicator_code", f'There is no indicator with the code "{code}".'))
        period = None
        try:
            period = parse_period(cells["period"])
        except PeriodError as error:
            errors.append(RowError(row, "period", str(error)))
        if period and in_reporting_periods and (why := not_begun(period, today)):
            errors.append(RowError(row, "period", why))
        elif indicator and period and in_reporting_periods and period.frequency != indicator.frequency_enum:
            errors.append(
                RowError(
                    row,
                    "period",
                    f"{code} is reported {indicator.get_frequency_display().lower()}, so it has no value for "
                    f"{period.label}.",
                )
            )
        if indicator and period:
            first = seen.setdefault((code, period), row)
            if first != row:
                errors.append(RowError(row, "period", f"{code} {period.label} is already in row {first}."))
        fields = parse_row(errors, row, cells, indicator)
        if errors:
            plan.errors.extend(errors)
        elif indicator and period:
            parsed.append(Parsed(row, indicator, period, fields))
    absent = {c.name for c in columns} - set(frame.columns)
    keep = (lambda *given: keep_unsaid(*given, absent)) if keep_unsaid and absent else None
    _compare(plan, model, parsed, created_with or {}, WorkflowChecks(options), held_by_value, keep)
    if plan.errors:
        plan.errors.sort(key=lambda e: e.row)
        plan.forget_changes()
    return plan


def _compare(
    plan: ImportPlan,
    model: type[models.Model],
    parsed: list[Parsed],
    created_with: dict[str, Any],
    checks: WorkflowChecks,
    held_by_value: bool,
    keep: Callable[[Indicator, models.Model, dict[str, Any]], set[str]] | None = None,
) -> None:
    ids = {p.indicator.id for p in parsed}
    keys = {p.period.key for p in parsed}
    existing = {
        (obj.indicator_id, obj.period): obj for obj in model.objects.filter(indicator_id__in=ids, period__in=keys)
    }
    reviewable = issubclass(model, Reviewable)
    if reviewable:
        in_progress = {key: obj for key, obj in existing.items() if obj.state != ReviewState.APPROVED}
    elif held_by_value:
        in_progress = {
            (v.indicator_id, v.period): v
            for v in IndicatorValue.objects.filter(indicator_id__in=ids, period__in=keys).exclude(
                state=ReviewState.APPROVED
            )
        }
    else:
        in_progress = {}
    prefetch_related_objects(list(in_progress.values()), "author", "submitted_by", "reviewed_by")
    make = _maker(model, created_with)
    for p in parsed:
        indicator, period, fields = p.indicator, p.period, p.fields
        errors: list[RowError] = []
        held = in_progress.get((indicator.id, period))
        if held is not None:
            refusal = checks.in_progress(held, f"The value of {indicator.code} for {period.label}")
            if refusal:
                errors.append(RowError(p.row, "period", refusal))
            else:
                plan.replaced.append(held)
                if reviewable:
                    fields = {**fields, "state": ReviewState.APPROVED}
        current = existing.get((indicator.id, period))
        if current is not None and keep is not None:
            kept = keep(indicator, current, fields)
            fields = {name: new for name, new in fields.items() if name not in kept}
        differences = [] if current is None else [n for n, new in fields.items() if not same(getattr(current, n), new)]
        if current is None or differences:
            checks.writing(plan, errors, p.row, period)
        if errors:
            plan.errors.extend(errors)
            continue
        if current is None:
            new = make(indicator, period, fields)
            new._import_row = p.row
            plan.new.append(new)
            continue
        if not differences:
            plan.unchanged += 1
            continue
        for name in differences:
            old, new = getattr(current, name), fields[name]
            if name == "state":
                old, new = current.get_state_display(), ReviewState(new).label
            plan.changes.append(Change(indicator.code, period, name, old, new))
            setattr(current, name, fields[name])
        current._import_row = p.row
        plan.changed.append(current)


def _maker(
    model: type[models.Model], created_with: dict[str, Any]
) -> Callable[[Indicator, Period, dict[str, Any]], models.Model]:
    """A constructor for new rows that copies one ordinary instance's defaults: an import may make
    100,000 of them, and `Model.__init__` (defaults, descriptors, signals per field) cost most of
    the check's time. The rows' fields are plain columns, so setting them directly is what
    `__init__` would do."""
    template = model(**created_with)
    defaults = {name: value for name, value in template.__dict__.items() if name != "_state"}

    def make(indicator: Indicator, period: Period, fields: dict[str, Any]) -> models.Model:
        obj = model.__new__(model)
        state = ModelState()
        state.fields_cache = {"indicator": indicator}
        values = obj.__dict__
        values.update(defaults)
        values.update(fields)
        values["_state"] = state
        values["indicator_id"] = indicator.id
        values["period"] = period
        return obj

    return make
