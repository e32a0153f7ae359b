import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Committee, Indicator, IndicatorValue, Plan
from indicators.periods import Period
from reports.scorecards.build import build_scorecard
from reports.scorecards.filters import Filters
from reports.scorecards.history import indicator_history
from reports.scorecards.scope import committee_scope, plan_scope, service_scope
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


@pytest.fixture
def demo(demo_db):
    return Committee.objects.get(slug="ecod")


@pytest.fixture
def member(client):
    user = make_user("councillor", "member")
    client.force_login(user)
    return user


# The demo committee's measures at Q2 2022/23, worked out by hand from indicators/demo/01_service_plan.toml
# (value against target and tolerance, with the measure's polarity), independently of the rules.
DEMO_Q2_INDICATORS = {
    "green": ["CFSW-JUS01"],  # 9.9 against 10, lower is better
    "amber": ["CFSW-CP02", "CFSW-LAC04"],  # 41.8 against 40 (±5, lower); 66.7 against 75 (±10, higher)
    "red": ["CFSW-LAC01", "CFSW-LAC03"],  # 26.0 against 30 (±2); 0 against 2 (±0)
    "data_only": ["CFSW-CP01", "CFSW-CP03", "CFSW-CP04", "CFSW-CP05", "CFSW-LAC02", "CFSW-LAC05"]
    # Annual LGBF measures report their latest published year, 2021/22, which has no target.
    + ["CHN22", "CHN9"],
    "not_measured": ["CFSW-LAC06"],  # a local annual measure at a quarter
}
# Q2 2021/22: no targets were set yet, four local measures had no figure at all.
DEMO_Q2_LAST_YEAR_INDICATORS = {
    "data_only": ["CFSW-CP01", "CFSW-CP02", "CFSW-CP03", "CFSW-CP04", "CFSW-CP05", "CFSW-LAC01", "CFSW-LAC02"]
    + ["CHN22", "CHN9"],  # their 2020/21 figures
    "missing": ["CFSW-JUS01", "CFSW-LAC03", "CFSW-LAC04", "CFSW-LAC05"],
    "not_measured": ["CFSW-LAC06"],
}
# What the seed report says of its actions at Q2 2022/23.
DEMO_Q2_ACTIONS = {
    "completed": ["SERV1.1", "SERV1.2", "STRAT1.4"],
    "check_progress": ["STRAT1.1", "STRAT2.1", "STRAT2.3"],
    "overdue": ["SERV1.3"],
    "in_progress": ["SERV1.4", "STRAT1.2", "STRAT1.3", "STRAT1.5", "STRAT2.2"],
}


def _indicator_codes(card, status: str) -> list[str]:
    return sorted(
        row.code
        for block in card.plans
        for section in block.sections
        for row in section.indicators
        if row.status.rag.value == status
    )


def test_summary_counts_match_the_demo_worked_out_by_hand(demo):
    card = build_scorecard(committee_scope(demo), Q2)
    assert {c.status: c.count for c in card.indicator_summary if c.count} == {
        status: len(codes) for status, codes in DEMO_Q2_INDICATORS.items()
    }
    for status, codes in DEMO_Q2_INDICATORS.items():
        assert _indicator_codes(card, status) == sorted(codes), status
    assert {c.status: c.count for c in card.action_summary if c.count} == {
        status: len(codes) for status, codes in DEMO_Q2_ACTIONS.items()
    }


def test_last_year_counts_use_the_same_period_last_year(demo):
    card = build_scorecard(committee_scope(demo), Q2)
    assert {c.status: c.last_year for c in card.indicator_summary if c.last_year} == {
        status: len(codes) for status, codes in DEMO_Q2_LAST_YEAR_INDICATORS.items()
    }
    assert card.last_year_period == Period.parse("Q2 2021/22")


def test_default_period_is_the_latest_with_data(demo):
    assert build_scorecard(committee_scope(demo)).period == Q2
    bi_annual = Committee.objects.get(slug="osc-children")
    assert build_scorecard(committee_scope(bi_annual)).period == Period.parse("H1 2017/18")


def test_period_selector_lists_every_period_with_data(demo):
    card = build_scorecard(committee_scope(demo), Q2)
    labels = [p.label for p in card.periods]
    for label in ["Q2 2022/23", "Q1 2022/23", "Q4 2021/22", "Q1 2021/22", "2021/22", "Q4 2020/21"]:
        assert label in labels
    assert "2022/23" in labels  # the LGBF figure is "not available" yet: still an entry for the year
    assert "Q3 2022/23" in labels and card.open_periods == {Period.parse("Q3 2022/23")}  # the open round


def test_plan_rows_follow_the_seed_report(demo):
    plan = Plan.objects.get(code="CFSW SP2023")
    card = build_scorecard(plan_scope(plan), Q2)
    [block] = card.plans
    assert block.progress == 60
    assert [s.title for s in block.sections][:3] == [
        "Improved outcomes for looked after and care experienced young people",
        "Children and young people are safe and free from harm",
        "Instigate transformational change programme",
    ]
    rows = {row.code: row for section in block.sections for row in section.actions}
    assert rows["STRAT1"].is_group and rows["STRAT1"].progress == 72
    assert rows["STRAT1.1"].depth == 1
    assert rows["SERV1.3"].revised_due_date is not None
    indicators = {row.code: row for section in block.sections for row in section.indicators}
    assert indicators["CFSW-LAC01"].rag.value == "red"
    assert indicators["CFSW-CP02"].short_trend.value == "sustained"  # 43% -> 41.8%
    # An annual LGBF measure is never "not measured": it reports its latest due year (2021/22).
    assert indicators["CHN9"].rag.value == "data_only" and indicators["CHN9"].reported_period == Period.parse("2021/22")


def test_half_yearly_indicator_reports_at_the_quarter_that_ends_its_half(demo):
    service = make_service()
    indicator = make_indicator(service, frequency="half_yearly")
    make_target(indicator, "H1 2022/23", 10)
    make_value(indicator, "H1 2022/23", 12)
    card = build_scorecard(service_scope(service), Q2)
    [row] = [r for _, _, r in card.rows()]
    assert row.reported_period == Period.parse("H1 2022/23")
    assert row.rag.value == "green"
    q1 = build_scorecard(service_scope(service), Period.parse("Q1 2022/23"))
    assert next(r for _, _, r in q1.rows()).rag.value == "not_measured"


def test_dropped_measures_appear_only_where_they_have_data(demo):
    bi_annual = committee_scope(Committee.objects.get(slug="osc-children"))
    now = {row.code for _, _, row in build_scorecard(bi_annual, Period.parse("H1 2017/18")).rows()}
    before = {row.code for _, _, row in build_scorecard(bi_annual, Period.parse("H2 2016/17")).rows()}
    assert "CSC-LAC02" not in now
    assert "CSC-LAC02" in before


def test_filters_by_status_owner_and_text(demo):
    scope = committee_scope(demo)
    red = build_scorecard(scope, Q2, Filters(statuses=frozenset({"red"})))
    codes = {row.code for _, _, row in red.rows()}
    assert codes == {"CFSW-LAC01", "CFSW-LAC03"}
    assert red.indicator_total == build_scorecard(scope, Q2).indicator_total  # counts stay whole

    text = build_scorecard(scope, Q2, Filters(query="kinship"))
    assert {row.code for _, _, row in text.rows()} == {"STRAT1.1", "CFSW-LAC01", "CFSW-LAC02"}

    approver = Plan.objects.get(code="CFSW SP2023").actions.get(code="STRAT1").assigned_to
    owned = build_scorecard(scope, Q2, Filters(owner=approver.id))
    assert {row.code for _, _, row in owned.rows()} == {"STRAT1", "STRAT2", "SERV1"}


def test_scorecard_page_filters_are_plain_links(client, member, demo):
    url = reverse("reports:committee_scorecard", args=[demo.slug])
    response = client.get(url, {"period": Q2.key, "status": ["red", "amber"]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "CFSW-LAC01" in body and "CFSW-CP02" in body and "CFSW-JUS01" not in body
    assert 'value="red" checked' in body
    attention = client.get(url, {"status": "attention"}).content.decode()
    assert "SERV1.3" in attention and "STRAT1.2" not in attention


def test_red_and_amber_are_the_statuses_shown_in_those_colours():
    from indicators.status import ActionStatus, Rag
    from reports.presentation.status import status_tone
    from reports.scorecards.filters import RED_AND_AMBER

    coloured = [s.value for s in (*Rag, *ActionStatus) if status_tone(s.value) in {"bad", "warn"}]
    assert set(RED_AND_AMBER) == set(coloured) - {Rag.MISSING.value}  # "no figure": not a judgement


def test_only_red_and_amber_shows_the_actions_in_those_colours_too(client, member, demo):
    """The link asks for red and amber indicators and for the actions shown red or amber (overdue,
    neglected; behind, unassigned), each ticked in the status filters."""
    import re

    url = reverse("reports:committee_scorecard", args=[demo.slug])
    page = client.get(url, {"period": Q2.key}).content.decode()
    [link] = re.findall(r'<a href="([^"]*)">Only red and amber</a>', page)
    shown = client.get(url + link.replace("&amp;", "&")).content.decode()
    assert "CFSW-LAC01" in shown and "CFSW-CP02" in shown and "CFSW-JUS01" not in shown
    assert "SERV1.3" in shown and "STRAT1.2" not in shown  # an action needing attention; one on track
    for code in ("red", "amber", "overdue", "neglected", "check_progress", "unassigned"):
        assert f'value="{code}" checked' in shown
    assert 'value="completed" checked' not in shown and 'value="green" checked' not in shown


@pytest.mark.parametrize("name", ["council_scorecard", "committee_scorecard", "service_scorecard", "plan_scorecard"])
def test_scorecards_need_sign_in(client, demo, name):
    args = {
        "council_scorecard": [],
        "committee_scorecard": [demo.slug],
        "service_scorecard": [demo.services.first().slug],
        "plan_scorecard": [Plan.objects.first().pk],
    }[name]
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_unknown_period_is_not_found(client, member, demo):
    response = client.get(reverse("reports:council_scorecard"), {"period": "Q9 2022/23"})
    assert response.status_code == 404


def test_every_scorecard_page_renders_the_demo(client, member, demo):
    for url in [
        reverse("reports:council_scorecard"),
        reverse("reports:committee_scorecard", args=["osc-children"]),
        reverse("reports:service_scorecard", args=["childrens-services"]),
    ] + [reverse("reports:plan_scorecard", args=[p.pk]) for p in Plan.objects.all()]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Indicators by status" in response.content


def build_council(services: int, items: int) -> None:
    for _ in range(services):
        service = make_service()
        plan = make_plan(service)
        make_committee(service)
        officer = make_user(f"officer-{service.pk}")
        for i in range(items):
            group = make_action(plan, assigned_to=officer)
            action = make_action(plan, parent=group, assigned_to=officer)
            make_update(action, "Q1 2022/23", 10 * i % 100, narrative="<p>Update</p>")
            make_update(action, "Q2 2022/23", 20, narrative="<p>Update</p>")
            indicator = make_indicator(service, plan=plan, owner=officer)
            make_target(indicator, "Q2 2022/23", 50, 5)
            make_target(indicator, "2022/23", 50, 5)
            make_value(indicator, "Q1 2022/23", 40)
            make_value(indicator, "Q2 2022/23", 45 + i)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_scorecards_use_a_fixed_number_of_queries(client, member):
    build_council(services=1, items=2)
    urls = lambda: [  # noqa: E731
        reverse("reports:council_scorecard"),
        reverse("reports:committee_scorecard", args=[Committee.objects.first().slug]),
        reverse("reports:plan_scorecard", args=[Plan.objects.first().pk]),
    ]
    small = [count_queries(client, url) for url in urls()]
    build_council(services=3, items=6)
    large = [count_queries(client, url) for url in urls()]
    assert small == large
    # Including one for the figures revised since the latest issued report, one for the trail (a service's committee).
    assert max(large) <= 18


def test_detail_pages_use_a_fixed_number_of_queries(client, member):
    build_council(services=1, items=2)
    indicator, action = Indicator.objects.first(), Plan.objects.first().actions.filter(parent__isnull=False).first()
    small = [
        count_queries(client, reverse("reports:indicator", args=[indicator.pk])),
        count_queries(client, reverse("reports:action", args=[action.pk])),
    ]
    for period in ["Q3 2022/23", "Q4 2022/23", "Q1 2023/24"]:
        make_value(indicator, period, 50)
        make_update(action, period, 50)
    build_council(services=1, items=5)
    large = [
        count_queries(client, reverse("reports:indicator", args=[indicator.pk])),
        count_queries(client, reverse("reports:action", args=[action.pk])),
    ]
    assert small == large


def test_indicator_page_has_chart_table_targets_and_exception_report(client, member, demo):
    indicator = Indicator.objects.get(code="CFSW-LAC01")
    body = client.get(reverse("reports:indicator", args=[indicator.pk])).content.decode()
    assert 'data-chart="chart-data"' in body
    assert "/static/vendor/plotly-basic-4.1.1.min.js" in body
    assert "cdn" not in body.lower()
    assert "Values, targets and commentary" in body
    assert "Q1 2021/22" in body and "31.0%" in body
    assert "Return to the 30% reached in 2021/22" in body  # how the target was set
    assert "Improvement actions" in body


def test_indicator_page_judges_each_period_as_the_scorecard_does(client, member):
    service = make_service()
    indicator = make_indicator(service, polarity="lower")
    for period, target, tolerance, value in [
        ("Q1 2022/23", 20, 2, 19),  # green
        ("Q2 2022/23", 20, 2, 22),  # exactly on the amber edge
        ("Q3 2022/23", 20, 10, None),  # marked not available, with a reason
        ("Q4 2022/23", 20, 0, "20.5"),  # red
    ]:
        make_target(indicator, period, target, tolerance, tolerance_type="percent" if tolerance == 10 else "absolute")
        if value is None:
            make_value(indicator, period, None, not_available=True, not_available_reason="Published in May")
        else:
            make_value(indicator, period, value)
    history = indicator_history(indicator)
    assert [row.status.rag.value for row in history.rows] == ["green", "amber", "not_available", "red"]
    assert history.rows[2].status.reason == "Published in May"
    assert history.rows[1].amber_edge == 22
    for row in history.rows:
        [card_row] = [r for _, _, r in build_scorecard(service_scope(service), row.period).rows()]
        assert (row.status, row.trend) == (card_row.status, card_row.short_trend)
    body = client.get(reverse("reports:indicator", args=[indicator.pk])).content.decode()
    assert body.count("Outwith tolerance") == 1 and "Within tolerance" in body and "Published in May" in body


def test_chart_json_cannot_close_its_script_element(client, member):
    indicator = make_indicator(title="</script><script>alert(1)</script>")
    make_value(indicator, "Q1 2022/23", 1)
    body = client.get(reverse("reports:indicator", args=[indicator.pk])).content.decode()
    assert "<script>alert(1)" not in body


def test_action_page_has_details_chart_and_timeline(client, member, demo):
    action = Plan.objects.get(code="CFSW SP2023").actions.get(code="STRAT1.1")
    body = client.get(reverse("reports:action", args=[action.pk])).content.decode()
    assert "Progress over time" in body
    for label in ["Q2 2022/23 – 47%", "Q1 2022/23 – 42%", "Q4 2021/22 – 38%"]:
        assert label in body
    assert "Check progress" in body


def test_narratives_are_sanitised_on_display(client, member):
    service = make_service()
    plan = make_plan(service)
    action = make_action(plan)
    make_update(action, "Q2 2022/23", 10, narrative='<p onclick="x()">Kept <script>alert(1)</script>words</p>' * 20)
    body = client.get(reverse("reports:plan_scorecard", args=[plan.pk])).content.decode()
    assert "Kept" in body and "words" in body
    assert "alert(1)" not in body and "onclick" not in body
    body = client.get(reverse("reports:action", args=[action.pk])).content.decode()
    assert "alert(1)" not in body and "onclick" not in body


def test_scorecards_are_cached_until_the_data_changes(client, member, demo, monkeypatch):
    from reports.scorecards import page

    calls = []
    real = page.build_blocks
    monkeypatch.setattr(page, "build_blocks", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = reverse("reports:committee_scorecard", args=[demo.slug])
    first = client.get(url, {"period": Q2.key}).content
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url, {"period": Q2.key}).content
    main = lambda page: page[page.index(b"<main") :]  # noqa: E731 - the header carries a per-request CSRF token
    assert main(first) == main(second) and len(calls) == 1
    assert len(warm) <= 5  # session, user, roles, data version: no scorecard queries

    # Any saved change (here a corrected, approved value) moves the data version.
    value = IndicatorValue.objects.get(indicator__code="CFSW-JUS01", period=Q2)
    value.value = 12
    value.save()
    third = client.get(url, {"period": Q2.key}).content.decode()
    assert len(calls) == 2 and "12.0%" in third

    # Filters are part of the key; a filtered page filters the rows the page above built.
    red = client.get(url, {"period": Q2.key, "status": "red"}).content
    assert main(red) != main(third.encode()) and len(calls) == 2


def test_cached_scorecard_keeps_each_users_own_navigation(client, demo):
    url = reverse("reports:committee_scorecard", args=[demo.slug])
    client.force_login(make_user("cllr", "member"))
    as_member = client.get(url).content.decode()
    client.force_login(make_user("perf", "performance", is_staff=True))
    as_performance = client.get(url).content.decode()
    assert "Reporting rounds" in as_performance and "Reporting rounds" not in as_member
    assert "cllr" not in as_performance
