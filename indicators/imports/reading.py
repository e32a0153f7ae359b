"""Reading an uploaded file into a table of text, in bounded time and memory whatever is uploaded.

CSV: the encoding is worked out (UTF-8 with or without a byte-order mark, UTF-16 with one, else
Windows-1252, which also reads Latin-1) and so is the delimiter (comma, semicolon or tab, from the
header row). At most `MAX_ROWS` rows are read.

XLSX: an .xlsx file is a zip of XML, and a few megabytes can unpack to gigabytes. Before anything
is parsed, the declared unpacked size of every part is checked (the zip reader never unpacks more
than that), then each sheet's XML is streamed through once, counting rows and watching the bytes
between rows, and refused as soon as it has more than `MAX_ROWS` rows or a row larger than
`MAX_ROW_BYTES`. Only then does openpyxl read the first sheet, in read-only (streaming) mode, row
by row, again counting. A formula cell without a saved result (a file written by a program that
does not calculate) is a row error, not an empty cell.
"""

from __future__ import annotations

import codecs
import datetime
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import openpyxl
import pandas as pd

from .errors import ImportFileError, RowError

# Checking keeps every row of the file in memory (about 2 KB a row with its preview, measured by
# bench/imports.py), so files are limited to this many rows: 200,000 rows take about 450 MB.
MAX_ROWS = 200_000
# An unpacked sheet's XML: a 200,000-row sheet of a dozen columns is well under 200 MB.
MAX_SHEET_BYTES = 256 * 1024 * 1024
# Any other part of a workbook (shared strings, styles…), unpacked; openpyxl reads these whole.
MAX_PART_BYTES = 64 * 1024 * 1024
# One row's XML (its cells are held together while it is parsed); a full row of 16,384 cells is ~1 MB.
MAX_ROW_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class Table:
    """A file's rows as text: `frame` has one column per header cell (names as written, trimmed
    and lower-cased, spaces as "_"); `errors` are cells that could not be read."""

    frame: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def read_table(content: bytes, filename: str) -> Table:
    """The file's first sheet (or the CSV) as text. Raises `ImportFileError` for a file that
    cannot be read, or has more than `MAX_ROWS` rows."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(content)
    if name.endswith((".csv", ".txt")):
        return read_csv(content)
    raise ImportFileError("Upload a .csv or .xlsx file.")


def too_many_rows(count: int | None = None) -> ImportFileError:
    size = f"{count:,} rows" if count is not None else f"more than {MAX_ROWS:,} rows"
    return ImportFileError(
        f"The file has {size}; import at most {MAX_ROWS:,} at a time by splitting it into smaller files."
    )


def normalise_header(cell: Any) -> str:
    """A header cell as a column name: "Indicator code " is indicator_code; an empty one is ""."""
    name = str(cell if cell is not None else "").replace("\ufeff", "").strip()
    if name.startswith("Unnamed: "):  # pandas' name for a CSV column with an empty header
        return ""
    return name.lower().replace(" ", "_")


# CSV --------------------------------------------------------------------------------------------


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    UTF-8 (a byte-order mark is dropped) is tried first: a file in another encoding is very
    unlikely to be valid UTF-8. UTF-16 is recognised by its byte-order mark (Excel's "Unicode
    text"). Anything else is Windows-1252, Excel's "CSV" on Windows, which reads every character
    of Latin-1 the same; the few bytes Windows-1252 leaves undefined are read as Latin-1.
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise ImportFileError("The file starts as UTF-16 text but is not: save it as CSV UTF-8.") from error
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "Latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header row: whichever of comma, semicolon and tab it has most of,
    outside quotes (a comma when it has none: a single column)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(content: bytes) -> Table:
    text, encoding = decode(content)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(
            f"Row {line} has a null character, so this is not a text CSV file. Save it as CSV UTF-8 and try again."
        )
    delimiter = sniff_delimiter(text)
    # pandas finds no columns when the first line is blank: start at the header, counting the
    # blank lines so that row numbers stay the spreadsheet's own.
    stripped = text.lstrip("\r\n")
    blank_above = text.count("\n", 0, len(text) - len(stripped))
    text = stripped
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns of trailing delimiters, which it drops
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,  # row numbers stay as the spreadsheet shows them
                header=None,  # the header is read as a row, so a repeated column keeps its name
                index_col=False,
                nrows=MAX_ROWS + 2,
            )
    except pd.errors.EmptyDataError as error:
        raise ImportFileError("The file is empty: its first row should name the columns.") from error
    except pd.errors.ParserError as error:
        ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if ragged:
            expected, line, found = ragged.groups()
            raise ImportFileError(
                f"Row {line} has {found} cells, but the rows above it have {expected}: a cell holding a "
                f"{DELIMITER_NAMES[delimiter]} must be in double quotes."
            ) from error
        raise ImportFileError(f"The file could not be read as a spreadsheet: {error}") from error
    except Exception as error:  # pandas raises many kinds for unreadable files
        raise ImportFileError(f"The file could not be read as a spreadsheet: {error}") from error
    while len(frame) and not any(frame.iloc[0]):  # lines of empty cells above the header (";;;")
        frame = frame.iloc[1:]
        blank_above += 1
    if not len(frame):
        raise ImportFileError("The file is empty: its first row should name the columns.")
    header = [normalise_header(c) for c in frame.iloc[0]]
    frame = drop_trailing_blank_rows(frame.iloc[1:].reset_index(drop=True))
    if len(frame) > MAX_ROWS:
        raise too_many_rows()
    frame.columns = header
    # Row numbers in messages are the spreadsheet's own, counting the blank lines above the header.
    frame.attrs["first_row"] = blank_above + 2
    return Table(frame, encoding=encoding, delimiter=DELIMITER_NAMES[delimiter])


def drop_trailing_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the empty rows at the end (a sheet's formatted but empty rows, a CSV's last lines)."""
    if frame.empty:
        return frame
    filled = (frame.astype(str) != "").any(axis=1).to_numpy().nonzero()[0]
    return frame.iloc[: filled[-1] + 1 if len(filled) else 0]


# XLSX -------------------------------------------------------------------------------------------

# A row's or a formula's start tag, with or without a namespace prefix ("<row>", "<x:row r=…>"). XML
# text cannot hold "<", but it may hold ":row " (rarely): counted too, that only errs towards caution.
_ROW_TAGS = (b"<row>", b"<row ", b":row>", b":row ")
_FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")
_OVERLAP = 4  # a tag split between two chunks is found in the second, and never counted twice


def check_parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Refuse a workbook any of whose parts would unpack too large; return its sheets' parts.

    The sizes are those the zip declares; Python's zip reader stops at the declared size (and
    fails the checksum if there was more), so they bound what reading can unpack.
    """
    sheets = []
    for info in archive.infolist():
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        limit = MAX_SHEET_BYTES if is_sheet else MAX_PART_BYTES
        if info.file_size > limit:
            what = "a sheet" if is_sheet else "a part of the workbook"
            raise ImportFileError(
                f"The file unpacks to {info.file_size / 1e6:,.0f} MB in {what}, more than a spreadsheet of "
                f"{MAX_ROWS:,} rows needs; import at most {MAX_ROWS:,} rows at a time by splitting it into "
                "smaller files."
            )
        if is_sheet:
            sheets.append(info)
    if not sheets:
        raise ImportFileError("The file could not be read as a spreadsheet: it has no sheets.")
    return sheets


def scan_sheet(stream: IO[bytes]) -> bool:
    """Stream through a sheet's XML (a chunk at a time, counting in C) and refuse it past
    `MAX_ROWS` rows (the header being one more), or with more than `MAX_ROW_BYTES` without a
    row starting (a row of millions of cells, or a bloated part around the rows). Returns
    whether the sheet has formulas."""
    rows, formulas = 0, False
    last_row = 0  # where, roughly, the latest row started (within a chunk), or the sheet
    tail, start = b"", 0  # the previous chunk's last bytes, and where they are in the sheet
    while data := stream.read(CHUNK):
        buffer = tail + data
        found = sum(buffer.count(tag) for tag in _ROW_TAGS)
        if found:
            rows += found
            last_row = start + max(buffer.rfind(tag) for tag in _ROW_TAGS)
            if rows > MAX_ROWS + 1:
                raise too_many_rows()
        formulas = formulas or any(tag in buffer for tag in _FORMULA_TAGS)
        start += len(buffer) - _OVERLAP
        tail = buffer[-_OVERLAP:]
        if start - last_row > MAX_ROW_BYTES:
            raise row_too_large()
    if start + len(tail) - last_row > MAX_ROW_BYTES:
        raise row_too_large()
    return formulas


def row_too_large() -> ImportFileError:
    return ImportFileError(
        f"A row of the file holds more than {MAX_ROW_BYTES // (1024 * 1024)} MB, more than any spreadsheet "
        "of figures needs, so it was not read. Copy the cells you need into a new workbook and save that."
    )


def read_xlsx(content: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        formulas = False
        for info in check_parts(archive):
            with archive.open(info) as stream:
                formulas = scan_sheet(stream) or formulas
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of workbook features it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # a broken zip or workbook raises many kinds
        raise ImportFileError(f"The file could not be read as a spreadsheet: {error}") from error
    try:
        return _read_first_sheet(workbook, content if formulas else None)
    finally:
        workbook.close()


def _read_first_sheet(workbook: Any, content_with_formulas: bytes | None) -> Table:
    sheet = workbook.worksheets[0]
    # The declared dimensions may be wrong (too small would lose rows; too wide would make every
    # row that wide), so rows are read as they are and cut to the header's width.
    sheet.reset_dimensions()
    header_row = next(sheet.iter_rows(max_row=1, values_only=True), None)
    if not header_row or not any(cell not in (None, "") for cell in header_row):
        raise ImportFileError("The file is empty: its first row should name the columns.")
    header = [normalise_header(cell) for cell in header_row]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows: list[list[str]] = []
    percent: dict[str, bool] = {}  # by number format: a sheet has a few
    for cells in _limited(sheet.iter_rows(min_row=2, max_col=width)):
        rows.append([_shown(cell, percent) for cell in cells] + [""] * (width - len(cells)))
    errors = _formulas_without_results(content_with_formulas, header, rows) if content_with_formulas else []
    frame = drop_trailing_blank_rows(pd.DataFrame(rows, columns=header, dtype=object))
    return Table(frame, errors)


def _shown(cell: Any, percent: dict[str, bool]) -> str:
    """A cell's text as the checks read it: a number formatted as a percentage is read as Excel
    shows it, 0.256 as "25.6%", not as the fraction it stores (which a "%" measure would take as
    0.256%)."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = cell.number_format or "General"
        if number_format not in percent:
            percent[number_format] = is_percent_format(number_format)
        if percent[number_format] and math.isfinite(value):
            return format((Decimal(repr(value)) * 100).normalize(), "f") + "%"
    return cell_text(value)


# The parts of an Excel number format that are shown as they are: quoted text, an escaped
# character, a colour or condition in brackets. A "%" in one of them does not scale the number.
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(number_format: str) -> bool:
    """Whether Excel shows a number in `number_format` multiplied by 100 ("0.0%", "0%;[Red]-0%"),
    rather than with a percent sign written in it ('0.0"%"', "0.0\\%")."""
    return "%" in _LITERAL.sub("", number_format)


def _limited(rows: Iterator[tuple]) -> Iterator[tuple]:
    """The rows, refusing the file past `MAX_ROWS` (openpyxl also makes empty rows for skipped row numbers)."""
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise too_many_rows()
        yield row


def _formulas_without_results(content: bytes, header: list[str], rows: list[list[str]]) -> list[RowError]:
    """A row error for each formula cell that has no saved result: the sheet read again, as
    formulas (only for a workbook that has formulas)."""
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        formulas = workbook.worksheets[0]
        formulas.reset_dimensions()
        for index, cells in enumerate(_limited(formulas.iter_rows(min_row=2, max_col=len(header)))):
            for cell in cells:
                if getattr(cell, "data_type", None) != "f" or index >= len(rows):
                    continue
                column = cell.column - 1
                if rows[index][column] == "":
                    errors.append(
                        RowError(
                            index + 2,
                            header[column] or cell.column_letter,
                            f"This cell has a formula ({str(cell.value)[:60]}) with no saved result. Open the "
                            "file in Excel and save it, or paste the values in place of the formulas.",
                        )
                    )
    finally:
        workbook.close()
    return errors


def cell_text(value: Any) -> str:
    """A cell's value as the text the checks read: numbers as written ("26", "41.8", "0.00001"),
    dates as 2023-03-31 (with the time if it has one)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
