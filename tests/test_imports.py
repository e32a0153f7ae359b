"""Spreadsheet imports and scorecard exports."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.forms import IndicatorValueForm
from indicators.imports import ImportFileError, apply_import, plan_import, template_csv
from indicators.models import Committee, IndicatorValue, PendingImport, ReportingRound, Role, Target
from indicators.periods import Period
from tests.factories import make_indicator, make_service, make_target, make_user, make_value

pytestmark = pytest.mark.django_db
Q1, Q2 = Period.parse("Q1 2022/23"), Period.parse("Q2 2022/23")


@pytest.fixture
def indicators():
    service = make_service()
    return {
        "kin": make_indicator(service, code="KIN1", unit="%", decimal_places=1),
        "annual": make_indicator(service, code="ANN1", frequency="annual"),
    }


def csv(text: str) -> bytes:
    return text.strip().encode()


HEADER = "indicator_code,period,value,numerator,denominator,not_available_reason,commentary\n"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("NOPE,Q2 2022/23,5,,,,", "indicator_code", 'There is no indicator with the code "NOPE"'),
        (",Q2 2022/23,5,,,,", "indicator_code", "The indicator code is missing"),
        ("KIN1,Q5 2022/23,5,,,,", "period", "there is no quarterly period 5"),
        ("KIN1,someday,5,,,,", "period", "is not a period"),
        ("KIN1,Q2 2022/23,lots,,,,", "value", '"lots" is not a number'),
        ("KIN1,Q2 2022/23,5,1,0,,", "denominator", "cannot be zero"),
        ("ANN1,Q2 2022/23,5,,,,", "period", "ANN1 is reported annual, so it has no value for Q2 2022/23"),
        ("KIN1,Q2 2022/23,5,12x,,,", "numerator", "is not a number"),
    ],
)
def test_each_validation_error_names_row_and_column(indicators, row, column, message):
    plan = plan_import("values", csv(HEADER + "KIN1,Q1 2022/23,4,,,,\n" + row), "values.csv")
    assert not plan.valid
    [error] = plan.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message


def test_a_fraction_for_a_count_is_refused_as_the_form_refuses_it(indicators):
    make_indicator(indicators["kin"].service, code="CNT1", unit="children")
    plan = plan_import("values", csv(HEADER + "CNT1,Q2 2022/23,1234.5,,,,\nKIN1,Q2 2022/23,41.85,,,,"), "values.csv")
    [error] = plan.errors
    assert (error.row, error.column) == (2, "value")
    assert "1,234.5 is not a whole number" in error.message
    assert plan_import("values", csv(HEADER + 'CNT1,Q2 2022/23,"1,234",,,,'), "values.csv").valid


def test_the_preview_shows_changed_figures_as_typed_not_as_stored(client, indicators):
    make_value(indicators["kin"], "Q1 2022/23", "29")
    client.force_login(make_user("perf", Role.Kind.PERFORMANCE))
    upload = SimpleUploadedFile("q1.csv", csv(HEADER + "KIN1,Q1 2022/23,31.5,,,,"), content_type="text/csv")
    preview = client.post(reverse("imports"), {"kind": "values", "file": upload}).content.decode()
    assert "<td>Value</td><td>29</td><td>31.5</td>" in preview and "29.0000" not in preview


def test_a_row_with_commentary_but_no_value_is_refused_not_skipped(indicators):
    """Skipped as a row with no figure, its commentary was silently dropped."""
    plan = plan_import(
        "values", csv(HEADER + "KIN1,Q2 2022/23,,,,,Figures delayed by the new system\nKIN1,Q3 2022/23,,,,,"), "v.csv"
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (2, "value", "This row has commentary but no value. Give a value, or say why it is not available.")
    ]
    assert plan.skipped == 1  # the row with nothing in it


def test_duplicate_rows_are_reported_with_the_first_row(indicators):
    plan = plan_import("values", csv(HEADER + "KIN1,Q2 2022/23,4,,,,\nKIN1,2022/23 Q2,5,,,,"), "v.csv")
    [error] = plan.errors
    assert error.row == 3 and "already in row 2" in error.message


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("KIN1,Q2 2022/23,,2,absolute,", "target", "The target is missing"),
        ("KIN1,Q2 2022/23,30,-1,absolute,", "tolerance", "cannot be negative"),
        ("KIN1,Q2 2022/23,30,2,fuzzy,", "tolerance_type", 'Write "absolute" or "percent"'),
    ],
)
def test_target_validation(indicators, row, column, message):
    plan = plan_import(
        "targets", csv("indicator_code,period,target,tolerance,tolerance_type,rationale\n" + row), "t.csv"
    )
    [error] = plan.errors
    assert (error.row, error.column) == (2, column) and message in error.message


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"indicator_code,value\nKIN1,4", "v.csv", "no period column"),
        (b"whatever", "v.pdf", "Upload a .csv or .xlsx file"),
        (b"\x00\x01 not excel", "v.xlsx", "could not be read"),
    ],
)
def test_unreadable_files_say_why(indicators, content, name, message):
    with pytest.raises(ImportFileError, match=message):
        plan_import("values", content, name)


def test_files_with_too_many_rows_are_refused_with_a_reason(indicators, monkeypatch):
    from indicators.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(ImportFileError, match="The file has more than 2 rows; import at most 2 at a time"):
        plan_import(
            "values", csv(HEADER + "KIN1,Q1 2022/23,1,,,,\nKIN1,Q2 2022/23,2,,,,\nKIN1,Q3 2022/23,3,,,,"), "v.csv"
        )


def test_one_bad_row_among_ten_thousand_writes_nothing(indicators):
    service = indicators["kin"].service
    codes = [make_indicator(service, code=f"B{i:03d}").code for i in range(100)]
    periods = [Period.parse("Q1 1990/91")]
    while len(periods) < 100:
        periods.append(periods[-1].next())
    rows = [f"{code},{p.label},{i},,,,ok" for code in codes for i, p in enumerate(periods)]
    rows[7_000] = rows[7_000].split(",")[0] + "," + rows[7_000].split(",")[1] + ",7O,,,,"
    plan = plan_import("values", csv(HEADER + "\n".join(rows)), "big.csv")
    assert plan.rows == 10_000
    assert [(e.row, e.column) for e in plan.errors] == [(7_002, "value")]
    with pytest.raises(ImportFileError):
        apply_import(plan, None, "big.csv")
    assert not IndicatorValue.objects.exists()


def test_preview_then_apply_then_reimport_changes_nothing(indicators):
    kin = indicators["kin"]
    make_value(kin, "Q1 2022/23", 27)
    content = csv(
        HEADER + "KIN1,Q1 2022/23,27.5,,,,\nKIN1,Q2 2022/23,26,39,150,,Two carers\nANN1,2021/22,,,,Published in March,"
    )
    plan = plan_import("values", content, "v.csv")
    assert plan.valid and (len(plan.new), len(plan.changed), plan.unchanged) == (2, 1, 0)
    [change] = plan.changes
    assert (change.code, change.period, change.field, change.old, change.new) == (
        "KIN1",
        Q1,
        "value",
        27,
        Decimal("27.5"),
    )
    assert IndicatorValue.objects.get(indicator=kin, period=Q1).value == 27  # nothing written yet

    admin = make_user("perf", Role.Kind.PERFORMANCE)
    assert apply_import(plan, admin, "v.csv") == (2, 1)
    assert IndicatorValue.objects.get(indicator=kin, period=Q1).value == Decimal("27.5")
    not_available = IndicatorValue.objects.get(indicator=indicators["annual"])
    assert not_available.not_available and not_available.not_available_reason == "Published in March"
    history = IndicatorValue.objects.get(indicator=kin, period=Q2).history.first()
    assert history.history_change_reason == "Imported from v.csv" and history.history_user == admin

    again = plan_import("values", content, "v.csv")
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 3)


def test_numerator_and_denominator_give_the_percentage_as_the_form_does(indicators):
    """39 of 150 for a "%" indicator is 26%: the import once stored the bare ratio, 0.26."""
    content = csv(HEADER + "KIN1,Q2 2022/23,,39,150,,Two new carers")
    plan = plan_import("values", content, "v.csv")
    assert plan.valid, plan.errors
    apply_import(plan, None, "v.csv")
    stored = IndicatorValue.objects.get(indicator=indicators["kin"], period=Q2)
    assert stored.value == Decimal("26.0") and (stored.numerator, stored.denominator) == (39, 150)
    assert not stored.not_available

    form = IndicatorValueForm({"numerator": "39", "denominator": "150", "version": "0"}, indicator=indicators["kin"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == stored.value
    assert plan_import("values", content, "v.csv").unchanged == 1


def test_a_value_beside_its_numerator_and_denominator_must_agree_with_them(indicators):
    """As on the form (`numbers.reconciled_value`): 26 beside 39 ÷ 150 is stored as the division;
    30 beside 10 ÷ 40 (25) is refused at its row, not stored as either."""
    content = csv(HEADER + "KIN1,Q2 2022/23,26,39,150,,\nKIN1,Q3 2022/23,30,10,40,,")
    plan = plan_import("values", content, "v.csv")
    assert [(e.row, e.column) for e in plan.errors] == [(3, "value")]
    assert "The value 30 does not match the numerator and denominator, which give 25.0 (10 ÷ 40)" in (
        plan.errors[0].message
    )
    assert not IndicatorValue.objects.exists()
    plan = plan_import("values", csv(HEADER + "KIN1,Q2 2022/23,26,39,150,,"), "v.csv")
    assert plan.valid, plan.errors
    apply_import(plan, None, "v.csv")
    assert IndicatorValue.objects.get(indicator=indicators["kin"], period=Q2).value == Decimal("26.00")


def test_a_file_without_an_optional_column_leaves_what_is_stored_in_it(indicators):
    """A correction file of code, period and value (the documented minimum) once emptied every
    stored commentary it touched, and counted an unchanged value as changed; a targets file without
    a tolerance column set every tolerance to none."""
    kin = indicators["kin"]
    make_value(kin, "Q2 2022/23", "9.91", numerator=42, denominator=424, commentary="Two new carers")
    make_value(kin, "Q3 2022/23", 30, commentary="Stable")
    make_value(kin, "Q4 2022/23", 31, commentary="Kept too")

    plan = plan_import(
        "values",
        csv("indicator_code,period,value\nKIN1,Q2 2022/23,9.91\nKIN1,Q3 2022/23,28\nKIN1,Q1 2023/24,27"),
        "v.csv",
    )
    assert plan.valid, plan.errors
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (1, 1, 1)  # Q2 is as stored, ratio and all
    assert [(c.period.label, c.field) for c in plan.changes] == [("Q3 2022/23", "value")]
    apply_import(plan, None, "v.csv")
    stored = {v.period.label: v for v in IndicatorValue.objects.filter(indicator=kin)}
    assert (stored["Q2 2022/23"].commentary, stored["Q2 2022/23"].numerator) == ("Two new carers", 42)
    assert (stored["Q3 2022/23"].value, stored["Q3 2022/23"].commentary) == (28, "Stable")
    assert stored["Q1 2023/24"].commentary == ""  # a new value has none

    # A value that changes no longer comes from the stored numerator and denominator: they go.
    plan = plan_import("values", csv("indicator_code,period,value\nKIN1,Q2 2022/23,10.5"), "v.csv")
    assert sorted(c.field for c in plan.changes) == ["denominator", "numerator", "value"]
    # A commentary column with an empty cell says so: that commentary is emptied.
    plan = plan_import("values", csv("indicator_code,period,value,commentary\nKIN1,Q4 2022/23,31,"), "v.csv")
    assert [(c.field, c.old, c.new) for c in plan.changes] == [("commentary", "Kept too", "")]

    make_target(kin, "Q2 2022/23", 30, 2, rationale="Set by the board", tolerance_type="percent")
    plan = plan_import("targets", csv("indicator_code,period,target\nKIN1,Q2 2022/23,32"), "t.csv")
    apply_import(plan, None, "t.csv")
    target = Target.objects.get(indicator=kin, period=Q2)
    assert (target.value, target.tolerance, target.tolerance_type, target.rationale) == (
        32, 2, "percent", "Set by the board",
    )  # fmt: skip
    # A tolerance given without its type is absolute, as the template says: not 3% of the target.
    plan = plan_import("targets", csv("indicator_code,period,target,tolerance\nKIN1,Q2 2022/23,32,3"), "t.csv")
    apply_import(plan, None, "t.csv")
    target.refresh_from_db()
    assert (target.tolerance, target.tolerance_type, target.rationale) == (3, "absolute", "Set by the board")


@time_machine.travel(dt.datetime(2022, 11, 15, 12, tzinfo=dt.UTC), tick=False)
def test_values_and_exception_reports_are_refused_for_periods_not_begun_but_targets_may_be_set_ahead(indicators):
    """ "Q1 2030/31" for "Q1 2023/24" passed the check as one new value."""
    content = csv(HEADER + "KIN1,Q3 2022/23,26,,,,\nKIN1,Q4 2022/23,27,,,,\nKIN1,Q1 2030/31,28,,,,")
    plan = plan_import("values", content, "v.csv")
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (3, "period", "Q4 2022/23 has not begun yet: figures and updates can be imported only for a period that has."),
        (4, "period", "Q1 2030/31 has not begun yet: figures and updates can be imported only for a period that has."),
    ]
    exceptions = b"indicator_code,period,performance,improvement_actions,timescale\nKIN1,Q4 2022/23,Low,More,Soon\n"
    assert [e.column for e in plan_import("exceptions", exceptions, "e.csv").errors] == ["period"]
    targets = plan_import("targets", csv("indicator_code,period,target\nKIN1,Q1 2030/31,30"), "t.csv")
    assert targets.valid, targets.errors


def test_a_lone_numerator_or_denominator_and_an_unknown_code_are_reported_once(indicators):
    """As the form asks: both or neither (a lone numerator was stored without its denominator).
    A row with an unknown code has that one error, not a false "does not match" besides."""
    content = csv(HEADER + "KIN1,Q2 2022/23,12,5,,,\nKIN1,Q3 2022/23,,,6,,\nXYZ,Q2 2022/23,26,39,150,,")
    plan = plan_import("values", content, "v.csv")
    assert [(e.row, e.column) for e in plan.errors] == [(2, "denominator"), (3, "numerator"), (4, "indicator_code")]
    assert plan.errors[0].message == "Give the denominator too, or neither."


def test_a_percent_sign_on_a_count_is_refused_on_the_form_and_in_the_import(indicators):
    counted = make_indicator(indicators["kin"].service, code="LAC9", unit="children")
    plan = plan_import("values", csv(HEADER + "LAC9,Q2 2022/23,45%,,,,"), "v.csv")
    assert [(e.column, e.message) for e in plan.errors] == [
        ("value", '"45%" has a % sign, but this measure is counted in children: type the number alone.')
    ]
    form = IndicatorValueForm({"value": "45%", "version": "0"}, indicator=counted)
    assert not form.is_valid() and "counted in children" in form.errors["value"][0]
    assert IndicatorValueForm({"value": "41.8%", "version": "0"}, indicator=indicators["kin"]).is_valid()


def test_targets_import(indicators):
    content = csv(
        "indicator_code,period,target,tolerance,tolerance_type,rationale\nKIN1,Q3 2022/23,30,10,percent,Set by board"
    )
    plan = plan_import("targets", content, "t.csv")
    apply_import(plan, None, "t.csv")
    target = Target.objects.get(indicator=indicators["kin"])
    assert (target.value, target.tolerance, target.tolerance_type, target.rationale) == (
        30,
        10,
        "percent",
        "Set by board",
    )


def test_xlsx_files_are_read(indicators):
    frame = pd.DataFrame({"indicator_code": ["KIN1"], "period": ["Sep 2022"], "value": ["1,234"]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    plan = plan_import("values", buffer.getvalue(), "values.xlsx")
    # KIN1 is quarterly: a month is the wrong frequency, and the message says so.
    assert "has no value for Sep 2022" in plan.errors[0].message


def test_an_excel_percentage_is_read_as_excel_shows_it(indicators):
    """A cell shown as 25.6% holds 0.256: it once imported as 0.256, shown as 0.3%."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["indicator_code", "period", "value", "commentary"])
    for period, value, number_format in [
        ("Q1 2022/23", 0.256, "0.0%"),
        ("Q2 2022/23", 1, "0%;[Red]-0%"),  # 100%
        ("Q3 2022/23", 26.5, '0.0"%"'),  # a percent sign written after the number: 26.5
        ("Q4 2022/23", 27, "0.0\\%"),  # likewise, escaped
        ("Q1 2023/24", 0.3, "General"),
    ]:
        sheet.append(["KIN1", period, value, "From the workbook"])
        sheet.cell(sheet.max_row, 3).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_import("values", buffer.getvalue(), "values.xlsx")
    assert plan.valid, plan.errors
    assert [(v.period.label, v.value) for v in plan.new] == [
        ("Q1 2022/23", Decimal("25.6")),
        ("Q2 2022/23", Decimal("100")),
        ("Q3 2022/23", Decimal("26.5")),
        ("Q4 2022/23", Decimal("27")),
        ("Q1 2023/24", Decimal("0.3")),
    ]


def test_command_checks_then_commits(tmp_path, indicators):
    path = tmp_path / "values.csv"
    path.write_bytes(csv(HEADER + "KIN1,Q2 2022/23,26,,,,"))
    out = io.StringIO()
    call_command("import_data", "values", str(path), stdout=out)
    assert "1 new" in out.getvalue() and not IndicatorValue.objects.exists()
    call_command("import_data", "values", str(path), "--commit", stdout=io.StringIO())
    assert IndicatorValue.objects.get().value == 26
    path.write_bytes(csv(HEADER + "KIN1,Q2 2022/23,27.5,,,,"))
    out = io.StringIO()
    call_command("import_data", "values", str(path), stdout=out)
    assert "KIN1 Q2 2022/23 value: 26.0000 → 27.5" in out.getvalue()  # every change is listed
    with pytest.raises(CommandError, match='There is no user "nobody"'):
        call_command("import_data", "values", str(path), "--commit", "--user", "nobody", stdout=io.StringIO())
    path.write_bytes(csv(HEADER + "KIN1,Q2 2022/23,x,,,,"))
    with pytest.raises(CommandError, match="1 problem found;"):
        call_command("import_data", "values", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_new_user_downloads_template_fills_three_rows_uploads_previews_confirms(client, indicators):
    service = indicators["kin"].service
    extra = [make_indicator(service, code=f"PI{i}", plan=None) for i in range(2)]
    committee = Committee.objects.create(name="Scrutiny", slug="scrutiny")
    committee.services.set([service])
    make_target(indicators["kin"], "Q2 2022/23", 30, 2)
    client.force_login(make_user("perf", Role.Kind.PERFORMANCE, is_staff=True))
    template = client.get(reverse("import_template", args=["values"])).content.decode()
    assert (
        template.splitlines()[0] == "indicator_code,period,value,numerator,denominator,not_available_reason,commentary"
    )
    filled = (
        template.splitlines()[0] + '\nKIN1,Q2 2022/23,26,,,,\nPI0,Q2 2022/23,"1,234",,,,\nPI1,Q2 2022/23,41.8%,,,,\n'
    )
    upload = SimpleUploadedFile("q2.csv", filled.encode(), content_type="text/csv")
    preview = client.post(reverse("imports"), {"kind": "values", "file": upload}).content.decode()
    assert "ready to import" in preview and "<strong>3</strong> new" in preview
    # Each new value as it was read, to check before confirming ("1,234" is 1234; "41.8%" is 41.8).
    assert "<caption>What is new</caption>" in preview
    assert '<td class="code">PI0</td><td>Q2 2022/23</td><td>1234</td>' in preview
    assert '<td class="code">PI1</td><td>Q2 2022/23</td><td>41.8</td>' in preview
    assert not IndicatorValue.objects.exists()
    pending = preview.split('action="/imports/')[1].split("/")[0]
    client.post(reverse("confirm_import", args=[int(pending)]))
    assert IndicatorValue.objects.filter(period=Q2).count() == 3
    assert IndicatorValue.objects.get(indicator=extra[0]).value == 1234
    page = client.get(reverse("reports:committee_scorecard", args=["scrutiny"]), {"period": Q2.key}).content.decode()
    assert "26.0%" in page and "Outwith tolerance" in page


def test_unconfirmed_uploads_are_deleted_after_two_days_confirmed_ones_kept(client, indicators):
    client.force_login(make_user("perf", Role.Kind.PERFORMANCE))

    def upload(name: str) -> None:
        content = SimpleUploadedFile(name, csv(HEADER + "KIN1,Q2 2022/23,26,,,,"))
        client.post(reverse("imports"), {"kind": "values", "file": content})

    with time_machine.travel("2026-11-01 09:00"):
        upload("forgotten.csv")
        upload("confirmed.csv")
        confirmed = PendingImport.objects.get(filename="confirmed.csv")
        client.post(reverse("confirm_import", args=[confirmed.pk]))
    with time_machine.travel("2026-11-02 09:00"):
        upload("yesterday.csv")
        assert PendingImport.objects.filter(filename="forgotten.csv").exists()  # within two days
    with time_machine.travel("2026-11-05 09:00"):
        upload("later.csv")
    assert sorted(PendingImport.objects.values_list("filename", flat=True)) == ["confirmed.csv", "later.csv"]


def test_imports_are_for_the_performance_team_only(client, indicators):
    for role in (Role.Kind.MEMBER, Role.Kind.OFFICER):
        client.force_login(
            make_user(f"u-{role}", role, service=indicators["kin"].service if role == "officer" else None)
        )
        assert client.get(reverse("imports")).status_code == 403
        upload = SimpleUploadedFile("v.csv", csv(HEADER + "KIN1,Q2 2022/23,26,,,,"))
        assert client.post(reverse("imports"), {"kind": "values", "file": upload}).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_template_lists_every_column():
    assert template_csv("targets").splitlines()[0] == "indicator_code,period,target,tolerance,tolerance_type,rationale"


# Exports ------------------------------------------------------------------------------------


@pytest.fixture
def demo(client, demo_db):
    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    return reverse("reports:committee_scorecard", args=["ecod"])


def test_exports_have_the_rows_the_page_shows(client, demo):
    filtered = {"period": Q2.key, "status": ["red", "amber"]}
    response = client.get(demo, filtered | {"format": "csv"})
    assert response["Content-Disposition"].endswith('.csv"')
    table = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    assert sorted(table["indicator_code"]) == ["CFSW-CP02", "CFSW-LAC01", "CFSW-LAC03", "CFSW-LAC04"]
    assert set(table["status"]) == {"Outwith tolerance", "Within tolerance"}
    page = client.get(demo, filtered).content.decode()
    for code in table["indicator_code"]:
        assert code in page

    xlsx = client.get(demo, {"period": Q2.key, "format": "xlsx"})
    sheets = pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None, dtype=str, keep_default_na=False)
    assert set(sheets) == {"Indicators", "Actions", "Summary"}  # the summary counts every category apart
    assert "SERV1.3" in set(sheets["Actions"]["action_code"])
    row = sheets["Indicators"].set_index("indicator_code").loc["CFSW-CP02"]
    assert (row["value"], row["target"], row["status"], row["short_trend"]) == (
        "41.8",
        "40",
        "Within tolerance",
        "Sustained",
    )


def test_round_trip_export_import_export_gives_identical_values(client, demo):
    first = client.get(demo, {"period": Q2.key, "format": "xlsx"}).content
    # As in a fresh database: no values at all, none of their history, and no reporting rounds
    # (the demo's Q2 is locked: its report has been issued).
    IndicatorValue.history.all().delete()
    IndicatorValue.objects.all().delete()
    ReportingRound.objects.all().delete()
    plan = plan_import("values", first, "export.xlsx")
    assert plan.valid, plan.errors[:3]
    apply_import(plan, None, "export.xlsx")
    second = client.get(demo, {"period": Q2.key, "format": "xlsx"}).content
    columns = ["indicator_code", "period", "value", "target", "status", "not_available_reason"]
    read = lambda content: pd.read_excel(io.BytesIO(content), sheet_name="Indicators", dtype=str, keep_default_na=False)  # noqa: E731
    assert read(first)[columns].equals(read(second)[columns])


DEFINITIONS = "code,title,service,unit,decimal_places,polarity,frequency,aggregation,source,plan_code,definition\n"


def test_indicator_definitions_import_validates_previews_and_applies(indicators):
    service = indicators["kin"].service
    bad = csv(
        DEFINITIONS
        + f"NEW1,New measure,{service.name},%,1,upwards,quarterly,latest,local,,\n"
        + "NEW2,,Nowhere,,7,higher,weekly,latest,local,NOPLAN,\n"
        + f"NEW1,Again,{service.name},,0,higher,quarterly,latest,local,,"
    )
    plan = plan_import("indicators", bad, "defs.csv")
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {
        (2, "polarity"), (3, "title"), (3, "service"), (3, "plan_code"), (3, "frequency"), (3, "decimal_places"),
        (4, "code"),
    }  # fmt: skip
    assert not plan.new and not plan.changed

    good = csv(
        DEFINITIONS
        + f"NEW1,New measure,{service.slug},%,1,lower,half-yearly,mean,LGBF,,Counted at the end of each half\n"
        + f"KIN1,Kinship care renamed,{service.name},%,1,higher,quarterly,latest,local,,"
    )
    plan = plan_import("indicators", good, "defs.csv")
    assert plan.valid and len(plan.new) == 1 and len(plan.changed) == 1
    assert {c.field for c in plan.changes} == {"title"}
    apply_import(plan, None, "defs.csv")
    from indicators.models import Indicator

    new = Indicator.objects.get(code="NEW1")
    Indicator.objects.filter(code="KIN1").update(benchmark_code="CHN9", unit="%")
    older_template = csv(
        "code,title,service\n" + f"KIN1,Kinship care renamed,{service.name}\nNEW1,New measure,{service.slug}"
    )
    again = plan_import("indicators", older_template, "old.csv")
    assert again.valid and (len(again.changed), again.unchanged) == (0, 2)  # absent columns keep their values
    assert (new.polarity, new.frequency, new.aggregation, new.source, new.decimal_places) == (
        "lower", "half_yearly", "mean", "lgbf", 1,
    )  # fmt: skip
    assert Indicator.objects.get(code="KIN1").title == "Kinship care renamed"
    assert plan_import("indicators", good, "defs.csv").unchanged == 2
