"""Finding one's way: the breadcrumb trail council › committee › service › plan › item on every
page that shows one of them, the risk registers in the menu, heat-map cells linking to the
register narrowed to them, and a risk page members can read."""

import re

import pytest
from django.urls import reverse

from indicators.models import Risk
from reports.trail import Crumb, trail
from tests.factories import make_action, make_committee, make_indicator, make_plan, make_service, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    committee = make_committee(service, name="Children's committee")
    make_committee(service, name="Audit committee")  # the service's first committee by name
    plan = make_plan(service, title="Children's services plan")
    group = make_action(plan, "STRAT1", title="Keep children safe")
    action = make_action(plan, "STRAT1.1", title="Kinship care", parent=group)
    indicator = make_indicator(service, code="CS01", title="Kinship placements", plan=plan)
    orphan = make_indicator(service, code="CS99", title="Not in a plan")
    risk = Risk.objects.create(
        service=service, plan=plan, reference="R1", title="Too few carers", owner=people["officer"],
        inherent_likelihood=4, inherent_impact=4, likelihood=4, impact=4, target_score=8,
        controls="Monthly recruitment panel", further_actions="Campaign in schools",
    )  # fmt: skip
    risk.mitigating_actions.add(action)
    Risk.objects.create(
        service=service, reference="R2", title="Low risk", likelihood=1, impact=2, target_score=2,
        inherent_likelihood=1, inherent_impact=2,
    )  # fmt: skip
    return locals() | people


def labels(crumbs: list[Crumb]) -> list[str]:
    return [c.label for c in crumbs]


def test_trail_from_each_kind_of_object(world):
    assert labels(trail(None)) == ["Council"]
    assert labels(trail(world["committee"])) == ["Council", "Children's committee"]
    plan = ["Council", "Audit committee", "Children's services", "Children's services plan"]
    assert labels(trail(world["plan"])) == plan
    assert labels(trail(world["action"])) == [
        "Council", "Audit committee", "Children's services", "Children's services plan", "STRAT1 Keep children safe",
        "STRAT1.1",
    ]  # fmt: skip
    assert labels(trail(world["indicator"]))[-2:] == ["Children's services plan", "CS01"]
    assert labels(trail(world["orphan"]))[-2:] == ["Children's services", "CS99"]
    assert labels(trail(world["risk"]))[-3:] == ["Children's services plan", "Risk register", "R1"]
    assert labels(trail(world["service"], "Risk register"))[-2:] == ["Children's services", "Risk register"]


def test_the_last_crumb_is_the_page_itself(world):
    crumbs = trail(world["action"])
    assert crumbs[-1].url is None and all(c.url for c in crumbs[:-1])
    assert crumbs[0].url == reverse("reports:council_scorecard")
    assert crumbs[2].url == reverse("reports:service_scorecard", args=[world["service"].slug])


def test_a_service_in_no_committee_sits_under_the_council(world):
    lone = make_service("Lone service")
    assert labels(trail(lone)) == ["Council", "Lone service"]


@pytest.mark.parametrize(
    ("route", "key", "expected"),
    [
        ("reports:council_scorecard", None, ["Council"]),
        ("reports:committee_scorecard", "committee", ["Council", "Children&#39;s committee"]),
        ("reports:service_scorecard", "service", ["Audit committee", "Children&#39;s services"]),
        ("reports:plan_scorecard", "plan", ["Children&#39;s services", "Children&#39;s services plan"]),
        ("reports:action", "action", ["STRAT1 Keep children safe", "STRAT1.1"]),
        ("reports:indicator", "indicator", ["Children&#39;s services plan", "CS01"]),
        ("risk", "risk", ["Risk register", "R1"]),
        ("service_risks", "service", ["Children&#39;s services", "Risk register"]),
        ("committee_risks", "committee", ["Children&#39;s committee", "Risk register"]),
    ],
)
def test_pages_show_the_trail(client, world, route, key, expected):
    client.force_login(world["member"])
    obj = world[key] if key else None
    args = [] if obj is None else [obj.slug if hasattr(obj, "slug") else obj.pk]
    page = client.get(reverse(route, args=args)).content.decode()
    nav = page.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[0]
    shown = [re.sub(r"<[^>]+>", "", item).strip() for item in nav.split("<li>")[1:]]
    assert shown[-len(expected) :] == expected
    assert f'<span aria-current="page">{expected[-1]}</span>' in nav
    assert "› Scorecard" not in page


def test_risk_registers_are_in_the_menu_and_listed(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("risk_registers")}">Risk registers</a>' in page.split("</nav>")[0]
    page = client.get(reverse("risk_registers")).content.decode()
    assert reverse("committee_risks", args=[world["committee"].slug]) in page
    assert "Children&#39;s services</a> (2 risks)" in page
    assert "Children&#39;s committee</a> (2 risks)" in page


def test_heat_map_cells_link_to_the_register_narrowed_to_them(client, world):
    client.force_login(world["member"])
    url = reverse("service_risks", args=[world["service"].slug])
    page = client.get(url).content.decode()
    assert '<a href="?likelihood=4&amp;impact=4#risks">' in page
    assert '<a href="?likelihood=1&amp;impact=2#risks">' in page
    assert "?likelihood=5&amp;impact=5" not in page  # an empty cell is no link
    narrowed = client.get(url, {"likelihood": "4", "impact": "4"}).content.decode()
    table = narrowed.split('id="risks"')[1]
    assert "Too few carers" in table and "Low risk" not in table
    assert "Showing 1 risk with likelihood 4 and impact 4" in narrowed
    assert 'aria-current="true"' in narrowed
    # The map still counts every risk; nonsense in the query string shows them all.
    assert narrowed.count('<span class="count">1</span>') == 2
    everything = client.get(url, {"likelihood": "9", "impact": "x"}).content.decode()
    assert "Low risk" in everything and "Showing" not in everything


def test_members_read_a_risk_page_with_history_controls_and_actions(client, world):
    risk = world["risk"]
    risk.likelihood = 3
    risk._change_reason = "Review Q2 2022/23 approved"
    risk.save()
    client.force_login(world["member"])
    response = client.get(reverse("risk", args=[risk.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monthly recruitment panel" in page and "Campaign in schools" in page
    assert reverse("reports:action", args=[world["action"].pk]) in page
    history = page.split('id="score-history"')[1].split("</table>")[0]
    assert history.index("12 (3 × 4)") < history.index("16 (4 × 4)")  # newest first
    assert "Review Q2 2022/23 approved" in history
    assert "Review this risk" not in page  # members read; the owner reviews
    client.force_login(world["officer"])
    assert "Review this risk" in client.get(reverse("risk", args=[risk.pk])).content.decode()


def test_register_rows_link_to_the_risk_page(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("service_risks", args=[world["service"].slug])).content.decode()
    assert f'<a href="{reverse("risk", args=[world["risk"].pk])}">Too few carers</a>' in page


def test_risk_page_queries_are_fixed(client, world, django_assert_max_num_queries):
    client.force_login(world["member"])
    for n in range(5):
        world["risk"].mitigating_actions.add(make_action(world["plan"], f"M{n}"))
        world["risk"].likelihood = 1 + n
        world["risk"].save()
    with django_assert_max_num_queries(9):
        assert client.get(reverse("risk", args=[world["risk"].pk])).status_code == 200


def test_update_forms_show_the_trail_to_the_item(client, world):
    from tests.factories import make_round

    make_round("Q2 2022/23")
    client.force_login(world["officer"])
    for route, obj, last in (
        ("action_update", world["action"], "Update for Q2 2022/23"),
        ("indicator_update", world["indicator"], "Value for Q2 2022/23"),
    ):
        page = client.get(reverse(route, args=["2022-23-Q2", obj.pk])).content.decode()
        nav = page.split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
        assert f'<span aria-current="page">{last}</span>' in nav
        item_page = "reports:action" if route == "action_update" else "reports:indicator"
        assert reverse(item_page, args=[obj.pk]) in nav and "Children&#39;s services plan" in nav


def test_risk_pages_need_sign_in(client, world):
    for url in (reverse("risk_registers"), reverse("risk", args=[world["risk"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(world["member"])
    assert client.get(reverse("risk", args=[999999])).status_code == 404
