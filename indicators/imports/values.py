"""Indicator values: a figure per indicator and period (or why there is none), e.g. a quarter's return."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..models import Indicator, IndicatorValue, ReviewState
from ..numbers import NumberError, value_from_ratio
from .base import Column, ImportPlan, Kind, RowError, number, write_in_bulk
from .per_period import check_per_period

COLUMNS = (
    Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
    Column("period", True, 'As councils write it: "Q2 2022/23", "2022/23", "Sep 2022"', "Q2 2022/23"),
    Column("value", False, 'A number ("41.8", "1,234", "41.8%"); empty if not available', "26"),
    Column("numerator", False, "Optional", "39"),
    Column("denominator", False, "Optional", "150"),
    Column("not_available_reason", False, "Why there is no value (when value is empty)", ""),
    Column("commentary", False, "Optional commentary", "Two new kinship carers approved."),
)
FIGURES = ("value", "numerator", "denominator", "not_available_reason")


def has_no_figure(cells: dict[str, str]) -> bool:
    """E.g. an exported scorecard's rows for indicators with no figure yet: skipped, not refused."""
    return not any(cells[name] for name in FIGURES)


def parse_row(errors: list[RowError], row: int, cells: dict[str, str], indicator: Indicator | None) -> dict[str, Any]:
    """A value given wins; otherwise it is worked out from numerator and denominator, as the form does."""
    value = number(errors, row, "value", cells["value"])
    numerator = number(errors, row, "numerator", cells["numerator"])
    denominator = number(errors, row, "denominator", cells["denominator"])
    reason = cells["not_available_reason"]
    try:
        from_ratio = value_from_ratio(
            numerator,
            denominator,
            indicator.unit if indicator else "",
            indicator.decimal_places if indicator else 0,
        )
    except NumberError as error:
        from_ratio = None
        errors.append(RowError(row, "denominator", str(error)))
    if value is None:
        value = from_ratio
    if value is None and not reason and not cells["value"]:
        errors.append(RowError(row, "value", "Give a value, or say why it is not available."))
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "not_available": value is None,
        "not_available_reason": reason if value is None else "",
        "commentary": cells["commentary"],
    }


def check(frame: pd.DataFrame) -> ImportPlan:
    return check_per_period(
        frame,
        KIND.name,
        COLUMNS,
        IndicatorValue,
        parse_row,
        in_reporting_periods=True,
        is_blank=has_no_figure,
        # Imported values are the performance team's record of published figures: they need no review.
        created_with={"state": ReviewState.APPROVED},
    )


KIND = Kind("values", "Indicator values", COLUMNS, check, write_in_bulk(IndicatorValue))
