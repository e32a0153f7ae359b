"""The scorecard's period picker (`load.period_choices`): every period with an approved entry in
scope ("not available" ones included) and the open rounds in its plans' years; it opens on the
latest period with approved data, else the latest open round."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.periods import Period
from reports.scorecards import load
from reports.scorecards.build import build_scorecard
from reports.scorecards.load import period_choices
from reports.scorecards.scope import plan_scope, service_scope
from tests.factories import (
    make_action,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db
P = Period.parse


def labels(periods) -> list[str]:
    return [p.label for p in periods]


def choices_for(plan):
    return period_choices(plan_scope(plan), [plan])


def test_a_plan_whose_half_year_entries_are_all_not_available_offers_and_opens_on_it():
    plan = make_plan(first_year=2022, last_year=2024)
    for code in ("LGBF1", "LGBF2"):
        indicator = make_indicator(plan.service, plan=plan, code=code, frequency="half_yearly")
        make_value(indicator, "H1 2022/23", None, not_available=True, not_available_reason="Published in March")
    choices = choices_for(plan)
    assert labels(choices.periods) == ["H1 2022/23"]
    assert build_scorecard(plan_scope(plan)).period == P("H1 2022/23")


def test_the_latest_approved_data_wins_over_a_later_not_available_year():
    plan = make_plan(first_year=2022, last_year=2024)
    quarterly = make_indicator(plan.service, plan=plan)
    national = make_indicator(plan.service, plan=plan, frequency="annual", source="lgbf")
    make_value(quarterly, "Q1 2022/23", 5)
    make_value(quarterly, "Q2 2022/23", 6)
    make_value(quarterly, "Q3 2022/23", 7, state="draft")  # not approved: not offered
    make_value(national, "2022/23", None, not_available=True, not_available_reason="LGBF publishes it later")
    choices = choices_for(plan)
    assert labels(choices.periods) == ["2022/23", "Q2 2022/23", "Q1 2022/23"]
    assert choices.default == P("Q2 2022/23")


def test_an_open_round_is_offered_and_opened_on_only_while_the_plan_has_no_data():
    plan = make_plan(first_year=2022, last_year=2024)
    make_round("Q3 2022/23")
    make_round("Q1 2030/31")  # outside the plan's years: not offered
    make_round("Q2 2022/23", locked=True)  # locked and no entries here: not offered
    assert labels(choices_for(plan).periods) == ["Q3 2022/23"]
    assert choices_for(plan).default == P("Q3 2022/23")
    make_update(make_action(plan), "Q1 2022/23", 10)
    choices = choices_for(plan)
    assert labels(choices.periods) == ["Q3 2022/23", "Q1 2022/23"]
    assert choices.default == P("Q1 2022/23") and choices.open_rounds == {P("Q3 2022/23")}


@pytest.mark.parametrize(("round_", "expected"), [("H1 2022/23", "H1 2022/23"), ("Q2 2022/23", "Q2 2022/23")])
def test_periods_ending_together_put_the_rounds_first(round_, expected):
    plan = make_plan(first_year=2022, last_year=2024)
    make_value(make_indicator(plan.service, plan=plan, frequency="monthly"), "Sep 2022", 3)
    make_value(make_indicator(plan.service, plan=plan), "Q2 2022/23", 4)
    make_value(make_indicator(plan.service, plan=plan, frequency="half_yearly"), "H1 2022/23", 5)
    make_round(round_, locked=True)
    assert choices_for(plan).default == P(expected)
    assert labels(choices_for(plan).periods)[0] == expected


def test_entries_are_per_scope():
    mine, theirs = make_service(), make_service()
    make_value(make_indicator(mine), "Q1 2022/23", 1)
    make_value(make_indicator(theirs), "Q2 2022/23", 1)
    assert labels(period_choices(service_scope(mine), []).periods) == ["Q1 2022/23"]


def test_the_choices_take_one_query_whatever_the_history():
    plan = make_plan(first_year=2020, last_year=2024)
    indicator = make_indicator(plan.service, plan=plan)
    for year in range(2020, 2024):
        make_round(f"Q1 {year}/{(year + 1) % 100:02d}", locked=True)
        for quarter in range(1, 5):
            make_value(indicator, f"Q{quarter} {year}/{(year + 1) % 100:02d}", quarter)
    with CaptureQueriesContext(connection) as queries:
        choices = choices_for(plan)
    assert len(queries) == 1 and len(choices.periods) == 16


def test_the_picker_marks_the_open_round(client):
    plan = make_plan(first_year=2022, last_year=2024)
    make_value(make_indicator(plan.service, plan=plan), "Q1 2022/23", 1)
    make_round("Q2 2022/23")
    client.force_login(make_user("councillor", "member"))
    html = client.get(reverse("reports:plan_scorecard", args=[plan.pk])).content.decode()
    assert '<option value="2022/23-Q2" >Q2 2022/23 (open for updates)</option>' in html
    assert '<option value="2022/23-Q1" selected>Q1 2022/23</option>' in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the skip scan is PostgreSQL's")
def test_the_postgresql_skip_scan_finds_what_the_plain_union_finds():
    """PostgreSQL walks the approved periods by index (`_period_kinds_postgresql`); SQLite reads
    every row (`_period_kinds`): the same periods and kinds, per scope, drafts left out."""
    plan, other = make_plan(first_year=2021, last_year=2024), make_plan(first_year=2021, last_year=2024)
    mine = make_indicator(plan.service, plan=plan)
    theirs = make_indicator(other.service, plan=other)
    make_value(mine, "Q1 2022/23", 1)
    make_value(mine, "2022/23", None, not_available=True, not_available_reason="Later")
    make_value(mine, "Q2 2022/23", 2, state="draft")
    make_value(theirs, "Q3 2022/23", 3)
    make_value(theirs, "Sep 2022", None, not_available=True, not_available_reason="Later")
    make_update(make_action(plan), "H1 2021/22", 40)
    make_update(make_action(other), "Q4 2021/22", 50)
    make_update(make_action(plan), "Q4 2022/23", 60, state="submitted")
    make_round("Q1 2023/24")
    make_round("Q1 2022/23", locked=True)
    for scope in (plan_scope(plan), plan_scope(other), service_scope(plan.service)):
        assert set(load._period_kinds_postgresql(scope)) == set(load._period_kinds(scope))
    assert sorted((p.label, kind) for p, kind in load._period_kinds_postgresql(plan_scope(plan))) == [
        ("2022/23", load._NOT_AVAILABLE),
        ("H1 2021/22", load._ENTRY),
        ("Q1 2022/23", load._ENTRY),
        ("Q1 2022/23", load._LOCKED_ROUND),
        ("Q1 2023/24", load._OPEN_ROUND),
    ]
