"""The home page per role: due and returned for officers, waiting for approvers, committees'
red/amber counts and issued reports for members, round progress and reports to issue for the
performance team; each section for each role held; a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from indicators.models import Committee, IndicatorValue, ReportingRound, ReviewState, Risk, RiskReview, Role
from indicators.periods import Period
from reports.models import CommitteeReport, IssuedReport
from reports.workspace.home import committee_cards
from tests.factories import (
    make_action,
    make_committee,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_update,
    make_value,
    personas,
)

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2022, 10, 10, 12, 0)


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    committee = make_committee(service, name="Education and children's committee")
    plan = make_plan(service, title="Children's services plan")
    officer = people["officer"]
    # Q2 2022/23 open, deadline in 11 days; Q1 locked.
    make_round("Q1 2022/23", locked=True)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    not_started = make_action(plan, "A1", title="Recruit foster carers", assigned_to=officer)
    returned = make_action(plan, "A2", title="Open a family centre", assigned_to=officer)
    make_update(returned, "Q2 2022/23", 40, state=ReviewState.RETURNED, review_comment="Say how many families.")
    submitted = make_action(plan, "A3", title="Review kinship allowances", assigned_to=officer)
    make_update(submitted, "Q2 2022/23", 60, state=ReviewState.SUBMITTED, submitted_by=officer)
    make_action(plan, "A4", title="Someone else's action", assigned_to=people["approver"])
    # Q1's approved figures: one red, one amber, one green for the committee's card.
    red = make_indicator(service, code="CS01", title="Children seen within 5 days", plan=plan, owner=officer)
    amber = make_indicator(service, code="CS02", title="Care leavers in work", plan=plan, owner=officer)
    green = make_indicator(service, code="CS03", title="Kinship placements", plan=plan, owner=officer)
    for indicator, value in ((red, 50), (amber, 75), (green, 90)):
        make_target(indicator, "Q1 2022/23", 80, tolerance=10)
        make_value(indicator, "Q1 2022/23", value)
    return {"service": service, "committee": committee, "plan": plan, "A1": not_started, "A2": returned, **people}


def home(client, user) -> str:
    client.force_login(user)
    with time_machine.travel(TODAY):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_officer_sees_what_is_due_by_deadline_and_what_was_returned(client, world):
    page = home(client, world["officer"])
    due = page.split('id="due-title"')[1]
    returned = page.split('id="returned-title"')[1].split('id="due-title"')[0]
    assert "Open a family centre" in returned and "Say how many families." in returned
    assert "Recruit foster carers" in due and "11 days left" in due
    assert reverse("action_update", args=["2022-23-Q2", world["A1"].pk]) in due
    assert "Open a family centre" not in due  # returned items are listed once, under Returned
    assert "Review kinship allowances" not in page.split('id="returned-title"')[1]  # handed in
    assert "Someone else's action" not in page
    # Indicators due in the round (quarterly, owned by the officer), after the actions: not started.
    assert due.index("Recruit foster carers") < due.index("Children seen within 5 days")
    assert 'id="waiting-title"' not in page and 'id="rounds-title"' not in page
    assert 'id="committees-title"' not in page


def test_returned_risk_review_is_listed_for_its_owner(client, world):
    risk = Risk.objects.create(
        service=world["service"], reference="R1", title="Not enough foster carers", owner=world["officer"],
        inherent_likelihood=4, inherent_impact=4, likelihood=4, impact=4, target_score=8,
    )  # fmt: skip
    RiskReview.objects.create(
        risk=risk, period=Period.parse("Q2 2022/23"), likelihood=3, impact=4, previous_score=16,
        latest_position="Two carers", state=ReviewState.RETURNED, review_comment="Give the date of panel.",
        reviewed_by=world["approver"],
    )  # fmt: skip
    returned = home(client, world["officer"]).split('id="returned-title"')[1].split('id="due-title"')[0]
    assert "Not enough foster carers" in returned and "Give the date of panel." in returned
    assert reverse("review_risk", args=[risk.pk]) in returned


def test_late_items_say_how_late(client, world):
    client.force_login(world["officer"])
    with time_machine.travel(dt.datetime(2022, 10, 24, 12, 0)):
        page = client.get(reverse("home")).content.decode()
    assert "3 days late" in page.split('id="due-title"')[1]


def test_approver_sees_what_waits_for_review_and_their_own_due_items(client, world):
    page = home(client, world["approver"])
    waiting = page.split('id="waiting-title"')[1]
    assert "1 entry waiting" in waiting
    assert "Review kinship allowances" in waiting and "from officer" in waiting
    assert reverse("review_queue") in waiting
    # An approver enters updates too: their own action is due from them.
    assert "Someone else&#39;s action" in page.split('id="due-title"')[1]


def test_approver_of_another_service_sees_nothing_waiting(client, world):
    other = make_service()
    approver = world["other_officer"]
    Role.objects.create(user=approver, kind=Role.Kind.APPROVER, service=other)
    page = home(client, approver)
    assert "Nothing is waiting for your review." in page


def test_member_sees_committee_counts_from_the_scorecard_and_latest_reports(client, world):
    report = CommitteeReport.objects.create(
        title="Q1 performance", committee=world["committee"], meeting_date=dt.date(2022, 9, 1),
        period=Period.parse("Q1 2022/23"),
    )  # fmt: skip
    issued = IssuedReport.objects.create(report=report, data={}, pdf=b"%PDF", page_count=1)
    page = home(client, world["member"])
    committees = page.split('id="committees-title"')[1]
    card = committees.split('class="committee-card"')[1]
    assert "Quarter 1 2022/23" in card
    assert "Education and children" in card
    assert "Outwith tolerance</span></span> <strong>1</strong>" in card
    assert "Within tolerance</span></span> <strong>1</strong>" in card
    assert "On target</span></span> <strong>1</strong>" in card
    assert "No figure" not in card  # shown only when some measure has none
    assert reverse("reports:issued_pdf", args=[issued.pk]) in page.split('id="latest-reports-title"')[1]
    assert 'id="due-title"' not in page and 'id="waiting-title"' not in page


def test_a_member_sees_the_committees_they_sit_on_first(client, world):
    other = make_committee(make_service("Roads"), name="Audit and scrutiny committee")  # first by name
    page = home(client, world["member"])
    assert page.index("Audit and scrutiny") < page.index("Education and children")
    assert "Your committee" not in page
    world["committee"].members.add(world["member"])
    page = home(client, world["member"])
    cards = page.split('id="committees-title"')[1].split('class="committee-card"')[1:]
    assert "Education and children" in cards[0] and "<strong>Your committee</strong>" in cards[0]
    assert "Audit and scrutiny" in cards[1] and "Your committee" not in cards[1]
    assert list(other.members.all()) == []


def test_committee_counts_are_the_scorecards_own(world):
    """The card shows the committee scorecard's own summary: a value waiting for approval is not counted."""
    from reports.scorecards.build import build_scorecard
    from reports.scorecards.scope import committee_scope

    IndicatorValue.objects.filter(indicator__code="CS01").update(state=ReviewState.SUBMITTED)
    [card] = committee_cards()
    scorecard = build_scorecard(committee_scope(world["committee"]))
    assert card.period == scorecard.period
    by_status = {c.status: c.count for c in scorecard.indicator_summary}
    missing = {c.status: c.count for c in scorecard.indicator_counts}["missing"]
    # Besides red, amber and green, those with no figure yet: CS01's value is waiting for approval.
    expected = {s: by_status[s] for s in ("red", "amber", "green")} | {"missing": missing}
    assert {c.state: c.count for c in card.counts} == expected
    assert by_status["red"] == 0 and missing == 1


def test_committee_cards_are_never_stale_after_a_change_of_data(world):
    """Cached, the cards are built again as soon as any plan's data moves (a correction saved
    through the ORM here; imports and other writes move the same versions)."""
    [before] = committee_cards()
    red = {c.state: c.count for c in before.counts}["red"]
    value = IndicatorValue.objects.get(indicator__code="CS01")
    value.state = ReviewState.SUBMITTED
    value.save()
    [after] = committee_cards()
    assert {c.state: c.count for c in after.counts}["red"] == red - 1


def test_performance_team_sees_round_progress_and_reports_to_issue(client, world):
    issued_report = CommitteeReport.objects.create(
        title="Issued already", committee=world["committee"], meeting_date=dt.date(2022, 9, 1),
        period=Period.parse("Q1 2022/23"),
    )  # fmt: skip
    IssuedReport.objects.create(report=issued_report, data={}, pdf=b"%PDF", page_count=1)
    CommitteeReport.objects.create(
        title="Q2 performance", committee=world["committee"], meeting_date=dt.date(2022, 11, 30),
        period=Period.parse("Q2 2022/23"),
    )  # fmt: skip
    page = home(client, world["admin"])
    rounds = page.split('id="rounds-title"')[1]
    assert "Quarter 2 2022/23" in rounds and "11 days left" in rounds
    actions_row = rounds.split('<th scope="row">Action updates</th>')[1].split("</tr>")[0]
    # Not started, draft, returned, submitted, approved: A1 and A4; A2 returned; A3 submitted.
    cells = [cell.split(">")[1].split("<")[0] for cell in actions_row.split("<td")[1:]]
    assert cells == ["2", "0", "1", "1", "0"]
    indicators_row = rounds.split('<th scope="row">Indicator values</th>')[1].split("</tr>")[0]
    assert indicators_row.count('class="num">3<') == 1  # three indicators, not started
    assert '<th scope="row">Risk reviews</th>' in rounds
    assert "6 of 7 items still to hand in" in rounds
    # The round's own progress page counts the same items (it once counted risk reviews too, alone).
    current = ReportingRound.objects.get(period=Period.parse("Q2 2022/23"))
    progress = client.get(reverse("round_progress", args=[current.pk])).content.decode()
    assert "6 items not handed in yet." in progress
    to_issue = page.split('id="to-issue-title"')[1]
    assert "Q2 performance" in to_issue and "Issued already" not in to_issue
    assert 'id="committees-title"' not in page


def test_someone_with_several_roles_sees_each_section(client, world):
    officer = world["officer"]
    Role.objects.create(user=officer, kind=Role.Kind.APPROVER, service=world["service"])
    Role.objects.create(user=officer, kind=Role.Kind.MEMBER)
    page = home(client, officer)
    for section in ("returned-title", "due-title", "waiting-title", "committees-title"):
        assert f'id="{section}"' in page


def test_home_queries_do_not_grow_with_the_council(client, world, django_assert_max_num_queries):
    user = world["officer"]
    for kind in (Role.Kind.APPROVER, Role.Kind.PERFORMANCE, Role.Kind.MEMBER):
        Role.objects.create(user=user, kind=kind, service=world["service"] if kind == Role.Kind.APPROVER else None)

    def count() -> int:
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with time_machine.travel(TODAY):
            client.get(reverse("home"))  # the committee cards are built once per change of data
        with CaptureQueriesContext(connection) as queries, time_machine.travel(TODAY):
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        service = make_service()
        world["committee"].services.add(service)
        make_committee(service)
        plan = make_plan(service)
        for _ in range(4):
            action = make_action(plan, assigned_to=user)
            make_update(action, "Q2 2022/23", 10, state=ReviewState.SUBMITTED, submitted_by=user)
            indicator = make_indicator(service, owner=user)
            make_value(indicator, "Q1 2022/23", 5)
        CommitteeReport.objects.create(
            title="More", committee=world["committee"], meeting_date=dt.date(2022, 11, 30),
            period=Period.parse("Q2 2022/23"),
        )  # fmt: skip
    assert count() == before, before
    assert before <= 30
    # Built afresh (after a change of data): the committee cards take each committee's scorecard.
    cache.clear()
    committees = Committee.objects.count()
    with django_assert_max_num_queries(30 + 12 * committees), time_machine.travel(TODAY):
        client.get(reverse("home"))


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_members_seat_is_recorded_in_the_committees_history():
    from tests.factories import make_user

    committee = make_committee(make_service("Seats"), name="Seats committee")
    member = make_user("seated", "member")
    assert not hasattr(member, "committees")  # seats are changed from the committee's side only
    committee.members.add(member)
    assert list(committee.history.first().members.values_list("user_id", flat=True)) == [member.pk]
