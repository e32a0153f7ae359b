"""Benchmarking figures: other councils' published yearly values (e.g. LGBF), councils added as they come."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from ..bulk import write_with_history
from ..models import ComparatorCouncil, ComparatorValue, Indicator
from ..periods import Frequency, Period, PeriodError
from .base import Change, Column, ImportOptions, ImportPlan, Kind, RowError, number, parse_period, rows, same, text

COLUMNS = (
    Column(
        "council", True, "The council's name as the publisher writes it (or the national row, e.g. Scotland)", "Moray"
    ),
    Column("indicator_code", True, "Our indicator's code, or its benchmarking code (e.g. LGBF's CHN9)", "CHN9"),
    Column("year", True, 'The financial year: "2021/22" or "2021-22"', "2021/22"),
    Column("value", False, "The published figure; empty rows are skipped", "89.4"),
)


def indicators_by_code() -> tuple[dict[str, Indicator], set[str]]:
    """Indicators by our code and by their benchmarking code (ours wins), and the benchmarking
    codes more than one indicator claims."""
    by_code: dict[str, Indicator] = {}
    ambiguous: set[str] = set()
    for indicator in Indicator.objects.only("id", "code", "benchmark_code"):
        by_code[indicator.code] = indicator
        if indicator.benchmark_code:
            if (
                indicator.benchmark_code in by_code
                and by_code[indicator.benchmark_code].code != indicator.benchmark_code
            ):
                ambiguous.add(indicator.benchmark_code)
            by_code.setdefault(indicator.benchmark_code, indicator)
    return by_code, ambiguous


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    by_code, ambiguous = indicators_by_code()
    councils = {c.name.casefold(): c for c in ComparatorCouncil.objects.all()}
    plan = ImportPlan(KIND.name, len(frame))
    seen: dict[tuple[str, int, Period], int] = {}
    parsed: list[tuple[str, Indicator, Period, Decimal]] = []
    for row, cells in rows(frame, COLUMNS):
        if not cells["value"]:
            plan.skipped += 1  # not published for that council
            continue
        errors: list[RowError] = []
        name, code = " ".join(cells["council"].split()), cells["indicator_code"]
        if not name:
            errors.append(RowError(row, "council", "The council is missing."))
        else:
            text(errors, row, "council", name, ComparatorCouncil, "name")
        indicator = by_code.get(code)
        if not code:
            errors.append(RowError(row, "indicator_code", "The indicator code is missing."))
        elif code in ambiguous:
            errors.append(RowError(row, "indicator_code", f"More than one indicator has the benchmarking code {code}."))
        elif indicator is None:
            errors.append(RowError(row, "indicator_code", f'No indicator has the code or benchmarking code "{code}".'))
        period = None
        try:
            period = parse_period(cells["year"])
        except PeriodError as error:
            errors.append(RowError(row, "year", str(error)))
        if period and period.frequency != Frequency.ANNUAL:
            errors.append(
                RowError(
                    row,
                    "year",
                    f'Benchmarking figures are yearly: write a year such as "2021/22", not "{cells["year"]}".',
                )
            )
            period = None
        value = number(errors, row, "value", cells["value"])
        if name and indicator and period:
            first = seen.setdefault((name.casefold(), indicator.id, period), row)
            if first != row:
                errors.append(RowError(row, "council", f"{name}, {code}, {period.label} is already in row {first}."))
        if errors:
            plan.errors.extend(errors)
        elif indicator and period and value is not None:
            parsed.append((name, indicator, period, value))
    if plan.errors:
        return plan
    for name, *_ in parsed:
        if name.casefold() not in councils:
            councils[name.casefold()] = ComparatorCouncil(name=name)
            plan.new_councils.append(councils[name.casefold()])
    existing = {
        (v.indicator_id, v.council_id, v.period): v
        for v in ComparatorValue.objects.filter(indicator_id__in={i.id for _, i, _, _ in parsed})
    }
    for name, indicator, period, value in parsed:
        council = councils[name.casefold()]
        current = existing.get((indicator.id, council.id, period)) if council.pk else None
        if current is None:
            plan.new.append(ComparatorValue(indicator=indicator, council=council, period=period, value=value))
        elif same(current.value, value):
            plan.unchanged += 1
        else:
            plan.changes.append(Change(indicator.code, period, f"value for {council.name}", current.value, value))
            current.value = value
            plan.changed.append(current)
    return plan


def apply(plan: ImportPlan, user: Any, reason: str) -> None:
    """New councils first, so the new figures can name them."""
    if plan.new_councils:
        write_with_history(ComparatorCouncil, plan.new_councils, [], [], user, reason)
        for value in plan.new:
            value.council_id = value.council.pk
    write_with_history(ComparatorValue, plan.new, plan.changed, ["value"], user, reason)


KIND = Kind("comparators", "Benchmarking figures (comparator councils)", COLUMNS, check, apply)
