"""What goes wrong with an imported file: the file itself, or one of its cells."""

from __future__ import annotations

from dataclasses import dataclass


class ImportFileError(ValueError):
    """The file itself cannot be read (not CSV/XLSX, no header, missing columns, too many rows)."""


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, named as the spreadsheet shows it (the header being row 1)."""

    row: int
    column: str
    message: str
