"""Indicator values: a figure per indicator and period (or why there is none), e.g. a quarter's return."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils import timezone

from ..bulk import write_with_history
from ..models import ExceptionReport, Indicator, IndicatorValue, ReviewState, Target
from ..numbers import (
    FiguresDisagree,
    NumberError,
    agrees_with_ratio,
    check_decimal_places,
    missing_ratio_part,
    percent_sign_problem,
    reconciled_value,
)
from ..status import Target as TargetRule
from ..status import ToleranceType, applicable_target, indicator_status
from ..workflow import EXCEPTION_REPORT_PARTS, missing_exception_report
from .base import Column, ImportOptions, ImportPlan, Kind, RowError, number, text
from .per_period import check_per_period

COLUMNS = (
    Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
    Column("period", True, 'As councils write it: "Q2 2022/23", "2022/23", "Sep 2022"', "Q2 2022/23"),
    Column("value", False, 'A number ("41.8", "1,234", "41.8%"); empty if not available', "26"),
    Column("numerator", False, "Optional", "39"),
    Column("denominator", False, "Optional", "150"),
    Column("not_available_reason", False, "Why there is no value (when value is empty)", ""),
    Column(
        "commentary",
        False,
        "Optional commentary; a file without this column leaves stored commentary as it is",
        "Two new kinship carers approved.",
    ),
)
FIGURES = ("value", "numerator", "denominator", "not_available_reason")


def has_no_figure(cells: dict[str, str]) -> bool:
    """E.g. an exported scorecard's rows for indicators with no figure yet: skipped, not refused. A
    row with commentary is not one of them: its commentary would be lost, so it is checked (and
    asked for its value)."""
    return not any(cells[name] for name in FIGURES) and not cells["commentary"]


def parse_row(errors: list[RowError], row: int, cells: dict[str, str], indicator: Indicator | None) -> dict[str, Any]:
    """The value given, or worked out from numerator and denominator, which must agree with a value
    given beside them (`numbers.reconciled_value`, as the form asks)."""
    already = len(errors)
    if indicator is not None and (problem := percent_sign_problem(cells["value"], indicator.unit)):
        errors.append(RowError(row, "value", problem))
    value = number(errors, row, "value", cells["value"])
    if value is not None and indicator is not None:
        try:
            check_decimal_places(value, indicator.decimal_places, indicator.unit)
        except NumberError as error:
            errors.append(RowError(row, "value", str(error)))
    numerator = number(errors, row, "numerator", cells["numerator"])
    denominator = number(errors, row, "denominator", cells["denominator"])
    reason = text(
        errors, row, "not_available_reason", cells["not_available_reason"], IndicatorValue, "not_available_reason"
    )
    missing = missing_ratio_part(numerator, denominator)
    if missing and len(errors) == already:
        errors.append(RowError(row, missing, f"Give the {missing} too, or neither."))
    if len(errors) == already and indicator is not None:
        try:
            value = reconciled_value(value, numerator, denominator, indicator.unit, indicator.decimal_places)
        except FiguresDisagree as error:
            errors.append(RowError(row, "value", str(error)))
        except NumberError as error:
            errors.append(RowError(row, "denominator", str(error)))
    if value is None and not reason and not cells["value"] and len(errors) == already:
        has = "This row has commentary but no value. " if cells["commentary"] else ""
        errors.append(RowError(row, "value", f"{has}Give a value, or say why it is not available."))
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "not_available": value is None,
        "not_available_reason": reason if value is None else "",
        "commentary": cells["commentary"],
    }


def keep_unsaid(indicator: Indicator, current: IndicatorValue, fields: dict[str, Any], absent: set[str]) -> set[str]:
    """A stored value keeps its commentary when the file has no commentary column, and its numerator
    and denominator (and itself) when the file has neither column and gives the figure they give
    (`numbers.agrees_with_ratio`: a changed value no longer comes from them, so they go)."""
    kept = {"commentary"} & absent
    if {"numerator", "denominator"} <= absent and agrees_with_ratio(
        fields["value"], current.numerator, current.denominator, indicator.unit, indicator.decimal_places
    ):
        kept |= {"numerator", "denominator", "value"}
    return kept


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    plan = check_per_period(
        frame,
        KIND.name,
        COLUMNS,
        IndicatorValue,
        parse_row,
        options,
        in_reporting_periods=True,
        is_blank=has_no_figure,
        # Imported values are the performance team's record of published figures: they need no review.
        created_with={"state": ReviewState.APPROVED},
        keep_unsaid=keep_unsaid,
        new_fields=[("Value", "value"), ("Why not available", "not_available_reason"), ("Commentary", "commentary")],
    )
    if plan.valid:
        warn_of_red_values_without_exception_reports(plan)
    return plan


def warn_of_red_values_without_exception_reports(plan: ImportPlan) -> None:
    """A warning for each value the file sets (new or changed) that is red against its target
    (`status.indicator_status`) without the exception report a red value needs
    (`workflow.missing_exception_report`): it can be imported with the exceptions kind."""
    written = [v for v in [*plan.new, *plan.changed] if v.value is not None]
    if not written:
        return
    ids = {v.indicator_id for v in written}
    keys = {v.period.key for v in written} | {v.period.financial_year_period().key for v in written}
    targets = {
        (indicator_id, period): TargetRule(value, tolerance, ToleranceType(kind))
        for indicator_id, period, value, tolerance, kind in Target.objects.filter(
            indicator_id__in=ids, period__in=keys
        ).values_list("indicator_id", "period", "value", "tolerance", "tolerance_type")
    }
    if not targets:
        return
    reports = {
        (indicator_id, period): dict(zip(EXCEPTION_REPORT_PARTS, parts, strict=True))
        for indicator_id, period, *parts in ExceptionReport.objects.filter(
            indicator_id__in=ids, period__in=keys
        ).values_list("indicator_id", "period", *EXCEPTION_REPORT_PARTS)
    }
    indicators = {i.id: i for i in Indicator.objects.filter(id__in=ids).only("id", "code", "polarity", "part_of_year")}
    for value in sorted(written, key=lambda v: getattr(v, "_import_row", 0)):
        indicator = indicators[value.indicator_id]
        applied = applicable_target(
            value.period, lambda p, i=value.indicator_id: targets.get((i, p)), indicator.part_of_year
        )
        if applied is None or value.value is None:
            continue
        target = applied.rule
        status = indicator_status(value.value, target, indicator.polarity_enum)
        if missing_exception_report(status, reports.get((value.indicator_id, value.period), {})):
            plan.warnings.append(
                RowError(
                    getattr(value, "_import_row", 0),
                    "value",
                    f"{indicator.code} {value.period.label}: {format(value.value.normalize(), 'f')} is "
                    f"{status.label.lower()} (target {format(target.value.normalize(), 'f')}) and has no exception "
                    "report. Import its exception report too (kind: exception reports).",
                )
            )


def apply(plan: ImportPlan, user: Any, reason: str) -> None:
    """New values, and the changed ones with their version bumped (an officer's form open on the
    old version then meets a conflict); entries in progress that are replaced become approved,
    recorded as reviewed by the importer."""
    now = timezone.now()
    fields = {change.field for change in plan.changes} | {"version"}
    for entry in plan.changed:
        entry.version += 1
    if plan.replaced:
        for entry in plan.replaced:
            entry.reviewed_by, entry.reviewed_at = user, now
        fields |= {"reviewed_by", "reviewed_at"}
    write_with_history(IndicatorValue, plan.new, plan.changed, sorted(fields), user, reason)


KIND = Kind("values", "Indicator values", COLUMNS, check, apply)
