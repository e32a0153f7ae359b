"""Text in spreadsheets that no spreadsheet will run as a formula, and back again.

Officers' words go into exported spreadsheets (commentary, updates, titles). A cell whose text
begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is taken as a formula by Excel,
LibreOffice and Google Sheets when the file is opened, so `=HYPERLINK("http://…","Click")`
typed into a commentary box would become a live link, and worse. As OWASP recommends against
CSV/formula injection, every exported text cell, CSV and XLSX alike, passes through
`guard_text`, which puts a single quote in front of such text; the quote shows that the cell is
text. Imports pass every cell through `unguard_text`, which takes that quote off again, so an
exported file imported again gives back exactly what the officer wrote.

Numbers written as numbers (an exported value of -3.5) are not text and need no guard.
"""

from __future__ import annotations

FORMULA_STARTS = frozenset("=+-@\t\r")
GUARD = "'"


def _starts_formula(text: str) -> bool:
    """Whether `text`, once any quotes in front are set aside, begins as a formula would."""
    return text.lstrip(GUARD)[:1] in FORMULA_STARTS


def guard_text(text: str) -> str:
    """`text` for a spreadsheet cell, with a single quote in front if it could start a formula.

    Text that already has quotes in front of such a beginning gets one more, so that
    `unguard_text` always gives back exactly what was written ("'=1" → "''=1" → "'=1").
    """
    if text and _starts_formula(text):
        return GUARD + text
    return text


def unguard_text(text: str) -> str:
    """A cell's text as it was before `guard_text`: the quote in front of a formula-like beginning
    taken off ("'=HYPERLINK(…)" → "=HYPERLINK(…)"); any other text unchanged."""
    if text[:1] == GUARD and _starts_formula(text[1:]):
        return text[1:]
    return text
