"""Uploaded files are read in bounded time and memory, whatever their encoding, delimiter or size:
zip bombs, Latin-1 and semicolon CSVs, misspelled headers, formulas without results, and every
cell too long or number too large for where it is stored are caught when the file is checked."""

import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from indicators.imports import ImportFileError, apply_import, plan_import
from indicators.imports.reading import cell_text, decode, read_table, sniff_delimiter
from indicators.models import ComparatorCouncil, Indicator, IndicatorValue, Role
from indicators.periods import Period
from tests.factories import make_indicator, make_plan, make_service, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def kin():
    return make_indicator(make_service(), code="KIN1", unit="%", decimal_places=1)


# XLSX files built byte by byte ---------------------------------------------------------------

PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
    b'.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    b'.worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Values" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def _deflated(data: bytes, last: bool = False) -> bytes:
    """Raw deflate ending on a full flush: such pieces stand alone, so one can be repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def workbook(sheet_start: bytes, repeated: bytes = b"", times: int = 0, sheet_end: bytes = SHEET_END) -> bytes:
    """An .xlsx whose sheet is `sheet_start` + `repeated` × `times` + `sheet_end`, written as a zip by
    hand so that a gigabyte of sheet costs one compression of `repeated`, not a gigabyte's."""
    members = [(name, data, b"", 0, b"") for name, data in PARTS.items()]
    members.append(("xl/worksheets/sheet1.xml", sheet_start, repeated, times, sheet_end))
    out, central = io.BytesIO(), []
    for name, head, chunk, count, tail in members:
        data = _deflated(head) + _deflated(chunk) * count + _deflated(tail, last=True)
        crc = zlib.crc32(head)
        for _ in range(count):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
        size = len(head) + len(chunk) * count + len(tail)
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(name))
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, out.tell()))
        central[-1] += name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name.encode() + data)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def inline(text: bytes) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"


HEADER_ROW = b"<row>" + inline(b"indicator_code") + inline(b"period") + inline(b"value") + b"</row>"
VALUE_ROW = b"<row>" + inline(b"KIN1") + inline(b"Q2 2022/23") + b"<c><v>26</v></c></row>"
MB = 1024 * 1024


def read_in_a_fresh_process(path: Path) -> dict:
    """Read the file as an upload is read, in a new Python (so its peak memory is the reading's
    own), returning the outcome, the seconds taken and peak memory: the process's peak resident
    size and Python's own peak allocations during the read.

    The peak resident size is the kernel's VmHWM for the new process's own memory map: `ru_maxrss`
    would not do, as Linux carries the forking parent's high-water mark across exec, so it reports
    the size of the pytest process that started the child."""
    script = textwrap.dedent(
        f"""
        import json, os, re, sys, time, tracemalloc
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
        os.environ["DATABASE_URL"] = ""
        import django
        django.setup()
        from indicators.imports.reading import read_table
        content = open({str(path)!r}, "rb").read()
        tracemalloc.start()
        start = time.perf_counter()
        try:
            read_table(content, "upload.xlsx")
            outcome = "read"
        except Exception as error:
            outcome = f"{{type(error).__name__}}: {{error}}"
        seconds = time.perf_counter() - start
        python_peak = tracemalloc.get_traced_memory()[1]
        rss_peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1])
        print(json.dumps({{"outcome": outcome, "seconds": seconds, "python_peak_mb": python_peak / 1e6,
                           "rss_peak_mb": rss_peak_kb / 1024}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_few_mb_xlsx_unpacking_to_a_gigabyte_sheet_is_refused_quickly_in_little_memory(tmp_path):
    """The issue's upload: a 4 MB workbook whose sheet unpacks to 1 GB once held a worker for 281 s
    at 1.7 GB before saying it had too many rows."""
    content = workbook(SHEET_START + HEADER_ROW, VALUE_ROW * (MB // len(VALUE_ROW)), 1024)
    assert len(content) < 5 * MB
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    result = read_in_a_fresh_process(path)
    assert result["outcome"].startswith("ImportFileError: The file unpacks to 1,0")
    assert "import at most 200,000 rows at a time" in result["outcome"]
    assert result["seconds"] < 5
    assert result["rss_peak_mb"] < 300 and result["python_peak_mb"] < 50


def test_a_sheet_with_too_many_rows_is_refused_while_it_is_read(tmp_path):
    """Small enough unpacked to be read (100 MB), but 950,000 rows: counted as it streams, and
    refused at the 200,001st without holding the rows."""
    content = workbook(SHEET_START + HEADER_ROW, VALUE_ROW * (MB // len(VALUE_ROW)), 100)
    assert len(content) < MB
    path = tmp_path / "rows.xlsx"
    path.write_bytes(content)
    result = read_in_a_fresh_process(path)
    assert result["outcome"] == (
        "ImportFileError: The file has more than 200,000 rows; import at most 200,000 at a time by splitting it "
        "into smaller files."
    )
    assert result["seconds"] < 10
    assert result["rss_peak_mb"] < 300 and result["python_peak_mb"] < 50


def test_a_row_of_millions_of_cells_is_refused_before_it_is_parsed():
    content = workbook(SHEET_START + HEADER_ROW + b"<row>", b"<c><v>1</v></c>" * 65536, 64, b"</row>" + SHEET_END)
    with pytest.raises(ImportFileError, match="A row of the file holds more than 4 MB"):
        read_table(content, "wide.xlsx")


def test_a_zip_that_understates_its_size_is_not_read_past_it():
    content = bytearray(workbook(SHEET_START + HEADER_ROW, VALUE_ROW, 10_000))
    # Declare the sheet a tenth of its size in the central directory (the zip reader's guide).
    directory = content.rfind(b"PK\x01\x02")
    size_at = directory + 24
    declared = struct.unpack_from("<I", content, size_at)[0]
    struct.pack_into("<I", content, size_at, declared // 10)
    with pytest.raises(ImportFileError, match="could not be read"):
        read_table(bytes(content), "liar.xlsx")


def test_workbook_cells_are_read_as_text_with_formulas_without_results_refused_by_row(kin):
    sheet = openpyxl.Workbook()
    rows = sheet.active
    rows.append(["Indicator code", "period", "value", "numerator", "denominator", "commentary"])
    rows.append(["KIN1", "Q1 2022/23", 26.5, None, None, "A float"])
    rows.append(["KIN1", "Q2 2022/23", "=D3/E3*100", 39, 150, "A formula nobody calculated"])
    rows.append([None] * 6)
    rows.append(["KIN1", "Q3 2022/23", 1e-05, None, None, None])
    buffer = io.BytesIO()
    sheet.save(buffer)
    plan = plan_import("values", buffer.getvalue(), "formulas.xlsx")
    [error] = plan.errors
    assert (error.row, error.column) == (3, "value")
    assert error.message.startswith("This cell has a formula (=D3/E3*100) with no saved result")
    assert not plan.new


def test_formula_cells_with_saved_results_are_read():
    sheet = (
        SHEET_START
        + HEADER_ROW
        + b"<row>"
        + inline(b"KIN1")
        + inline(b"Q2 2022/23")
        + b"<c><f>39/150*100</f><v>26</v></c></row>"
    )
    table = read_table(workbook(sheet), "calculated.xlsx")
    assert not table.errors and table.frame["value"].tolist() == ["26"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Q2 2022/23", "Q2 2022/23"),
        (26, "26"),
        (26.0, "26"),
        (41.8, "41.8"),
        (1e-05, "0.00001"),
        (1 / 3, "0.3333333333333333"),
        (1e21, "1000000000000000000000"),
        (True, "TRUE"),
        (__import__("datetime").datetime(2023, 3, 31), "2023-03-31"),
        (__import__("datetime").datetime(2023, 3, 31, 9, 30), "2023-03-31 09:30:00"),
        (__import__("datetime").date(2023, 3, 31), "2023-03-31"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


# CSV encodings and delimiters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8"),
        ("cp1252", b"", "Windows-1252"),
        ("latin-1", b"", "Windows-1252"),  # Latin-1's letters are Windows-1252's
        ("utf-16", b"", "UTF-16"),  # Python writes the byte-order mark
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters_are_worked_out_and_imported(kin, encoding, bom, expected, delimiter):
    commentary = "Café d’été – £5" if encoding != "latin-1" else "Café été £5 ½"
    lines = [["indicator_code", "period", "value", "commentary"], ["KIN1", "Q2 2022/23", "26.5", commentary]]
    content = bom + "\r\n".join(delimiter.join(line) for line in lines).encode(encoding)
    table = read_table(content, "values.csv")
    assert table.encoding == expected
    assert table.delimiter == {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    plan = plan_import("values", content, "values.csv")
    assert plan.valid, plan.errors
    apply_import(plan, None, "values.csv")
    stored = IndicatorValue.objects.get()
    assert (stored.value, stored.commentary) == (Decimal("26.5"), commentary)


def test_a_latin1_file_with_a_byte_windows_leaves_undefined_is_read_as_latin1():
    text, encoding = decode("indicator_code\nK\x81\n".encode("latin-1"))
    assert encoding == "Latin-1" and "K\x81" in text


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ('"value, with a comma";b;c', ";"),  # quoted commas do not count
        ("single", ","),
        ("\n\na;b", ";"),  # blank lines before the header
    ],
)
def test_sniff_delimiter(header, delimiter):
    assert sniff_delimiter(header + "\n1;2;3\n") == delimiter


def test_semicolon_file_exported_by_excel_with_trailing_delimiters_and_blank_lines(kin):
    content = "indicator_code;period;value;\r\nKIN1;Q1 2022/23;27;\r\n;;;\r\nKIN1;Q2 2022/23;x;\r\n\r\n".encode(
        "cp1252"
    )
    [error] = plan_import("values", content, "excel.csv").errors
    assert error.row == 4  # the blank row keeps its number


def test_blank_lines_above_the_header_keep_the_spreadsheets_row_numbers(kin):
    content = b"\n\nindicator_code,period,value\nKIN1,Q1 2022/23,27\nKIN1,Q2 2022/23,x\n"
    [error] = plan_import("values", content, "blank-top.csv").errors
    assert (error.row, error.column) == (5, "value")


def test_null_characters_are_refused_with_the_row():
    with pytest.raises(ImportFileError, match="Row 2 has a null character"):
        read_table(b"indicator_code,period\nKIN\x001,Q2 2022/23\n", "v.csv")


# Headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("indicatr_code,period,value", 'The column "indicatr_code" is not one this import reads: did you mean '
         '"indicator_code"?'),
        ("indicator_code,period,value,comentary", 'The column "comentary" is not one this import reads: did you '
         'mean "commentary"?'),
        ("Indicator Code,Period,Valeu", 'did you mean "value"?'),
        ("indicator_code,period,value,value", 'The column "value" appears more than once; keep one.'),
        ("code,period,value", "The file has no indicator_code column"),
    ],
)  # fmt: skip
def test_unknown_or_misspelled_headers_are_named_with_the_nearest_expected_one(kin, header, message):
    row = ",".join(["KIN1", "Q2 2022/23", "26", "x"][: header.count(",") + 1])
    with pytest.raises(ImportFileError) as raised:
        plan_import("values", f"{header}\n{row}\n".encode(), "v.csv")
    assert message in str(raised.value)


def test_a_row_with_more_cells_than_the_header_says_which():
    content = b"indicator_code,period,value,commentary\nKIN1,Q1 2022/23,26,Fine\nKIN1,Q2 2022/23,27,Up, again\n"
    with pytest.raises(
        ImportFileError, match="Row 3 has 5 cells, but the rows above it have 4: a cell holding a comma"
    ):
        read_table(content, "v.csv")


def test_columns_this_kind_does_not_read_are_listed_not_refused(kin):
    content = b"indicator_code,title,period,value,target,status,last_year_value,owner\nKIN1,T,Q2 2022/23,26,30,Red,,\n"
    plan = plan_import("values", content, "export.csv")
    assert plan.valid and plan.ignored_columns == ["title", "target", "status", "last_year_value", "owner"]


# Every field's length and every number's size is checked at the preview -----------------------


def test_values_too_large_or_too_long_are_row_errors_and_confirm_cannot_fail(kin):
    header = "indicator_code,period,value,numerator,denominator,not_available_reason,commentary\n"
    content = (
        header
        + "KIN1,Q1 2022/23,1000000000000,,,,\n"
        + "KIN1,Q2 2022/23,,100000000000000000000,3,,\n"
        + f"KIN1,Q3 2022/23,,,,{'r' * 301},\n"
        + "KIN1,Q4 2022/23,,999999999999,0.0001,,\n"
    ).encode()
    plan = plan_import("values", content, "v.csv")
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "value"),
        (3, "numerator"),
        (4, "not_available_reason"),
        (5, "denominator"),
    ]
    assert "too large: a figure must be smaller than 1,000,000,000,000" in plan.errors[0].message
    assert "This is 301 characters long; at most 300 fit" in plan.errors[2].message


def test_figures_at_the_edges_are_stored_as_previewed_and_reimport_changes_nothing(kin):
    header = "indicator_code,period,value,not_available_reason\n"
    content = (
        header + "KIN1,Q1 2022/23,999999999999.999,\n"
        "KIN1,Q2 2022/23,41.833333333333336,\n"
        f"KIN1,Q3 2022/23,,{'r' * 300}\n"
    ).encode()
    plan = plan_import("values", content, "v.csv")
    assert plan.valid, plan.errors
    apply_import(plan, None, "v.csv")
    stored = dict(IndicatorValue.objects.values_list("period", "value"))
    assert stored[Period.parse("Q1 2022/23")] == Decimal("999999999999.999")
    assert stored[Q2] == Decimal("41.8333")
    again = plan_import("values", content, "v.csv")
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    ("kind", "content", "column", "limit"),
    [
        ("indicators", "code,title,service\n{long40},Title,{service}\n", "code", 40),
        ("indicators", "code,title,service\nNEW1,{long500},{service}\n", "title", 500),
        ("indicators", "code,title,service,unit\nNEW1,Title,{service},{long30}\n", "unit", 30),
        ("indicators", "code,title,service,benchmark_code\nNEW1,Title,{service},{long20}\n", "benchmark_code", 20),
        ("comparators", "council,indicator_code,year,value\n{long120},KIN1,2021/22,5\n", "council", 120),
        ("actions", "plan_code,action_code,title\nSP1,{long40},Title\n", "action_code", 40),
        ("actions", "plan_code,action_code,title\nSP1,NEW1,{long500}\n", "title", 500),
        ("targets", "indicator_code,period,target,tolerance\nKIN1,Q2 2022/23,30,1000000000000\n", "tolerance", 0),
        ("comparators", "council,indicator_code,year,value\nMoray,KIN1,2021/22,-1000000000000\n", "value", 0),
    ],
)
def test_each_field_too_long_or_number_too_large_is_a_row_error(kin, kind, content, column, limit):
    make_plan(kin.service, code="SP1")
    longer = {f"long{n}": "x" * (n + 1) for n in (20, 30, 40, 120, 500)}
    text = content.format(service=kin.service.name, **longer)
    plan = plan_import(kind, text.encode(), "f.csv")
    [error] = plan.errors
    assert (error.row, error.column) == (2, column)
    expected = f"This is {limit + 1:,} characters long; at most {limit:,} fit" if limit else "is too large"
    assert expected in error.message
    exact = text.replace("x" * (limit + 1), "x" * limit) if limit else None
    if exact:  # at the limit it is written
        fitted = plan_import(kind, exact.encode(), "f.csv")
        assert fitted.valid, fitted.errors
        apply_import(fitted, make_user(f"u{limit}{column}", Role.Kind.PERFORMANCE), "f.csv")


def test_edge_lengths_are_written_on_postgresql_and_sqlite_alike(kin):
    """What the preview accepts, the database takes: the longest council name and indicator code."""
    name, code = "C" * 120, "K" * 40
    apply_import(
        plan_import("comparators", f"council,indicator_code,year,value\n{name},KIN1,2021/22,5\n".encode(), "c.csv"),
        None,
        "c.csv",
    )
    apply_import(
        plan_import("indicators", f"code,title,service\n{code},Title,{kin.service.name}\n".encode(), "i.csv"),
        None,
        "i.csv",
    )
    assert ComparatorCouncil.objects.filter(name=name).exists() and Indicator.objects.filter(code=code).exists()
