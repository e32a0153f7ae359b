"""Scorecards and the benchmarking overview as spreadsheets: the same rows, statuses and values the
page shows (filters included).

Indicator rows carry `indicator_code`, `period` and `value` columns, so an exported scorecard can
be imported again as indicator values. Both formats are made from the same `Sheet`s:

- every text cell passes through `indicators.formula_guard.guard_text`, so nothing an officer
  typed runs as a formula when the file is opened (imports take the guard off again);
- in Excel, figures are numbers shown with the indicator's decimal places (and "%"), dates are
  dates, long text is whole and wrapped, the header row is frozen with filters on it, and
  columns have widths to suit; statuses, trends and outlooks are words;
- in CSV, figures are written with every significant digit and dates as 2023-03-31.

File names say what was downloaded: the scope, the period and any filters (`file_name`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from indicators.formula_guard import guard_text
from indicators.html import html_to_text
from indicators.periods import Period
from reports.presentation.numbers import plain_number
from reports.presentation.status import DEFAULT_WORDS, StatusWords

from .build import Scorecard
from .filters import NEEDS_ATTENTION
from .rows import ActionRow, IndicatorRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
EXCEL_CELL_LIMIT = 32_767  # characters Excel holds in one cell
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Figure:
    """A number as the page shows it: `places` decimal places, and "%" for percentages."""

    value: Decimal
    places: int = 0
    unit: str = ""

    @property
    def number_format(self) -> str:
        digits = "#,##0" + ("." + "0" * self.places if self.places else "")
        return f'{digits}"%"' if self.unit == "%" else digits


Cell = str | int | Figure | dt.date | None


@dataclass(frozen=True)
class Column:
    name: str
    width: int = 12  # in characters; long text columns wrap at this width
    wrap: bool = False


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: list[list[Cell]] = field(default_factory=list)


def _figure(value: Decimal | None, places: int = 0, unit: str = "") -> Figure | None:
    return None if value is None else Figure(value, places, unit)


# What is exported ------------------------------------------------------------------------------

INDICATOR_COLUMNS = (
    Column("indicator_code", 14),
    Column("title", 50, wrap=True),
    Column("plan", 30, wrap=True),
    Column("section", 30, wrap=True),
    Column("period", 12),
    Column("value", 12),
    Column("unit", 10),
    Column("target", 12),
    Column("target_set_for", 14),  # the year whose target applied to a part of it, else empty
    Column("status", 22),
    Column("short_trend", 16),
    Column("long_trend", 16),
    Column("outlook", 24),
    Column("last_year_value", 14),
    Column("owner", 20),
    Column("commentary", 60, wrap=True),
    Column("not_available_reason", 30, wrap=True),
)
ACTION_COLUMNS = (
    Column("action_code", 12),
    Column("title", 50, wrap=True),
    Column("plan", 30, wrap=True),
    Column("section", 30, wrap=True),
    Column("group", 8),
    Column("owner", 20),
    Column("due_date", 12),
    Column("revised_due_date", 16),
    Column("progress", 10),
    Column("status", 18),
    Column("update_period", 14),
    Column("latest_update", 80, wrap=True),
)


def _indicator_cells(plan, section, row: IndicatorRow, words: StatusWords = DEFAULT_WORDS) -> list[Cell]:
    def figure(value: Decimal | None) -> Figure | None:
        return _figure(value, row.decimal_places, row.unit)

    return [
        row.code,
        row.title,
        plan.title,
        section.title,
        row.reported_period.label if row.reported_period else "",
        figure(row.value),
        row.unit,
        figure(row.target),
        row.target_year.label if row.target_year else "",
        words.label(row.rag),
        row.short_trend.label,
        row.long_trend.label,
        row.outlook.label,
        figure(row.last_year_value),
        row.owner,
        row.commentary,
        row.not_available_reason,
    ]


def _action_cells(plan, section, row: ActionRow) -> list[Cell]:
    return [
        row.code,
        row.title,
        plan.title,
        section.title,
        "yes" if row.is_group else "",
        row.owner,
        row.due_date,
        row.revised_due_date,
        _figure(None if row.progress is None else Decimal(row.progress), 0, "%"),
        row.status_label,
        row.update_period.label if row.update_period else "",
        html_to_text(row.narrative_html),
    ]


def scorecard_sheets(card: Scorecard) -> tuple[Sheet, Sheet]:
    """The scorecard's indicators and actions, in the order of the page."""
    indicators, actions = Sheet("Indicators", INDICATOR_COLUMNS), Sheet("Actions", ACTION_COLUMNS)
    for plan, section, row in card.rows():
        if isinstance(row, IndicatorRow):
            indicators.rows.append(_indicator_cells(plan, section, row, card.words))
        elif isinstance(row, ActionRow):
            actions.rows.append(_action_cells(plan, section, row))
    return indicators, actions


def combined_sheet(sheets: Sequence[Sheet], kinds: Sequence[str]) -> Sheet:
    """Several sheets as one table (for CSV): a `kind` column, then every sheet's columns once."""
    names: dict[str, Column] = {"kind": Column("kind")}
    for sheet in sheets:
        for column in sheet.columns:
            names.setdefault(column.name, column)
    combined = Sheet("Scorecard", list(names.values()))
    for sheet, kind in zip(sheets, kinds, strict=True):
        positions = [list(names).index(column.name) for column in sheet.columns]
        for cells in sheet.rows:
            row: list[Cell] = [kind] + [None] * (len(names) - 1)
            for position, cell in zip(positions, cells, strict=True):
                row[position] = cell
            combined.rows.append(row)
    return combined


def benchmarking_sheet(rows: Iterable[tuple[Any, Any]]) -> Sheet:
    """The benchmarking overview's rows: (indicator, comparison) pairs, as the page shows them."""
    sheet = Sheet(
        "Benchmarking",
        [
            Column("indicator_code", 14), Column("benchmark_code", 14), Column("title", 50, wrap=True),
            Column("year", 10), Column("better", 22), Column("our_value", 12), Column("family_group", 20),
            Column("family_average", 14), Column("family_rank", 12), Column("family_size", 12),
            Column("national_average", 16), Column("national_is_published_figure", 14), Column("national_rank", 14),
            Column("national_size", 14),
        ],
    )  # fmt: skip
    for indicator, comparison in rows:

        def figure(value: Decimal | None, indicator=indicator) -> Figure | None:
            return _figure(value, indicator.decimal_places, indicator.unit)

        sheet.rows.append(
            [
                indicator.code,
                indicator.benchmark_code,
                indicator.title,
                comparison.period.label,
                indicator.get_polarity_display(),
                figure(comparison.own_value),
                comparison.family_group or "",
                figure(comparison.family_average),
                comparison.family_rank,
                comparison.family_size,
                figure(comparison.national_average),
                "yes" if comparison.national_is_published else "no",
                comparison.national_rank,
                comparison.national_size,
            ]
        )
    return sheet


# File names ------------------------------------------------------------------------------------

NAME_LIMIT = 150


def file_name(card: Scorecard, extension: str) -> str:
    """What the download holds: "scorecard-<scope>-<period>[-<statuses>][-owner-<name>][-search-<text>]",
    so a filtered download never has the same name as the whole scorecard."""
    parts = ["scorecard", slugify(card.title), _period_part(card.period)]
    filters = card.filters
    if filters.statuses:
        parts.append("needs-attention" if filters.statuses == NEEDS_ATTENTION else "-".join(sorted(filters.statuses)))
    if filters.owner:
        parts += ["owner", slugify(dict(card.owners).get(filters.owner, "")) or str(filters.owner)]
    if filters.query:
        parts += ["search", slugify(filters.query) or "text"]
    return _name(parts, extension)


def benchmarking_file_name(own: str | None, rows: Sequence[tuple[Any, Any]], extension: str) -> str:
    """ "benchmarking-<our council>-<latest year>" (the overview shows each indicator's latest year)."""
    years = sorted({comparison.period for _, comparison in rows}, key=lambda p: p.end)
    return _name(["benchmarking", slugify(own or ""), _period_part(years[-1]) if years else ""], extension)


def _period_part(period: Period) -> str:
    """ "Q2 2022/23" → "q2-2022-23"."""
    return slugify(period.label.replace("/", "-"))


def _name(parts: Sequence[str], extension: str) -> str:
    stem = "-".join(part.replace("_", "-") for part in parts if part)
    return f"{stem[:NAME_LIMIT].rstrip('-')}.{extension}"


# Writing ---------------------------------------------------------------------------------------


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Figure):
        return plain_number(cell.value)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, int):
        return str(cell)
    return guard_text(cell)


def to_csv_bytes(sheet: Sheet) -> bytes:
    """One sheet as CSV, UTF-8 with a byte-order mark so that Excel reads its accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in sheet.columns])
    writer.writerows([_csv_text(cell) for cell in cells] for cells in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _excel_number(value: Decimal) -> Decimal:
    """The value with every significant digit and no exponent ("26.0000" → 26, "1E+1" → 10)."""
    return Decimal(format(value.normalize(), "f"))


def to_xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one workbook: typed cells, a frozen header row with filters, widths, wrapped text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    wrapped, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.append([column.name for column in sheet.columns])
        for cell in ws[1]:
            cell.font = header_font
        for index, cells in enumerate(sheet.rows, start=2):
            for position, (column, value) in enumerate(zip(sheet.columns, cells, strict=True), start=1):
                if value is None or value == "":
                    continue
                target = ws.cell(row=index, column=position)
                if isinstance(value, Figure):
                    target.value = _excel_number(value.value)
                    target.number_format = value.number_format
                elif isinstance(value, dt.date):
                    target.value = value
                    target.number_format = DATE_FORMAT
                elif isinstance(value, int):
                    target.value = value
                else:
                    target.value = guard_text(value)[:EXCEL_CELL_LIMIT]
                    target.data_type = "s"  # text, whatever it begins with
                target.alignment = wrapped if column.wrap else top
        for position, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(position)].width = max(column.width, len(column.name) + 2)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(sheet.rows) + 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SUMMARY_COLUMNS = (Column("status", 34), Column("this_period", 14), Column("same_period_last_year", 22))


def summary_sheet(card: Scorecard) -> Sheet:
    """The indicators by status, every category apart (in the council's words), and the measures covered."""
    sheet = Sheet("Summary", SUMMARY_COLUMNS)
    sheet.rows = [[c.label, c.count, c.last_year] for c in card.indicator_counts]
    sheet.rows.append(["Measures covered", card.indicators_covered, card.indicators_covered_last_year])
    return sheet


def to_xlsx(card: Scorecard) -> bytes:
    """The indicators and actions, then the summary of indicators by status."""
    return to_xlsx_bytes([*scorecard_sheets(card), summary_sheet(card)])


def to_csv(card: Scorecard) -> bytes:
    """Indicators and actions in one table, with a `kind` column saying which each row is."""
    return to_csv_bytes(combined_sheet(scorecard_sheets(card), ["indicator", "action"]))


def sheet_download(sheet: Sheet, export: str) -> tuple[bytes, str]:
    """One sheet as CSV or XLSX bytes, with the content type."""
    if export == "csv":
        return to_csv_bytes(sheet), CSV_TYPE
    return to_xlsx_bytes([sheet]), XLSX_TYPE
