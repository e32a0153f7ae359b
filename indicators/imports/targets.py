"""Targets: the value aimed for per indicator and period, with its tolerance (the amber band)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from ..models import Indicator, Target
from ..status import ToleranceType
from .base import Column, ImportOptions, ImportPlan, Kind, RowError, number, write_in_bulk
from .per_period import check_per_period

COLUMNS = (
    Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
    Column("period", True, 'The period the target is for, e.g. "Q3 2022/23" or "2022/23"', "Q3 2022/23"),
    Column("target", True, "A number", "30"),
    Column("tolerance", False, "The amber band; empty means none (without this column, stored ones stay)", "2"),
    Column("tolerance_type", False, '"absolute" (default) or "percent" (of the target)', "absolute"),
    Column(
        "rationale",
        False,
        "How the target was set (without this column, stored ones stay)",
        "Return to the 2021/22 level.",
    ),
)


def parse_row(errors: list[RowError], row: int, cells: dict[str, str], indicator: Indicator | None) -> dict[str, Any]:
    target = number(errors, row, "target", cells["target"])
    if target is None and not cells["target"]:
        errors.append(RowError(row, "target", "The target is missing."))
    tolerance = number(errors, row, "tolerance", cells["tolerance"]) or Decimal(0)
    if tolerance < 0:
        errors.append(RowError(row, "tolerance", "The tolerance cannot be negative."))
    tolerance_type = (cells["tolerance_type"] or "absolute").lower()
    if tolerance_type not in {t.value for t in ToleranceType}:
        errors.append(RowError(row, "tolerance_type", 'Write "absolute" or "percent".'))
    return {"value": target, "tolerance": tolerance, "tolerance_type": tolerance_type, "rationale": cells["rationale"]}


def keep_unsaid(indicator: Indicator, current: Target, fields: dict[str, Any], absent: set[str]) -> set[str]:
    """A file without a rationale column keeps the stored rationale; without a tolerance column, the
    stored tolerance (and its type, unless the file gives one). A tolerance given without its type
    is absolute, as the column says, whatever type was stored: 2 is never taken as 2% of the target."""
    kept = {"rationale"} & absent
    if "tolerance" in absent:
        kept |= {"tolerance"} | ({"tolerance_type"} & absent)
    return kept


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    # A target may be for a longer period than the indicator reports (a year's target for a
    # quarterly indicator), so any period is accepted.
    return check_per_period(
        frame,
        KIND.name,
        COLUMNS,
        Target,
        parse_row,
        options,
        keep_unsaid=keep_unsaid,
        new_fields=[
            ("Target", "value"),
            ("Tolerance", "tolerance"),
            ("Tolerance type", "tolerance_type"),
            ("Rationale", "rationale"),
        ],
    )


KIND = Kind("targets", "Targets", COLUMNS, check, write_in_bulk(Target))
