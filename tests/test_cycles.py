"""Reporting cycles as councils run them: a half-yearly plan built through the imports (indicator
definitions, targets, values), judged at H1, at Q2 and at the year end.

Every status category is covered: half-yearly measures against the year's target (as it is and
pro rata), a quarterly count pro rata, a quarter with its own target, local annual measures (not
measured at the half year, missing at the year end), nationally published ones (not yet
available, or the latest published year's figure), data only, and a figure simply missing.
The counts are worked out by hand in the tables below, not by the rules.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import workflow
from indicators.imports import ImportOptions, apply_import, plan_import
from indicators.models import Indicator, IndicatorValue, ReviewState
from indicators.periods import Period
from indicators.status import Rag
from reports.committee.pdf import build_report_data, render_html
from reports.models import CommitteeReport
from reports.scorecards.build import build_scorecard
from reports.scorecards.scope import plan_scope
from tests.factories import (
    make_committee,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_value,
    personas,
)

pytestmark = pytest.mark.django_db

H1, Q2, YEAR = Period.parse("H1 2022/23"), Period.parse("Q2 2022/23"), Period.parse("2022/23")

DEFINITIONS = """code,title,service,unit,polarity,frequency,aggregation,source,part_of_year,plan_code
HY-RATE1,Reviews completed on time,Adult care,%,higher,half_yearly,latest,local,,HY23
HY-RATE2,Average days to first visit,Adult care,days,lower,half_yearly,mean,local,as_it_is,HY23
HY-COUNT1,Carers' assessments completed,Adult care,assessments,higher,half_yearly,sum,local,pro_rata,HY23
Q-COUNT1,People supported at home,Adult care,people,higher,quarterly,sum,local,pro rata,HY23
Q-OWN,Direct payments in place,Adult care,%,higher,quarterly,latest,local,,HY23
LOC-ANN1,Carers who feel supported,Adult care,%,higher,annual,latest,local,,HY23
LOC-ANN2,Staff turnover,Adult care,%,lower,annual,latest,local,,HY23
LGBF-1,Home care costs per hour,Adult care,£,lower,annual,latest,lgbf,,HY23
LGBF-2,Adults supported at home,Adult care,%,higher,annual,latest,lgbf,,HY23
NAT-1,Delayed discharges per 1000,Adult care,bed days,lower,annual,latest,national,,HY23
DATA-1,Referrals received,Adult care,referrals,data_only,half_yearly,sum,local,,HY23
HY-NOTARGET,Complaints upheld,Adult care,complaints,lower,half_yearly,sum,local,,HY23
HY-MISSING,Adult protection visits in time,Adult care,%,higher,half_yearly,latest,local,,HY23
"""
# Targets are set for the year; one quarter has its own.
TARGETS = """indicator_code,period,target,tolerance,tolerance_type
HY-RATE1,2022/23,80,5,absolute
HY-RATE2,2022/23,10,1,absolute
HY-COUNT1,2022/23,200,10,absolute
Q-COUNT1,2022/23,400,0,absolute
Q-OWN,Q2 2022/23,50,0,absolute
Q-OWN,2022/23,60,0,absolute
LOC-ANN1,2022/23,70,2,absolute
LOC-ANN2,2022/23,10,1,absolute
LGBF-2,2021/22,90,2,absolute
HY-MISSING,2022/23,8,0,absolute
"""
VALUES = """indicator_code,period,value,not_available_reason
HY-RATE1,H1 2022/23,82,
HY-RATE1,H2 2022/23,76,
HY-RATE2,H1 2022/23,12,
HY-RATE2,H2 2022/23,9,
HY-COUNT1,H1 2022/23,96,
HY-COUNT1,H2 2022/23,101,
Q-COUNT1,Q1 2022/23,90,
Q-COUNT1,Q2 2022/23,95,
Q-COUNT1,Q4 2022/23,101,
Q-OWN,Q2 2022/23,52,
Q-OWN,Q4 2022/23,61,
LOC-ANN1,2022/23,72,
LGBF-2,2021/22,88,
NAT-1,2021/22,,Published in March
DATA-1,H1 2022/23,120,
DATA-1,H2 2022/23,130,
HY-NOTARGET,H1 2022/23,5,
HY-NOTARGET,H2 2022/23,6,
HY-MISSING,H2 2022/23,10,
"""

AT_HALF_YEAR = {
    "green": ["HY-RATE1", "Q-OWN"],  # 82 against the year's 80; 52 against Q2's own 50 (not the year's 60)
    "amber": ["HY-COUNT1", "LGBF-2"],  # 96 against 200 pro rata = 100 (±5); 2021/22: 88 against 90 (±2)
    "red": ["HY-RATE2", "Q-COUNT1"],  # 12 days against 10 (±1, lower); Q2: 95 against 400 / 4 = 100 (±0)
    "data_only": ["DATA-1", "HY-NOTARGET"],  # for information; no target in any period
    "not_measured": ["LOC-ANN1", "LOC-ANN2"],  # local annual measures at a half year
    "not_available": ["LGBF-1", "NAT-1"],  # 2021/22 not published yet; marked "not available"
    "missing": ["HY-MISSING"],  # due, nothing entered
}
AT_YEAR_END = {
    "green": ["HY-COUNT1", "HY-MISSING", "HY-RATE2", "LOC-ANN1", "Q-COUNT1", "Q-OWN"],
    # H2 76 against 80 (±5); LGBF-2 still reports 2021/22 (2022/23 is not due until September)
    "amber": ["HY-RATE1", "LGBF-2"],
    "red": [],
    "data_only": ["DATA-1", "HY-NOTARGET"],
    "not_measured": [],
    "not_available": ["LGBF-1", "NAT-1"],
    "missing": ["LOC-ANN2"],  # a local annual measure due at the year end with no figure
}


def csv_bytes(text: str) -> bytes:
    return text.encode()


def imported(kind: str, text: str, user) -> None:
    plan = plan_import(kind, csv_bytes(text), f"{kind}.csv", ImportOptions(user=user))
    assert plan.valid, [(e.row, e.column, e.message) for e in plan.errors]
    apply_import(plan, user, f"{kind}.csv")


@pytest.fixture
def council():
    service = make_service("Adult care")
    people = personas(service)
    plan = make_plan(service, code="HY23", title="Adult care business plan", first_year=2022, last_year=2022)
    for kind, text in (("indicators", DEFINITIONS), ("targets", TARGETS), ("values", VALUES)):
        imported(kind, text, people["admin"])
    return {"plan": plan, "service": service, **people}


def by_status(card) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in card.indicator_rows():
        found.setdefault(row.rag.value, []).append(row.code)
    return {status: sorted(codes) for status, codes in found.items()}


def expected_counts(table: dict[str, list[str]]) -> dict[str, int]:
    return {status: len(codes) for status, codes in table.items()}


def test_the_imports_carry_how_a_part_of_the_year_is_judged(council):
    choices = dict(Indicator.objects.values_list("code", "part_of_year"))
    assert choices["HY-COUNT1"] == choices["Q-COUNT1"] == "pro_rata"
    assert choices["HY-RATE1"] == choices["HY-RATE2"] == "as_it_is"


@pytest.mark.parametrize(("period", "table"), [(H1, AT_HALF_YEAR), (Q2, AT_HALF_YEAR), (YEAR, AT_YEAR_END)])
def test_summary_counts_every_category_apart(council, period, table):
    card = build_scorecard(plan_scope(council["plan"]), period)
    assert by_status(card) == {status: sorted(codes) for status, codes in table.items() if codes}
    assert {c.status: c.count for c in card.indicator_summary} == expected_counts(table)
    assert card.indicator_total == 13  # the summary says how many measures it covers


def test_half_year_rows_say_which_target_applied(council):
    rows = {row.code: row for row in build_scorecard(plan_scope(council["plan"]), H1).indicator_rows()}
    assert (rows["HY-RATE1"].target, rows["HY-RATE1"].target_note) == (80, "against the 2022/23 target")
    assert (rows["HY-COUNT1"].target, rows["HY-COUNT1"].target_note) == (100, "pro rata: 1/2 of the 2022/23 target")
    assert (rows["Q-COUNT1"].reported_period, rows["Q-COUNT1"].target) == (Q2, 100)
    assert rows["Q-COUNT1"].target_note == "pro rata: 1/4 of the 2022/23 target"
    assert (rows["Q-OWN"].target, rows["Q-OWN"].target_note) == (50, "")  # its own target: no note
    assert rows["LGBF-2"].reported_period == Period.parse("2021/22") and rows["LGBF-2"].target_note == ""
    assert rows["LGBF-1"].reported_period == Period.parse("2021/22") and rows["LGBF-1"].value is None
    assert rows["NAT-1"].not_available_reason == "Published in March"


def test_gaps_are_listed_by_code_against_the_declared_count(council):
    plan = council["plan"]
    plan.declared_measures = 14
    plan.save()
    [found] = build_scorecard(plan_scope(plan), H1).unreconciled()
    assert (found.declared, found.covered, found.gap) == (14, 13, 1)
    assert found.no_entry == ["HY-MISSING", "LGBF-1"]  # NAT-1 has an entry: "not available", with a reason
    [at_year_end] = build_scorecard(plan_scope(plan), YEAR).unreconciled()
    assert at_year_end.no_entry == ["LGBF-1", "LOC-ANN2"]
    plan.declared_measures = 13
    plan.save()
    [still] = build_scorecard(plan_scope(plan), H1).unreconciled()
    assert still.gap == 0 and still.no_entry  # the counts agree, the gaps remain


def test_page_export_and_paper_count_the_same(client, council):
    client.force_login(council["member"])
    url = reverse("reports:plan_scorecard", args=[council["plan"].pk])
    body = client.get(url, {"period": H1.key}).content.decode()
    assert "against the 2022/23 target" in body
    assert "No approved entry for this period yet: HY-MISSING, LGBF-1." in body
    for words in ["Not measured this period", "Not yet available", "No figure"]:
        assert words in body

    export = client.get(url, {"period": H1.key, "format": "csv"}).content.decode()
    rows = {r["indicator_code"]: r for r in csv.DictReader(io.StringIO(export))}
    assert rows["HY-RATE1"]["target_set_for"] == "2022/23" and rows["Q-OWN"]["target_set_for"] == ""
    statuses = [r["status"] for r in rows.values()]
    assert statuses.count("Not measured this period") == 2
    assert statuses.count("Not yet available") == 2
    assert statuses.count("No figure") == 1
    xlsx = client.get(url, {"period": H1.key, "format": "xlsx"}).content
    summary = openpyxl.load_workbook(io.BytesIO(xlsx))["Summary"]
    counts = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert counts == {
        "On target": 2,
        "Within tolerance": 2,
        "Outwith tolerance": 2,
        "Data only": 2,
        "Not measured this period": 2,
        "Not yet available": 2,
        "No figure": 1,
        "Measures covered": 13,
    }

    report = CommitteeReport.objects.create(
        title="Six-month assessment",
        committee=make_committee(council["service"]),
        meeting_date=dt.date(2022, 11, 30),
        period=H1,
    )
    data = build_report_data(report)
    assert {c.status: c.count for c in data.scorecard.indicator_summary} == expected_counts(AT_HALF_YEAR)
    html = render_html(data)
    assert "against the 2022/23 target" in html and "Measures covered" in html


def test_the_latest_published_year_moves_on_when_it_is_due(council):
    """From H1 2023/24 the national measures report 2022/23; a figure for it, once in, is judged."""
    user = council["admin"]
    imported("targets", "indicator_code,period,target,tolerance\nLGBF-2,2022/23,90,2\n", user)
    imported("values", "indicator_code,period,value\nLGBF-2,2022/23,91\n", user)
    plan = council["plan"]
    plan.last_year = 2023
    plan.save()
    rows = {r.code: r for r in build_scorecard(plan_scope(plan), Period.parse("H1 2023/24")).indicator_rows()}
    assert rows["LGBF-2"].reported_period == YEAR and rows["LGBF-2"].value == Decimal(91)
    assert rows["LGBF-2"].rag.value == "green"
    assert rows["LGBF-1"].rag.value == "not_available" and rows["NAT-1"].rag.value == "not_available"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_half_year_scorecard_and_status_words_in_the_browser(live_server):
    from tests.browser import browser_page, serious_accessibility_violations, sign_in
    from tests.factories import PASSWORD

    service = make_service("Adult care")
    people = personas(service)
    make_plan(service, code="HY23", title="Adult care business plan", first_year=2022, last_year=2022)
    for kind, text in (("indicators", DEFINITIONS), ("targets", TARGETS), ("values", VALUES)):
        imported(kind, text, people["admin"])
    with browser_page() as page:
        sign_in(page, live_server.url, "admin", PASSWORD)
        page.goto(f"{live_server.url}{reverse('reports:council_scorecard')}")
        page.get_by_role("link", name="Status words").click()
        assert serious_accessibility_violations(page) == []
        page.get_by_label("Words for “Not measured this period”").fill("Not available for half years")
        page.get_by_label("Words for “Not yet available”").fill("LGBF data not yet available")
        page.get_by_role("button", name="Save").click()
        assert "Status words saved (2 changed)." in page.content()

        page.goto(f"{live_server.url}{reverse('reports:plan_scorecard', args=[Indicator.objects.first().plan_id])}")
        page.get_by_label("Period", exact=True).select_option(label="H1 2022/23")
        page.get_by_role("button", name="Show").click()
        summary = page.get_by_role("table", name="Indicators by status")
        for words, count in [("Not available for half years", "2"), ("LGBF data not yet available", "2")]:
            assert summary.get_by_role("row", name=words).get_by_role("cell").first.inner_text() == count
        assert "No approved entry for this period yet: HY-MISSING, LGBF-1." in page.content()
        assert serious_accessibility_violations(page) == []


def test_the_review_queue_judges_a_half_year_against_the_years_target(client, council):
    indicator = Indicator.objects.get(code="HY-MISSING")
    IndicatorValue.objects.create(
        indicator=indicator,
        period=H1,
        value=Decimal(9),
        state=ReviewState.SUBMITTED,
        submitted_by=council["officer"],
        submitted_at=timezone.now(),
    )
    client.force_login(council["approver"])
    body = client.get(reverse("review_queue")).content.decode()
    assert "HY-MISSING" in body and "against the 2022/23 target" in body and "On target" in body


def test_indicator_page_judges_each_half_against_the_year(client, council):
    client.force_login(council["member"])
    count = Indicator.objects.get(code="HY-COUNT1")
    body = client.get(reverse("reports:indicator", args=[count.pk])).content.decode()
    assert "Pro rata by months (cumulative counts)" in body
    assert body.count("pro rata: 1/2 of the 2022/23 target") == 2  # H1 and H2
    assert "Within tolerance" in body and "On target" in body  # H1 96 against 100 ±5; H2 101
    lgbf = Indicator.objects.get(code="LGBF-1")
    body = client.get(reverse("reports:indicator", args=[lgbf.pk])).content.decode()
    assert "published nationally" in body


def test_officer_pages_judge_a_half_year_against_the_years_target(client):
    """The update form, the bulk page and the exception-report rule find the target as the
    scorecard does: the year's target applies to a half year without one of its own."""
    service = make_service()
    people = personas(service)
    indicator = make_indicator(
        service, code="HY-RATE", frequency="half_yearly", unit="%", decimal_places=1, owner=people["officer"]
    )
    make_target(indicator, "2022/23", 80, 5)
    make_round("H1 2022/23", deadline=dt.date(2022, 10, 21))
    half = Period.parse("H1 2022/23")
    assert workflow.value_status(indicator, half, Decimal(60)).rag == Rag.RED
    assert workflow.value_status(indicator, half, Decimal(78)).rag == Rag.AMBER
    client.force_login(people["officer"])
    form = client.get(reverse("indicator_update", args=[half.slug, indicator.pk])).content.decode()
    assert "Against the 2022/23 target." in form and "80.0%" in form
    make_value(indicator, "H1 2022/23", 60, state=ReviewState.DRAFT, author=people["officer"])
    bulk = client.get(reverse("bulk_values", args=[half.slug])).content.decode()
    assert "against the 2022/23 target" in bulk
