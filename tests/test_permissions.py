"""Every permission helper: 404 for what does not exist, 403 for what the user may not touch,
and pages that only offer the links the same helpers allow."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from indicators import permissions
from indicators.models import FamilyGroup, PendingImport, ReviewState, Risk, RiskReview, Role
from indicators.periods import Period
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

MISSING = 999_999


@pytest.fixture
def world():
    service, other_service = make_service(), make_service()
    people = {
        "performance": make_user("performance", Role.Kind.PERFORMANCE),
        "approver": make_user("approver", Role.Kind.APPROVER, service),
        "officer": make_user("officer", Role.Kind.OFFICER, service),
        "member": make_user("member", Role.Kind.MEMBER),
        "other_officer": make_user("other_officer", Role.Kind.OFFICER, other_service),
        "other_approver": make_user("other_approver", Role.Kind.APPROVER, other_service),
    }
    plan = make_plan(service)
    action = make_action(plan)
    indicator = make_indicator(service, plan=plan)
    risk = Risk.objects.create(service=service, reference="R1", title="Risk", likelihood=3, impact=3, target_score=4)
    q2 = Period.parse("Q2 2022/23")
    entries = {
        "action": make_update(action, "Q2 2022/23", 10, state=ReviewState.SUBMITTED),
        "indicator": make_value(indicator, "Q2 2022/23", 5, state=ReviewState.SUBMITTED),
        "risk": RiskReview.objects.create(
            risk=risk,
            period=q2,
            likelihood=2,
            impact=2,
            previous_score=9,
            latest_position="x",
            state=ReviewState.SUBMITTED,
        ),  # fmt: skip
    }
    return {
        "service": service,
        "action": action,
        "indicator": indicator,
        "risk": risk,
        "entries": entries,
        "round": make_round("Q2 2022/23"),
        "group": FamilyGroup.objects.create(name="Family"),
        **people,
    }


def assert_denied(helper, user, *args) -> None:
    with pytest.raises(PermissionDenied):
        helper(user, *args)


def test_actions_and_indicators_for_editing(world):
    for helper, obj in [
        (permissions.action_for_editing, world["action"]),
        (permissions.indicator_for_editing, world["indicator"]),
    ]:
        assert helper(world["officer"], obj.pk) == obj
        assert helper(world["approver"], obj.pk) == obj
        assert_denied(helper, world["member"], obj.pk)
        assert_denied(helper, world["other_officer"], obj.pk)
        with pytest.raises(Http404):
            helper(world["officer"], MISSING)


def test_the_indicators_an_officer_may_enter_in_bulk_are_those_they_may_edit(world):
    own = make_indicator(make_service(), owner=world["other_officer"])
    assert list(permissions.indicators_for_editing(world["officer"])) == [world["indicator"]]
    assert list(permissions.indicators_for_editing(world["other_officer"])) == [own]
    assert permissions.indicators_for_editing(world["performance"]).count() == 2
    assert_denied(permissions.indicators_for_editing, world["member"])


def test_risk_for_review(world):
    risk = world["risk"]
    for person in ("officer", "approver", "performance"):
        assert permissions.risk_for_review(world[person], risk.pk) == risk
    for person in ("member", "other_officer", "other_approver"):
        assert_denied(permissions.risk_for_review, world[person], risk.pk)
    with pytest.raises(Http404):
        permissions.risk_for_review(world["officer"], MISSING)
    # An officer of another service who owns the risk reviews it.
    risk.owner = world["other_officer"]
    risk.save()
    assert permissions.risk_for_review(world["other_officer"], risk.pk) == risk


@pytest.mark.parametrize("kind", ["action", "indicator", "risk"])
def test_entry_for_review(world, kind):
    entry = world["entries"][kind]
    for person in ("approver", "performance"):
        assert permissions.entry_for_review(world[person], kind, entry.pk) == entry
    for person in ("officer", "member", "other_officer", "other_approver"):
        assert_denied(permissions.entry_for_review, world[person], kind, entry.pk)
    with pytest.raises(Http404):
        permissions.entry_for_review(world["approver"], kind, MISSING)


@pytest.mark.parametrize("kind", ["action", "indicator", "risk"])
def test_entries_awaiting_review(world, kind):
    entry = world["entries"][kind]
    assert list(permissions.entries_awaiting_review(world["approver"], kind)) == [entry]
    assert list(permissions.entries_awaiting_review(world["performance"], kind)) == [entry]
    assert list(permissions.entries_awaiting_review(world["other_approver"], kind)) == []
    for person in ("officer", "member"):
        assert_denied(permissions.entries_awaiting_review, world[person], kind)


def test_rounds_imports_and_family_groups_are_the_performance_teams(world):
    pending = PendingImport.objects.create(
        kind="values", filename="values.csv", content=b"", uploaded_by=world["performance"]
    )
    for helper, obj in [
        (permissions.round_for_managing, world["round"]),
        (permissions.pending_import_for_confirming, pending),
        (permissions.family_group_for_editing, world["group"]),
    ]:
        assert helper(world["performance"], obj.pk) == obj
        for person in ("approver", "officer", "member"):
            assert_denied(helper, world[person], obj.pk)
        with pytest.raises(Http404):
            helper(world["performance"], MISSING)
    # Only the person who uploaded a file confirms it.
    someone_else = make_user("someone_else", Role.Kind.PERFORMANCE)
    with pytest.raises(Http404):
        permissions.pending_import_for_confirming(someone_else, pending.pk)


def test_register_offers_the_review_link_only_to_those_who_may_review(client, world):
    register = reverse("service_risks", args=[world["service"].slug])
    review = reverse("review_risk", args=[world["risk"].pk])
    client.force_login(world["other_officer"])
    assert review not in client.get(register).content.decode()
    assert client.get(review).status_code == 403
    client.force_login(world["other_approver"])
    assert review not in client.get(register).content.decode()
    assert client.get(review).status_code == 403
    client.force_login(world["officer"])
    assert review in client.get(register).content.decode()
    assert client.get(review).status_code == 200


def test_a_refusal_is_a_page_that_says_why_and_where_to_go(client, world):
    """Not the bare "403 Forbidden" that a member once met at /imports/."""
    client.force_login(world["member"])
    response = client.get(reverse("imports"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>You cannot do this</h1>" in page and "Only the performance team" in page
    assert 'class="site-header"' in page and reverse("home") in page  # the usual header and a way on

    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "<h1>Page not found</h1>" in missing.content.decode()


def test_the_server_error_page_stands_alone(rf):
    """Rendered without a request (the fault may be the database's), it still says what to do."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in page
    assert "tell your council's performance team" in page
