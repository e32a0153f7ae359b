"""Review rules (issue 15): no decisions in a locked round, no approving one's own entry unless the
council allows it, recalling a submission before review, and locking a round after seeing what
is not approved; officers are told why an item is closed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, ReviewState, WorkflowSettings
from indicators.periods import Period
from indicators.workflow import (
    Conflict,
    WorkflowError,
    approval_refused,
    lock_round,
    recall_entry,
    review_entry,
    save_entry,
    set_self_approval,
)
from reports.models import CommitteeReport, IssuedReport
from tests.factories import (
    make_action,
    make_committee,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_update,
    make_user,
    make_value,
    personas,
)

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, first_year=2020, last_year=2022, title="Service plan")
    action = make_action(plan, code="STRAT1.1", assigned_to=people["officer"], due_date=dt.date(2023, 3, 31))
    indicator = make_indicator(service, plan=plan, code="KIN1", owner=people["officer"])
    reporting_round = make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {
        "service": service,
        "plan": plan,
        "action": action,
        "indicator": indicator,
        "round": reporting_round,
        **people,
    }


def submit_update(world, who="officer", action=None, period=Q2):
    fields = {"progress": 40, "narrative": "<p>On track</p>"}
    lookup = {"action": action or world["action"], "period": period}
    return save_entry(ActionUpdate, lookup, 0, fields, world[who], submit=True)


def lock(reporting_round):
    reporting_round.locked_at = timezone.now()
    reporting_round.save()


# No decisions in a locked round ---------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False])
def test_a_review_in_a_locked_round_is_refused_even_when_called_directly(world, approve):
    update = submit_update(world)
    lock(world["round"])
    with pytest.raises(WorkflowError, match="Q2 2022/23 was locked by the performance team"):
        review_entry(update, update.version, world["approver"], approve=approve, comment="Needs more")
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED and update.reviewed_by is None


def test_a_review_for_a_period_never_opened_is_refused(world):
    update = make_update(world["action"], "Q1 2022/23", 10, state=ReviewState.SUBMITTED)
    with pytest.raises(WorkflowError, match="Q1 2022/23 is not open for updates"):
        review_entry(update, update.version, world["approver"], approve=True)


def test_the_queue_says_why_a_locked_rounds_entries_cannot_be_decided_and_a_post_changes_nothing(client, world):
    update = submit_update(world)
    lock(world["round"])
    client.force_login(world["approver"])
    body = client.get(reverse("review_queue")).content.decode()
    assert "was locked by the performance team" in body
    assert "Approve STRAT1.1" not in body and "Return STRAT1.1" not in body
    response = client.post(
        reverse("review_update", args=[update.pk]), {"decision": "approve", "version": update.version}, follow=True
    )
    assert "was locked by the performance team" in response.content.decode()
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED


# Separation of duties ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_by", "author", "reviewer", "allowed", "refused"),
    [
        ("officer", "officer", "approver", False, False),
        ("approver", "approver", "approver", False, True),
        ("officer", "approver", "approver", False, True),  # wrote it, someone else submitted it
        ("approver", "officer", "approver", False, True),
        ("approver", "approver", "approver", True, False),  # the council allows it
        ("admin", "admin", "admin", False, True),  # the performance team too
    ],
)
def test_approval_refused(world, submitted_by, author, reviewer, allowed, refused):
    entry = ActionUpdate(submitted_by=world[submitted_by], author=world[author])
    assert bool(approval_refused(entry, world[reviewer], allowed)) is refused


def test_an_approver_cannot_approve_their_own_entry_but_someone_else_can(world):
    update = submit_update(world, who="approver")
    with pytest.raises(WorkflowError, match="someone else must approve it"):
        review_entry(update, update.version, world["approver"], approve=True)
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED
    approved = review_entry(update, update.version, world["admin"], approve=True)
    assert approved.state == ReviewState.APPROVED and approved.reviewed_by == world["admin"]


def test_returning_ones_own_entry_is_allowed(world):
    update = submit_update(world, who="approver")
    returned = review_entry(update, update.version, world["approver"], approve=False, comment="Wrong figure")
    assert returned.state == ReviewState.RETURNED


def test_the_queue_offers_only_return_for_ones_own_entry_and_a_post_is_refused(client, world):
    update = submit_update(world, who="approver")
    client.force_login(world["approver"])
    body = client.get(reverse("review_queue")).content.decode()
    assert "someone else must approve it" in body
    assert "Approve STRAT1.1" not in body and "Return STRAT1.1" in body
    client.post(reverse("review_update", args=[update.pk]), {"decision": "approve", "version": update.version})
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED


def test_when_the_council_allows_it_an_approver_approves_their_own_entry_and_it_is_recorded(world):
    assert WorkflowSettings.current().allow_self_approval is False  # off by default
    set_self_approval(world["admin"], True, "Two-person team until March")
    update = submit_update(world, who="approver")
    assert review_entry(update, update.version, world["approver"], approve=True).state == ReviewState.APPROVED
    record = WorkflowSettings.history.first()
    assert record.history_user == world["admin"] and record.allow_self_approval
    assert record.reason == "Two-person team until March"
    assert "Two-person team until March" in record.history_change_reason


def test_changing_the_rule_needs_a_reason(world):
    with pytest.raises(WorkflowError, match="Say why"):
        set_self_approval(world["admin"], True, "  ")
    assert not WorkflowSettings.objects.exists()


def test_the_performance_team_changes_the_rule_on_the_rounds_page_with_a_reason(client, world):
    url = reverse("review_rules")
    for persona in ("officer", "approver", "member"):
        client.force_login(world[persona])
        assert client.post(url, {"allow_self_approval": "on", "reason": "x"}).status_code == 403
    client.force_login(world["admin"])
    response = client.post(url, {"allow_self_approval": "on", "reason": ""})
    assert response.status_code == 200 and "Say why; the reason is kept" in response.content.decode()
    assert "checked" in response.content.decode()  # what was typed is kept
    assert not WorkflowSettings.current().allow_self_approval
    assert client.post(url, {"allow_self_approval": "on", "reason": "Small team"}).status_code == 302
    assert WorkflowSettings.current().allow_self_approval
    body = client.get(reverse("rounds")).content.decode()
    assert "Approvers may approve updates they submitted or wrote themselves" in body
    assert "because: Small team (admin)" in body


# Recall -----------------------------------------------------------------------------------------


def test_an_officer_recalls_a_submission_before_review_and_can_change_it(world):
    update = submit_update(world)
    recalled = recall_entry(update, update.version, world["officer"])
    assert recalled.state == ReviewState.DRAFT and recalled.version == update.version + 1
    assert recalled.submitted_at is None and recalled.submitted_by is None
    record = recalled.history.first()
    assert record.history_change_reason == "Recalled before review, to be changed"
    assert record.history_user == world["officer"]
    lookup = {"action": world["action"], "period": Q2}
    again = save_entry(ActionUpdate, lookup, recalled.version, {"progress": 50}, world["officer"], submit=True)
    assert again.state == ReviewState.SUBMITTED and again.progress == 50


@pytest.mark.parametrize("state", [ReviewState.APPROVED, ReviewState.RETURNED, ReviewState.DRAFT])
def test_only_a_submission_waiting_for_a_decision_can_be_recalled(world, state):
    update = make_update(world["action"], "Q2 2022/23", 40, state=state)
    with pytest.raises(WorkflowError, match="Only a submission still waiting"):
        recall_entry(update, update.version, world["officer"])
    update.refresh_from_db()
    assert update.state == state


def test_recall_is_refused_in_a_locked_round_and_from_an_old_version(world):
    update = submit_update(world)
    with pytest.raises(Conflict):
        recall_entry(update, update.version - 1, world["officer"])
    lock(world["round"])
    with pytest.raises(WorkflowError, match="was locked"):
        recall_entry(update, update.version, world["officer"])
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED


# Who may recall: whoever may edit the entry.
RECALL_STATUS = {"officer": 302, "approver": 302, "admin": 302, "member": 403, "other_officer": 403}


@pytest.mark.parametrize(("persona", "status"), RECALL_STATUS.items())
def test_who_may_recall(client, world, persona, status):
    value = make_value(world["indicator"], "Q2 2022/23", 5, state=ReviewState.SUBMITTED)
    client.force_login(world[persona])
    response = client.post(reverse("recall_entry", args=["indicator", value.pk]), {"version": value.version})
    assert response.status_code == status
    value.refresh_from_db()
    assert value.state == (ReviewState.DRAFT if status == 302 else ReviewState.SUBMITTED)


def test_the_item_page_offers_recall_while_it_waits_for_a_decision(client, world):
    update = submit_update(world)
    client.force_login(world["officer"])
    url = reverse("action_update", args=[Q2.slug, world["action"].pk])
    body = client.get(url).content.decode()
    assert "waiting for a decision" in body and "Recall to change it" in body
    recall_url = reverse("recall_entry", args=["action", update.pk])
    form = body[body.index(f'action="{recall_url}"') : body.index("</form>", body.index(f'action="{recall_url}"'))]
    assert 'name="csrfmiddlewaretoken"' in form  # the test client does not check it; browsers do
    response = client.post(reverse("recall_entry", args=["action", update.pk]), {"version": update.version})
    assert response.status_code == 302 and response.url == url
    body = client.get(url).content.decode()
    assert "Recall to change it" not in body and 'name="narrative"' in body  # the form again
    update.refresh_from_db()
    review_entry(
        save_entry(ActionUpdate, {"action": world["action"], "period": Q2}, update.version, {}, world["officer"], True),
        update.version + 1,
        world["approver"],
        approve=True,
    )
    assert "Recall to change it" not in client.get(url).content.decode()


def test_a_risk_review_is_recalled_from_its_page(client, world):
    from indicators.models import Risk, RiskReview

    risk = Risk.objects.create(
        service=world["service"], reference="R1", title="Carers", likelihood=4, impact=4, target_score=8,
        owner=world["officer"],
    )  # fmt: skip
    fields = {"likelihood": 3, "impact": 4, "latest_position": "Better", "previous_score": 16}
    review = save_entry(RiskReview, {"risk": risk, "period": Q2}, 0, fields, world["officer"], submit=True)
    client.force_login(world["officer"])
    page = reverse("review_risk", args=[risk.pk])
    assert "Recall to change it" in client.get(page).content.decode()
    response = client.post(reverse("recall_entry", args=["risk", review.pk]), {"version": review.version})
    assert response.status_code == 302 and response.url == page
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT


def test_recall_of_an_unknown_kind_is_not_found(client, world):
    client.force_login(world["officer"])
    assert client.post(reverse("recall_entry", args=["plan", 1]), {"version": 1}).status_code == 404


# Locking a round --------------------------------------------------------------------------------


@pytest.fixture
def unfinished(world):
    """One entry in each state, and items due but not started."""
    other = make_action(world["plan"], code="STRAT1.2", assigned_to=world["officer"])
    done = make_action(world["plan"], code="STRAT1.3", assigned_to=world["officer"])
    drafted = make_action(world["plan"], code="STRAT1.4", assigned_to=world["officer"])
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.SUBMITTED)
    make_update(other, "Q2 2022/23", 40, state=ReviewState.RETURNED, review_comment="More")
    make_update(done, "Q2 2022/23", 40)
    make_update(drafted, "Q2 2022/23", 40, state=ReviewState.DRAFT)
    make_value(world["indicator"], "Q2 2022/23", 5, state=ReviewState.SUBMITTED)
    make_action(world["plan"], code="STRAT1.5", assigned_to=world["officer"])  # not started
    return world


def test_the_lock_page_lists_everything_not_approved_by_plan_and_code(client, unfinished):
    world = unfinished
    client.force_login(world["admin"])
    body = client.get(reverse("lock_round", args=[world["round"].pk])).content.decode()
    assert "5 entries are not approved yet" in body
    assert "2 submitted, 1 returned, 1 draft, 1 not started." in body
    for code in ("STRAT1.1", "STRAT1.2", "STRAT1.4", "STRAT1.5", "KIN1"):
        assert f'<td class="code">{code}</td>' in body
    assert '<td class="code">STRAT1.3</td>' not in body  # approved
    assert "Service plan" in body
    # Waiting for a decision first, then returned, drafts and not started.
    assert body.index("STRAT1.1") < body.index("STRAT1.2") < body.index("STRAT1.4") < body.index("STRAT1.5")


def test_locking_with_entries_not_approved_needs_the_confirmation(client, unfinished):
    world = unfinished
    client.force_login(world["admin"])
    url = reverse("lock_round", args=[world["round"].pk])
    response = client.post(url, {"acknowledged": "5"}, follow=True)  # box not ticked
    assert "5 entries are not approved yet in Q2 2022/23" in response.content.decode()
    world["round"].refresh_from_db()
    assert not world["round"].is_locked
    assert client.post(url, {"acknowledged": "5", "confirm": "1"}).status_code == 302
    world["round"].refresh_from_db()
    assert world["round"].is_locked and world["round"].locked_by == world["admin"]
    reason = world["round"].history.first().history_change_reason
    assert reason == "Locked with 5 entries not approved (2 submitted, 1 returned, 1 draft, 1 not started)"


def test_locking_is_refused_if_more_are_unfinished_than_were_shown(world, unfinished):
    with pytest.raises(WorkflowError, match="5 entries are not approved"):
        lock_round(world["round"], world["admin"], acknowledged=4)
    lock_round(world["round"], world["admin"], acknowledged=5)
    with pytest.raises(WorkflowError, match="already locked"):
        lock_round(world["round"], world["admin"], acknowledged=5)


def test_a_round_with_everything_approved_locks_after_the_page(client, world):
    make_update(world["action"], "Q2 2022/23", 40)
    make_value(world["indicator"], "Q2 2022/23", 5)
    client.force_login(world["admin"])
    url = reverse("lock_round", args=[world["round"].pk])
    body = client.get(url).content.decode()
    assert "Every entry in Q2 2022/23 has been approved." in body
    client.post(url, {"acknowledged": "0", "confirm": "1"})
    world["round"].refresh_from_db()
    assert world["round"].is_locked
    assert world["round"].history.first().history_change_reason == "Locked"


def test_only_the_performance_team_sees_the_lock_page(client, world):
    for persona in ("officer", "approver", "member"):
        client.force_login(world[persona])
        assert client.get(reverse("lock_round", args=[world["round"].pk])).status_code == 403


# Why an item is closed --------------------------------------------------------------------------


def test_officers_are_told_the_round_was_locked_not_that_a_report_was_issued(client, world):
    lock(world["round"])
    client.force_login(world["officer"])
    body = client.get(reverse("action_update", args=[Q2.slug, world["action"].pk])).content.decode()
    assert "Q2 2022/23 was locked by the performance team on" in body
    assert "issued" not in body


def test_officers_are_told_of_the_issued_report_when_there_is_one(client, world):
    committee = make_committee(world["service"], name="Education and Childrens Services Committee")
    report = CommitteeReport.objects.create(
        title="Q2", committee=committee, meeting_date=dt.date(2022, 11, 30), period=Period.parse("H1 2022/23")
    )
    IssuedReport.objects.create(
        report=report, data={}, pdf=b"%PDF-1.7", page_count=1, issued_at=timezone.make_aware(dt.datetime(2022, 11, 28))
    )
    lock(world["round"])
    client.force_login(world["officer"])
    body = client.get(reverse("action_update", args=[Q2.slug, world["action"].pk])).content.decode()
    assert "(its report to Education and Childrens Services Committee was issued on 28 Nov 2022)" in body


# Fixed queries ------------------------------------------------------------------------------------


def test_the_review_queue_and_lock_page_use_a_fixed_number_of_queries(client, world):
    client.force_login(world["admin"])
    urls = [reverse("review_queue"), reverse("lock_round", args=[world["round"].pk])]

    def count() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    make_update(world["action"], "Q2 2022/23", 10, state=ReviewState.SUBMITTED)
    make_value(world["indicator"], "Q2 2022/23", 5, state=ReviewState.SUBMITTED)
    small = count()
    officer2 = make_user("officer2")
    for i in range(6):
        action = make_action(world["plan"], assigned_to=officer2)
        make_update(action, "Q2 2022/23", 10, state=ReviewState.SUBMITTED, submitted_by=world["admin"])
        indicator = make_indicator(world["service"], owner=world["officer"], code=f"EXTRA{i}")
        IndicatorValue.objects.create(
            indicator=indicator, period=Q2, value=Decimal(1), state=ReviewState.SUBMITTED, author=officer2
        )
    make_update(make_action(world["plan"]), "Q1 2022/23", 10, state=ReviewState.SUBMITTED)  # a round never opened
    ReportingRound.objects.create(period=Period.parse("Q1 2022/23"), deadline=dt.date(2022, 7, 20))
    assert count() == small
