"""Spreadsheet imports (CSV or XLSX): indicator definitions, targets, values, exception reports,
actions and benchmarking figures, one module per kind (see `registry`).

Every row is checked before anything is written; all problems are listed with their row number
(as the spreadsheet shows it, the header being row 1) and column, including every cell too long
or number too large for where it is stored, so a file that passes cannot fail when written. A
valid file gives a preview: what is new, what changes (old → new) and what is unchanged, with
warnings (a red value without its exception report). Writing happens only on confirmation, in
one transaction, with the audit history recording the import. Importing the same file again
changes nothing.

The workflow's rules hold for imports as for forms: an officer's entry still in progress is not
replaced, nor a figure of a period whose report has been issued, unless the options allow it
(`ImportOptions`, with a reason kept in the audit history).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..versions import moved_together
from . import base
from .base import (
    Change,
    Column,
    ImportFileError,
    ImportOptions,
    ImportPlan,
    Kind,
    RowError,
    change_reason,
    check_columns,
    read_table,
)
from .registry import KINDS, LABELS, REGISTRY, kind_named

__all__ = [
    "KINDS",
    "LABELS",
    "REGISTRY",
    "Change",
    "Column",
    "ImportFileError",
    "ImportOptions",
    "ImportPlan",
    "Kind",
    "RowError",
    "apply_import",
    "plan_import",
    "template_csv",
    "template_xlsx",
]


def plan_import(kind: str, content: bytes, filename: str, options: ImportOptions | None = None) -> ImportPlan:
    """Validate every row and work out what would change. Writes nothing."""
    chosen = kind_named(kind)
    options = options or ImportOptions()
    table = read_table(content, filename)
    ignored = check_columns(table.frame, chosen.columns)
    plan = chosen.check(table.frame, options)
    plan.ignored_columns = ignored
    if table.errors:  # cells the reading could not read (formulas without a result)
        plan.errors = sorted([*table.errors, *plan.errors], key=lambda e: e.row)
        plan.forget_changes()
    return plan


@transaction.atomic
def apply_import(plan: ImportPlan, user: Any, filename: str) -> tuple[int, int]:
    """Write a validated plan in one transaction, recording the import in the audit history
    (with the plan's reason, if it has one).

    Returns how many objects were created and how many changed.
    """
    if not plan.valid:
        raise ImportFileError("The file has errors; nothing was written.")
    with moved_together():
        kind_named(plan.kind).apply(plan, user, change_reason(filename, plan.options))
    return len(plan.new), len(plan.changed)


def template_csv(kind: str) -> str:
    return base.template_csv(kind_named(kind).columns)


def template_xlsx(kind: str) -> bytes:
    return base.template_xlsx(kind_named(kind).columns, sheet_name=kind.capitalize())
