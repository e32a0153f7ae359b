"""Exception reports: for a red indicator and period, how we are performing, the improvement actions,
their timescale and any resource implications (what the committee scrutinises beside the figure)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..bulk import write_with_history
from ..models import ExceptionReport, Indicator
from ..workflow import EXCEPTION_REPORT_PARTS
from .base import Column, ImportOptions, ImportPlan, Kind, RowError, text
from .per_period import check_per_period, kept_columns

COLUMNS = (
    Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
    Column(
        "period", True, 'The period of the red value, as the indicator reports: "Q2 2022/23", "2022/23"', "Q2 2022/23"
    ),
    Column(
        "performance",
        True,
        "How we are performing: what the figure shows and why",
        "Fewer kinship carers were approved than planned.",
    ),
    Column(
        "improvement_actions",
        True,
        "The improvement actions planned",
        "Recruitment campaign with partner agencies; fortnightly panel.",
    ),
    Column("timescale", True, "When the actions should bring the figure back (up to 300 characters)", "By Q4 2022/23"),
    Column("resources", False, "Any resource implications; empty if none", "Met from existing budgets."),
)
# The model's field for each column that is named differently in the file.
FIELD_OF = {"resources": "resource_implications"}
LABELS = {
    "performance": "how we are performing",
    "improvement_actions": "the improvement actions",
    "timescale": "the timescale",
}


def parse_row(errors: list[RowError], row: int, cells: dict[str, str], indicator: Indicator | None) -> dict[str, Any]:
    """The report's parts; those a red value cannot be submitted without (`EXCEPTION_REPORT_PARTS`)
    must be written."""
    for part in EXCEPTION_REPORT_PARTS:
        if not cells[part]:
            errors.append(RowError(row, part, f"Write {LABELS[part]}: an exception report needs it."))
    fields = {}
    for column in ("performance", "improvement_actions", "timescale", "resources"):
        name = FIELD_OF.get(column, column)
        fields[name] = text(errors, row, column, cells[column], ExceptionReport, name)
    return fields


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    return check_per_period(
        frame,
        KIND.name,
        COLUMNS,
        ExceptionReport,
        parse_row,
        options,
        in_reporting_periods=True,
        created_with={"author": options.user},
        held_by_value=True,
        keep_unsaid=kept_columns({"resources": ("resource_implications",)}),
        new_fields=[
            ("How we are performing", "performance"),
            ("Improvement actions", "improvement_actions"),
            ("Timescale", "timescale"),
            ("Resource implications", "resource_implications"),
        ],
    )


def apply(plan: ImportPlan, user: Any, reason: str) -> None:
    """The reports; and where a report goes with a value still in progress (replaced by choice),
    that value's version is bumped, so the officer's open form meets a conflict instead of saving
    its own exception report over the imported one."""
    for report in plan.changed:
        report.author = user
    fields = sorted({change.field for change in plan.changes} | ({"author"} if plan.changed else set()))
    write_with_history(ExceptionReport, plan.new, plan.changed, fields, user, reason)
    for value in plan.replaced:
        value.version += 1
        value._change_reason = f"{reason} (its exception report replaced)"
        value._history_user = user
        value.save(update_fields=["version", "updated"])


KIND = Kind("exceptions", "Exception reports", COLUMNS, check, apply)
