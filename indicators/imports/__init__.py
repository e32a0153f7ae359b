"""Spreadsheet imports (CSV or XLSX): indicator definitions, targets, values, actions and
benchmarking figures, one module per kind (see `registry`).

Every row is checked before anything is written; all problems are listed with their row number
(as the spreadsheet shows it, the header being row 1) and column. A valid file gives a preview:
what is new, what changes (old → new) and what is unchanged. Writing happens only on
confirmation, in one transaction, with the audit history recording the import. Importing the
same file again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import base
from .base import Change, Column, ImportFileError, ImportPlan, Kind, RowError, check_columns, read_table
from .registry import KINDS, LABELS, REGISTRY, kind_named

__all__ = [
    "KINDS",
    "LABELS",
    "REGISTRY",
    "Change",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "Kind",
    "RowError",
    "apply_import",
    "plan_import",
    "template_csv",
    "template_xlsx",
]


def plan_import(kind: str, content: bytes, filename: str) -> ImportPlan:
    """Validate every row and work out what would change. Writes nothing."""
    chosen = kind_named(kind)
    frame = read_table(content, filename)
    check_columns(frame, chosen.columns)
    return chosen.check(frame)


@transaction.atomic
def apply_import(plan: ImportPlan, user: Any, filename: str) -> tuple[int, int]:
    """Write a validated plan in one transaction, recording the import in the audit history.

    Returns how many objects were created and how many changed.
    """
    if not plan.valid:
        raise ImportFileError("The file has errors; nothing was written.")
    kind_named(plan.kind).apply(plan, user, f"Imported from {filename}")
    return len(plan.new), len(plan.changed)


def template_csv(kind: str) -> str:
    return base.template_csv(kind_named(kind).columns)


def template_xlsx(kind: str) -> bytes:
    return base.template_xlsx(kind_named(kind).columns, sheet_name=kind.capitalize())
