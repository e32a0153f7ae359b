"""Search by code or title from the header: grouped results, exact codes first, links only to what
the user may do, a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from indicators.models import Risk
from reports.workspace.search import LIMIT, search
from tests.factories import make_action, make_indicator, make_plan, make_round, make_service, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, code="CSP", title="Children's services plan")
    make_action(plan, "KIN1", title="More children cared for in kinship")
    make_action(plan, "FOS1", title="Recruit foster carers")
    make_indicator(service, code="KIN-01", title="Kinship placements", plan=plan, owner=people["officer"])
    make_indicator(service, code="LAC-02", title="Children in kinship care (%)", plan=plan)
    other_plan = make_plan(make_service("Housing"), code="HSG", title="Housing plan")
    make_action(other_plan, "HKIN", title="Housing for kinship carers")
    Risk.objects.create(
        service=service, reference="KIN-R1", title="Too few kinship carers", owner=people["officer"],
        inherent_likelihood=4, inherent_impact=4, likelihood=4, impact=4, target_score=8,
    )  # fmt: skip
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"service": service, "plan": plan, **people}


def get(client, user, q: str) -> str:
    client.force_login(user)
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def group(page: str, key: str) -> str:
    return page.split(f'id="results-{key}"')[1].split("</section>")[0]


def test_results_are_grouped_with_codes_and_titles_matched(client, world):
    page = get(client, world["member"], "kin")
    assert "Kinship placements" in group(page, "indicators") and "Children in kinship care" in group(page, "indicators")
    actions = group(page, "actions")
    assert "More children cared for in kinship" in actions and "Housing for kinship carers" in actions
    assert "Recruit foster carers" not in page
    assert "Too few kinship carers" in group(page, "risks")
    assert 'id="results-plans"' not in page  # no plan matches: the group is left out
    assert "5 results for “kin”" in page


def test_exact_and_starting_codes_come_first(client, world):
    results = search(world["member"], "kin1")
    assert [hit.code for hit in results.groups[1].hits] == ["KIN1"]
    results = search(world["member"], "KIN")
    indicators = [hit.code for hit in results.groups[0].hits]
    assert indicators == ["KIN-01", "LAC-02"]  # the code starting with it before the title match
    actions = [hit.code for hit in results.groups[1].hits]
    assert actions == ["KIN1", "HKIN"]


def test_plans_found_by_code(client, world):
    page = get(client, world["member"], "csp")
    assert reverse("reports:plan_scorecard", args=[world["plan"].pk]) in group(page, "plans")


def test_members_get_pages_to_read_and_no_forms(client, world):
    page = get(client, world["member"], "kin")
    assert "Enter a value" not in page and ">Update<" not in page and ">Review<" not in page
    indicator_page = reverse("reports:indicator", args=[world["plan"].indicators.get(code="KIN-01").pk])
    assert indicator_page in page


def test_officers_get_the_forms_they_may_use(client, world):
    page = get(client, world["officer"], "kin")
    kin01 = world["plan"].indicators.get(code="KIN-01")
    assert reverse("indicator_update", args=["2022-23-Q2", kin01.pk]) in group(page, "indicators")
    actions = group(page, "actions")
    kin1 = world["plan"].actions.get(code="KIN1")
    assert reverse("action_update", args=["2022-23-Q2", kin1.pk]) in actions
    assert actions.count(">Update<") == 1  # not the other service's action
    assert ">Review<" in group(page, "risks")
    # Every link offered works for them.
    client.force_login(world["other_officer"])
    other = get(client, world["other_officer"], "kin")
    assert ">Update<" not in other and "Enter a value" not in other and ">Review<" not in other


def test_short_or_empty_queries_search_nothing(client, world):
    assert "Type at least 2 characters" in get(client, world["member"], "k")
    page = get(client, world["member"], "")
    assert "results for" not in page and "Type at least" not in page
    assert "Nothing matches “zzz”" in get(client, world["member"], "zzz")


def test_many_matches_are_cut_and_said_so(client, world):
    for n in range(LIMIT + 3):
        make_action(world["plan"], f"X{n:03}", title="Extra kinship work")
    page = get(client, world["member"], "extra kinship")
    assert group(page, "actions").count("Extra kinship work") == LIMIT
    assert f"Only the first {LIMIT} are shown" in page


def test_search_needs_sign_in(client):
    response = client.get(reverse("search"), {"q": "kin"})
    assert response.status_code == 302


def test_header_has_the_search_box(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("home")).content.decode()
    assert 'role="search"' in page and f'action="{reverse("search")}"' in page
    assert 'for="site-search-q"' in page


def test_search_queries_do_not_grow_with_results(client, world, django_assert_max_num_queries):
    for n in range(10):
        make_action(world["plan"], f"Y{n:03}", title="Kinship support")
        make_indicator(world["service"], code=f"KY{n:03}", title="Kinship measure", owner=world["officer"])
    client.force_login(world["officer"])
    # session, user, roles, open round, four groups
    with django_assert_max_num_queries(8):
        response = client.get(reverse("search"), {"q": "kinship"})
    assert response.status_code == 200
