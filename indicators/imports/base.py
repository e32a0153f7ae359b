"""What every kind of import shares: columns, reading the file, row errors, the plan, cell parsers.

A file is read with every cell as text; each kind (one module beside this one) then checks its
rows and works out an `ImportPlan` of what would be new and what would change, and later writes
that plan.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import models

from ..bulk import write_with_history
from ..formula_guard import unguard_text
from ..numbers import NumberError, parse_number
from ..periods import Period

# Checking keeps every row of the file in memory (about 2 KB a row with its preview, measured by
# bench/imports.py), so files are limited to this many rows: 200,000 rows take about 450 MB.
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


class ImportFileError(ValueError):
    """The file itself cannot be read (not CSV/XLSX, no header, missing columns, too many rows)."""


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, named as the spreadsheet shows it (the header being row 1)."""

    row: int
    column: str
    message: str


@dataclass
class Change:
    code: str
    period: Period | None
    field: str
    old: Any
    new: Any


@dataclass
class ImportPlan:
    """What a checked file would do: its errors, or what is new, changed and unchanged."""

    kind: str
    rows: int
    errors: list[RowError] = field(default_factory=list)
    new: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    changes: list[Change] = field(default_factory=list)
    new_councils: list[Any] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)  # what each new row is, where counts alone are unclear

    @property
    def valid(self) -> bool:
        return not self.errors

    def forget_changes(self) -> None:
        """Keep only the errors: a file with any error writes nothing, so previews show nothing."""
        self.new, self.changed, self.changes, self.unchanged, self.new_labels = [], [], [], 0, []


@dataclass(frozen=True)
class Kind:
    """One kind of import: its columns, how its rows are checked, and how a checked plan is written.

    `check` gets the file's table (required columns already present) and returns the plan;
    `apply` writes a valid plan, recording `reason` and `user` in the audit history, inside the
    caller's transaction.
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    check: Callable[[pd.DataFrame], ImportPlan]
    apply: Callable[[ImportPlan, Any, str], None]


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """All cells as text; the header row names the columns. Refuses files over `MAX_ROWS` rows."""
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl")
        elif filename.lower().endswith((".csv", ".txt")):
            frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            raise ImportFileError("Upload a .csv or .xlsx file.")
    except ImportFileError:
        raise
    except Exception as error:  # pandas raises many kinds for unreadable files
        raise ImportFileError(f"The file could not be read as a spreadsheet: {error}") from error
    if len(frame) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(frame):,} rows; import at most {MAX_ROWS:,} at a time "
            "by splitting it into smaller files."
        )
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    return frame


def check_columns(frame: pd.DataFrame, columns: Sequence[Column]) -> None:
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    if missing:
        raise ImportFileError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Download the template to see the columns expected."
        )


def rows(frame: pd.DataFrame, columns: Sequence[Column]) -> Iterable[tuple[int, dict[str, str]]]:
    """Each row's number (as the spreadsheet shows it) and its cells, trimmed; absent columns are empty."""
    names = [c.name for c in columns]
    # Whole columns as lists: reading cell by cell through pandas is many times slower.
    present = {n: frame[n].tolist() for n in names if n in frame.columns}
    for index in range(len(frame)):
        yield index + 2, {n: unguard_text(present[n][index] or "").strip() if n in present else "" for n in names}


# Cell parsers: each adds a RowError for a cell it cannot read and returns None.


@functools.lru_cache(maxsize=4096)
def parse_period(text: str) -> Period:
    """`Period.parse`, remembered: a file repeats the same few periods on every row."""
    return Period.parse(text)


def number(errors: list[RowError], row: int, column: str, text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NumberError as error:
        errors.append(RowError(row, column, str(error)))
        return None


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y")


def date(errors: list[RowError], row: int, column: str, text: str) -> datetime.date | None:
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors.append(RowError(row, column, f'"{text}" is not a date. Write it as 31/03/2023, 2023-03-31 or 31 Mar 2023.'))
    return None


def same(old: Any, new: Any) -> bool:
    """Whether a stored field already holds the file's value ("26.0000" in the database is 26)."""
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None and new is None) or (old is not None and new is not None and Decimal(old) == Decimal(new))
    return old == new


def write_in_bulk(model: type[models.Model]) -> Callable[[ImportPlan, Any, str], None]:
    """The `apply` of a kind that writes one model: its new rows, and only the fields that changed."""

    def apply(plan: ImportPlan, user: Any, reason: str) -> None:
        changed_fields = sorted({change.field for change in plan.changes})
        write_with_history(model, plan.new, plan.changed, changed_fields, user, reason)

    return apply


# Templates: the columns with an example row.


def template_csv(columns: Sequence[Column]) -> str:
    return ",".join(c.name for c in columns) + "\n" + ",".join(_csv_cell(c.example) for c in columns) + "\n"


def template_xlsx(columns: Sequence[Column], sheet_name: str) -> bytes:
    """The template as a workbook: the columns with an example row, and a sheet explaining each."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame([[c.example for c in columns]], columns=[c.name for c in columns]).to_excel(
            writer, sheet_name=sheet_name, index=False
        )
        pd.DataFrame(
            [[c.name, "Yes" if c.required else "No", c.help, c.example] for c in columns],
            columns=["column", "required", "what to put", "example"],
        ).to_excel(writer, sheet_name="About the columns", index=False)
    return buffer.getvalue()


def _csv_cell(text: str) -> str:
    return f'"{text}"' if ("," in text or '"' in text) else text
