"""The council's own words for the status categories: set up by the performance team only,
used on the scorecard (rows, summary, legend of the filters), the indicator page, exports and
committee papers; the statuses themselves never change."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from indicators.models import ReviewState, StatusWording
from indicators.periods import Period
from reports.committee.docx import write_docx
from reports.committee.pdf import build_report_data, render_html, snapshot
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
H1 = Period.parse("H1 2022/23")
URL = "/status-words/"


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, code="CS1")
    on = make_indicator(service, plan=plan, code="ON1", frequency="half_yearly")
    make_target(on, "2022/23", 50)
    make_value(on, "H1 2022/23", 60)
    make_indicator(service, plan=plan, code="ANN1", frequency="annual")  # not measured at H1
    make_indicator(service, plan=plan, code="GAP1", frequency="half_yearly")  # no figure
    return {"service": service, "plan": plan, **people}


def post_words(client, **changes) -> None:
    data = {}
    for code, words in StatusWording.current().items():
        data[f"label_{code}"] = words.label
        if words.listed:
            data[f"listed_{code}"] = "on"
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = value
    response = client.post(reverse("status_wording"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("persona", ["officer", "approver", "member", "other_officer"])
def test_only_the_performance_team_words_the_statuses(client, world, persona):
    client.force_login(world[persona])
    assert client.get(reverse("status_wording")).status_code == 403
    assert client.post(reverse("status_wording"), {"label_green": "Fine"}).status_code == 403
    assert not StatusWording.objects.exists()


def test_defaults_are_todays_words(client, world):
    client.force_login(world["admin"])
    body = client.get(reverse("status_wording")).content.decode()
    assert reverse("status_wording") == URL
    for words in ["On target", "Not measured this period", "Not yet available", "No figure"]:
        assert f'value="{words}"' in body
    card = build_scorecard(plan_scope(world["plan"]), H1)
    assert [c.label for c in card.indicator_summary if c.count] == [
        "On target",
        "Not measured this period",
        "No figure",
    ]


def test_council_words_reach_pages_exports_and_papers_and_statuses_stay(client, world):
    client.force_login(world["admin"])
    post_words(
        client,
        label_not_measured="Not available for half years",
        label_green="Target met",
        label_red="Off track",
        listed_missing=False,
    )
    assert set(StatusWording.objects.values_list("code", flat=True)) == {"not_measured", "green", "red", "missing"}
    assert StatusWording.history.filter(code="green", history_change_reason="Status words").exists()

    card = build_scorecard(plan_scope(world["plan"]), H1)
    rows = {row.code: row for row in card.indicator_rows()}
    assert rows["ANN1"].rag.value == "not_measured" and rows["GAP1"].rag.value == "missing"  # stored codes
    assert {c.status: c.label for c in card.indicator_summary} == {
        "green": "Target met",
        "amber": "Within tolerance",
        "red": "Off track",
        "data_only": "Data only",
        "not_measured": "Not available for half years",
        "not_available": "Not yet available",
    }  # "No figure" is not listed ...
    assert card.indicator_total == 3 and card.indicators_not_listed == 1  # ... but still counted

    page = client.get(reverse("reports:plan_scorecard", args=[world["plan"].pk]), {"period": H1.key})
    body = page.content.decode()
    assert "Target met" in body and "Not available for half years" in body and "On target" not in body
    assert "Other categories (not listed)" in body and "Measures covered" in body

    indicator = rows["ON1"]
    detail = client.get(reverse("reports:indicator", args=[indicator.id])).content.decode()
    assert "Target met" in detail

    export = client.get(reverse("reports:plan_scorecard", args=[world["plan"].pk]), {"period": H1.key, "format": "csv"})
    statuses = {r["indicator_code"]: r["status"] for r in csv.DictReader(io.StringIO(export.content.decode()))}
    assert statuses["ON1"] == "Target met" and statuses["ANN1"] == "Not available for half years"

    committee = make_committee(world["service"])
    report = CommitteeReport.objects.create(
        title="Half-year report", committee=committee, meeting_date=dt.date(2022, 11, 30), period=H1
    )
    data = build_report_data(report)
    html = render_html(data)
    assert "Target met" in html and "Not available for half years" in html
    assert "No indicator is “Off track” this period." in html  # the exception reports appendix
    document = Document(io.BytesIO(write_docx(snapshot(data))))
    assert "No indicator is “Off track” this period." in [p.text for p in document.paragraphs]


def test_back_to_the_defaults_removes_the_row(client, world):
    client.force_login(world["admin"])
    post_words(client, label_green="Target met")
    post_words(client, label_green="On target")
    assert not StatusWording.objects.exists()
    assert StatusWording.history.count() == 2  # created, then deleted: both audited


def test_empty_words_are_refused_and_the_typed_ones_kept(client, world):
    client.force_login(world["admin"])
    data = {f"label_{code}": w.label for code, w in StatusWording.current().items()}
    data |= {"label_green": "", "label_red": "Target not met and outwith acceptable limits"}
    response = client.post(reverse("status_wording"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required" in body
    assert 'value="Target not met and outwith acceptable limits"' in body
    assert not StatusWording.objects.exists()


def test_officers_forms_use_the_council_words(client, world):
    client.force_login(world["admin"])
    post_words(client, label_green="Target met")
    on = world["plan"].indicators.get(code="ON1")
    make_round("H1 2022/23", deadline=dt.date(2022, 10, 21))
    on.owner = world["officer"]
    on.save()
    value = on.values.get()
    value.state = ReviewState.DRAFT
    value.save()
    client.force_login(world["officer"])
    form = client.get(reverse("indicator_update", args=[H1.slug, on.pk])).content.decode()
    bulk = client.get(reverse("bulk_values", args=[H1.slug])).content.decode()
    for page in (form, bulk):
        assert "Target met" in page and "On target" not in page
