"""What every kind of import shares: columns, options, row errors, the plan, the workflow's
checks, cell parsers.

A file is read with every cell as text (`reading`); each kind (one module beside this one) then
checks its rows and works out an `ImportPlan` of what would be new and what would change, and
later writes that plan. Every cell is checked against where it is stored (lengths, number sizes)
when the file is checked, so a preview that says "ready to import" cannot fail on confirmation.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import models

from .. import workflow
from ..bulk import write_with_history
from ..formula_guard import unguard_text
from ..models import Outcome, Plan, Reviewable
from ..numbers import NumberError, parse_number, storable
from ..periods import Period
from .errors import ImportFileError, RowError
from .reading import MAX_ROWS, Table, read_table

__all__ = ["MAX_ROWS", "ImportFileError", "RowError", "Table", "read_table"]  # besides what is defined here


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


@dataclass(frozen=True)
class ImportOptions:
    """Who imports, and what they have chosen to allow (both need `correction_reason`, which the
    audit history keeps): replacing officers' entries still in progress, and (for the performance
    team) correcting periods whose report has been issued (`workflow.require_correction_allowed`)."""

    user: Any = None
    replace_in_progress: bool = False
    correction_reason: str = ""


@dataclass
class Change:
    code: str
    period: Period | None
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        """The field in words, for the preview ("Why not available", not "not_available_reason")."""
        return FIELD_LABELS.get(self.field) or self.field.replace("_", " ").capitalize()


# Fields whose names do not read as words on their own (the rest: "due_date" is "Due date").
FIELD_LABELS = {
    "not_available": "Not available",
    "not_available_reason": "Why not available",
    "performance": "How we are performing",
    "resource_implications": "Resource implications",
    "set_status": "Status",
    "status_reason": "Why cancelled",
    "narrative_source": "Update",
    "narrative": "Update",
    "assigned_to": "Owner",
    "owner": "Owner",
}


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
    changed_labels: list[str] = field(default_factory=list)  # what each changed row is, and what changes in it
    new_sections: list[Any] = field(default_factory=list)  # plan outcomes (sections) the file names for the first time
    warnings: list[RowError] = field(default_factory=list)  # imported as they are, but worth a look
    ignored_columns: list[str] = field(default_factory=list)  # in the file, not read by this kind
    replaced: list[Any] = field(default_factory=list)  # entries still in progress it replaces (by choice)
    corrected: set[Period] = field(default_factory=set)  # locked periods the import corrects
    # What the preview shows of each new record (label, attribute) beside its code and period, so
    # that how each cell was read can be checked before confirming; empty for kinds with labels.
    new_fields: list[tuple[str, str]] = field(default_factory=list)
    options: ImportOptions = field(default_factory=ImportOptions)

    @property
    def valid(self) -> bool:
        return not self.errors

    def forget_changes(self) -> None:
        """Keep only the errors: a file with any error writes nothing, so previews show nothing."""
        self.new, self.changed, self.changes, self.unchanged, self.new_labels = [], [], [], 0, []
        self.changed_labels, self.new_sections = [], []
        self.warnings, self.replaced, self.corrected = [], [], set()


@dataclass(frozen=True)
class Kind:
    """One kind of import: its columns, how its rows are checked, and how a checked plan is written.

    `check` gets the file's table (required columns already present) and the options, and returns
    the plan; `apply` writes a valid plan, recording `reason` and `user` in the audit history,
    inside the caller's transaction.
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    check: Callable[[pd.DataFrame, ImportOptions], ImportPlan]
    apply: Callable[[ImportPlan, Any, str], None]


def check_columns(frame: pd.DataFrame, columns: Sequence[Column]) -> list[str]:
    """Refuse a header that lacks a required column, repeats one, or misspells one (a header
    close to an expected column the file lacks, e.g. "comentary": its cells would be lost);
    say the nearest expected name. Returns the other headers, which this kind does not read (an
    exported scorecard's "target" and "status" columns, say)."""
    expected = [c.name for c in columns]
    headers = [h for h in frame.columns if h]
    absent = [name for name in expected if name not in headers]
    problems = []
    repeated = sorted({h for h in headers if headers.count(h) > 1 and h in expected})
    problems += [f'The column "{h}" appears more than once; keep one.' for h in repeated]
    ignored = []
    for header in dict.fromkeys(h for h in headers if h not in expected):
        nearest = difflib.get_close_matches(header, absent, n=1, cutoff=0.75)
        if nearest:
            problems.append(f'The column "{header}" is not one this import reads: did you mean "{nearest[0]}"?')
            absent.remove(nearest[0])
        else:
            ignored.append(header)
    missing = [c.name for c in columns if c.required and c.name in absent]
    if missing:
        problems.insert(
            0,
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Download the template to see the columns expected.",
        )
    if problems:
        raise ImportFileError(" ".join(problems))
    return ignored


def rows(frame: pd.DataFrame, columns: Sequence[Column]) -> Iterable[tuple[int, dict[str, str]]]:
    """Each row's number (as the spreadsheet shows it) and its cells, trimmed; absent columns are
    empty. Rows with nothing in them are passed over (they keep their numbers)."""
    names = [c.name for c in columns]
    # Whole columns as lists: reading cell by cell through pandas is many times slower.
    present = {n: frame[n].tolist() for n in names if n in frame.columns}
    first_row = frame.attrs.get("first_row", 2)
    for index in range(len(frame)):
        cells = {n: unguard_text(present[n][index] or "").strip() if n in present else "" for n in names}
        if any(cells.values()):
            yield index + first_row, cells


class WorkflowChecks:
    """The workflow's rules for an import's rows, as the options allow: a row may not write into
    a locked period (`workflow.require_correction_allowed`, asked once per period) nor over an
    officer's entry still in progress (`workflow.require_import_may_replace`)."""

    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self._locked_rounds = workflow.locked_round_periods()
        self._periods: dict[Period, tuple[bool, str]] = {}

    def period(self, period: Period) -> tuple[bool, str]:
        """Whether `period` is locked, and why a row may not write into it ("" if it may)."""
        if period not in self._periods:
            locked = workflow.is_locked(period, self._locked_rounds)
            refusal = ""
            if locked:
                try:
                    workflow.require_correction_allowed(period, self.options.user, self.options.correction_reason)
                except workflow.WorkflowError as error:
                    refusal = str(error)
            self._periods[period] = (locked, refusal)
        return self._periods[period]

    def in_progress(self, entry: Reviewable, label: str) -> str:
        """Why an import may not replace `entry` ("" if it may)."""
        try:
            workflow.require_import_may_replace(
                entry, self.options.replace_in_progress, self.options.correction_reason, label
            )
        except workflow.WorkflowError as error:
            return str(error)
        return ""

    def writing(self, plan: ImportPlan, errors: list[RowError], row: int, period: Period) -> None:
        """A row writes into `period`: refused if it is locked, unless it is an allowed correction."""
        locked, refusal = self.period(period)
        if refusal:
            errors.append(RowError(row, "period", refusal))
        elif locked:
            plan.corrected.add(period)


def change_reason(filename: str, options: ImportOptions) -> str:
    """The audit history's reason for every row an import writes."""
    reason = options.correction_reason.strip()
    return f"Imported from {filename}: {reason}" if reason else f"Imported from {filename}"


# Plan structure named in files: sections (outcomes) by title, people by username or email.


class Sections:
    """A plan's sections (its outcomes) found by title, case aside; a title the plan does not have
    yet becomes a new section after its existing ones, once, in file order (`ImportPlan.new_sections`,
    written by `save_new_sections` before the rows that name them)."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str], Outcome] = {}
        self._next: dict[int, int] = {}
        for outcome in Outcome.objects.all():
            self._found[(outcome.plan_id, outcome.title.casefold())] = outcome
            self._next[outcome.plan_id] = max(self._next.get(outcome.plan_id, 0), outcome.order + 1)

    def named(self, errors: list[RowError], row: int, column: str, owning_plan: Plan, title: str, plan: ImportPlan):
        """The section of `owning_plan` called `title`, new if it has none of that name."""
        title = text(errors, row, column, " ".join(title.split()), Outcome, "title")
        key = (owning_plan.id, title.casefold())
        found = self._found.get(key)
        if found is None:
            found = Outcome(plan=owning_plan, title=title, order=self._next.get(owning_plan.id, 0))
            self._next[owning_plan.id] = found.order + 1
            self._found[key] = found
            plan.new_sections.append(found)
            plan.new_labels.append(f"New section in {owning_plan.code}: {title}")
        return found


def save_new_sections(plan: ImportPlan, user: Any, reason: str) -> None:
    """Write the plan's new sections (with their history) so the rows naming them can refer to them."""
    for outcome in plan.new_sections:
        outcome._change_reason, outcome._history_user = reason, user
        outcome.save()


def people_by_name() -> dict[str, Any]:
    """Active users by username and by email, case aside: how files name owners (one query)."""
    found: dict[str, Any] = {}
    for user in get_user_model().objects.filter(is_active=True):
        found[user.username.casefold()] = user
        if user.email:
            found.setdefault(user.email.casefold(), user)
    return found


def order_number(errors: list[RowError], row: int, column: str, cell: str) -> int | None:
    """A position within a section: a whole number from 0 (None for an empty cell)."""
    if not cell:
        return None
    if cell.isdigit() and int(cell) < 2**31:
        return int(cell)
    errors.append(RowError(row, column, "Write a whole number (0 or more): rows are shown in this order."))
    return None


# Cell parsers: each adds a RowError for a cell it cannot read and returns None.


@functools.lru_cache(maxsize=4096)
def parse_period(text: str) -> Period:
    """`Period.parse`, remembered: a file repeats the same few periods on every row."""
    return Period.parse(text)


def not_begun(period: Period, today: datetime.date) -> str:
    """Why nothing can be reported for `period` yet ("" once it has begun): a value, exception
    report or action update for a period still to come is a mistyped year, not a figure. (A
    target may be set ahead, so targets do not ask.)"""
    if period.start <= today:
        return ""
    return f"{period.label} has not begun yet: figures and updates can be imported only for a period that has."


def number(errors: list[RowError], row: int, column: str, cell: str) -> Decimal | None:
    """The cell's number as it will be stored (`numbers.storable`: too large is an error)."""
    try:
        parsed = parse_number(cell)
        return None if parsed is None else storable(parsed)
    except NumberError as error:
        errors.append(RowError(row, column, str(error)))
        return None


@functools.cache
def _max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def text(errors: list[RowError], row: int, column: str, value: str, model: type[models.Model], name: str) -> str:
    """The cell's text, checked against the length of the field `name` of `model` it is stored in."""
    limit = _max_length(model, name)
    if limit and len(value) > limit:
        errors.append(
            RowError(row, column, f"This is {len(value):,} characters long; at most {limit:,} fit. Shorten it.")
        )
    return value


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y")


def date(errors: list[RowError], row: int, column: str, cell: str) -> datetime.date | None:
    if not cell:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    errors.append(RowError(row, column, f'"{cell}" is not a date. Write it as 31/03/2023, 2023-03-31 or 31 Mar 2023.'))
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
