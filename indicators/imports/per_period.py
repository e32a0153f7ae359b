"""Rows holding one figure per indicator and period, checked and written alike: values and targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ..models import Indicator, IndicatorValue, Target
from ..periods import Period, PeriodError
from .base import Change, Column, ImportPlan, RowError, parse_period, rows, same

# The fields a row gives, from its cells; problems are added to the errors. The indicator is None
# when the row's code matches none (that error is already listed).
ParseRow = Callable[[list[RowError], int, dict[str, str], Indicator | None], dict[str, Any]]


def check_per_period(
    frame: pd.DataFrame,
    kind: str,
    columns: Sequence[Column],
    model: type[IndicatorValue] | type[Target],
    parse_row: ParseRow,
    *,
    in_reporting_periods: bool = False,
    is_blank: Callable[[dict[str, str]], bool] = lambda cells: False,
    created_with: dict[str, Any] | None = None,
) -> ImportPlan:
    """Check every row (indicator code, period, no repeats, the kind's own fields), then compare
    with what is stored.

    `in_reporting_periods`: the period must be one the indicator reports (a quarterly indicator
    has no value for a month). `is_blank` rows are skipped and counted. New objects are made with
    `created_with` besides the row's fields.
    """
    indicators = {i.code: i for i in Indicator.objects.only("id", "code", "frequency", "decimal_places", "unit")}
    plan = ImportPlan(kind, len(frame))
    seen: dict[tuple[str, Period], int] = {}
    parsed: list[tuple[Indicator, Period, dict[str, Any]]] = []
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
        if indicator and period and in_reporting_periods and period.frequency != indicator.frequency_enum:
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
            parsed.append((indicator, period, fields))
    if not plan.errors:
        _compare(plan, model, parsed, created_with or {})
    return plan


def _compare(
    plan: ImportPlan,
    model: type[IndicatorValue] | type[Target],
    parsed: list[tuple[Indicator, Period, dict[str, Any]]],
    created_with: dict[str, Any],
) -> None:
    ids = {indicator.id for indicator, _, _ in parsed}
    keys = {period.key for _, period, _ in parsed}
    existing = {
        (obj.indicator_id, obj.period): obj for obj in model.objects.filter(indicator_id__in=ids, period__in=keys)
    }
    for indicator, period, fields in parsed:
        current = existing.get((indicator.id, period))
        if current is None:
            plan.new.append(model(indicator=indicator, period=period, **fields, **created_with))
            continue
        differences = [name for name, new in fields.items() if not same(getattr(current, name), new)]
        if not differences:
            plan.unchanged += 1
            continue
        for name in differences:
            plan.changes.append(Change(indicator.code, period, name, getattr(current, name), fields[name]))
            setattr(current, name, fields[name])
        plan.changed.append(current)
