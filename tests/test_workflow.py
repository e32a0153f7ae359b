"""The workflow's own checks, called directly as well as through the pages: rounds open, the
exception-report rule, reviews of every kind, and which actions are finished."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from indicators.models import ActionUpdate, ExceptionReport, IndicatorValue, ReviewState, Risk, RiskReview, Role
from indicators.periods import Period
from indicators.status import IndicatorStatus, Rag
from indicators.workflow import (
    WorkflowError,
    current_round,
    editable,
    entry_round_periods,
    missing_exception_report,
    review_entry,
    save_entry,
    save_value,
)
from tests.factories import (
    make_action,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db

Q2 = Period.parse("Q2 2022/23")
REPORT = {"performance": "Below target.", "improvement_actions": "Assessments first.", "timescale": "Q4"}


@pytest.fixture
def world():
    service = make_service()
    officer = make_user("officer", Role.Kind.OFFICER, service)
    approver = make_user("approver", Role.Kind.APPROVER, service)
    plan = make_plan(service, first_year=2020, last_year=2022)
    action = make_action(plan, code="STRAT1.1", assigned_to=officer)
    red = make_indicator(service, plan=plan, code="KIN1", unit="%", decimal_places=1, owner=officer)
    make_target(red, "Q2 2022/23", 30, 2)
    return {"service": service, "officer": officer, "approver": approver, "plan": plan, "action": action, "red": red}


def save_action(world, period=Q2, submit=False):
    fields = {"progress": 40, "narrative": "<p>On track</p>"}
    return save_entry(ActionUpdate, {"action": world["action"], "period": period}, 0, fields, world["officer"], submit)


# Rounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "round_"),
    [
        ("Q2 2022/23", "Q2 2022/23"),
        ("Aug 2022", "Q2 2022/23"),
        ("Sep 2022", "Q2 2022/23"),
        ("H1 2022/23", "Q2 2022/23"),
        ("Oct 2022", "Q3 2022/23"),
        ("2022/23", "Q4 2022/23"),
    ],
)
def test_under_quarterly_rounds_an_entry_is_made_in_the_round_of_the_quarter_its_period_ends_in(period, round_):
    assert entry_round_periods(Period.parse(period))[0] == Period.parse(round_)


def test_save_entry_refuses_a_period_with_no_round_even_when_called_directly(world):
    with pytest.raises(WorkflowError, match="Q2 2022/23 is not open for updates"):
        save_action(world)
    assert not ActionUpdate.objects.exists()


def test_save_entry_refuses_a_locked_round_even_when_called_directly(world):
    make_round("Q2 2022/23", locked=True)
    with pytest.raises(WorkflowError, match="locked"):
        save_action(world, submit=True)
    with pytest.raises(WorkflowError, match="locked"):
        save_value(world["red"], Q2, 0, {"value": Decimal(31)}, world["officer"], submit=False)
    assert not ActionUpdate.objects.exists() and not IndicatorValue.objects.exists()


def test_save_entry_takes_a_monthly_value_in_its_quarters_round(world):
    make_round("Q2 2022/23")
    monthly = make_indicator(world["service"], code="MON1", frequency="monthly", owner=world["officer"])
    value = save_value(monthly, Period.parse("Aug 2022"), 0, {"value": Decimal(5)}, world["officer"], submit=False)
    assert value.state == ReviewState.DRAFT
    assert editable(Period.parse("Aug 2022"), value) == (True, "")
    with pytest.raises(WorkflowError, match="Q3 2022/23 is not open"):
        save_value(monthly, Period.parse("Oct 2022"), 0, {"value": Decimal(5)}, world["officer"], submit=False)


def test_submitted_entries_are_not_editable(world):
    make_round("Q2 2022/23")
    update = save_action(world, submit=True)
    can_edit, reason = editable(Q2, update)
    assert not can_edit and reason == (
        "This has been submitted and is waiting for a decision. Recall it if you need to change it."
    )


def test_the_current_round_is_the_open_one_due_soonest():
    with pytest.raises(WorkflowError):
        current_round()
    make_round("Q1 2022/23", deadline=dt.date(2022, 7, 21), locked=True)
    make_round("Q3 2022/23", deadline=dt.date(2023, 1, 21))
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    assert current_round().period == Q2


# Exception reports ----------------------------------------------------------------------------


def test_only_a_red_value_needs_the_exception_report_parts():
    red = IndicatorStatus(Rag.RED, "")
    assert missing_exception_report(red, {}) == ["performance", "improvement_actions", "timescale"]
    assert missing_exception_report(red, {**REPORT, "timescale": "  "}) == ["timescale"]
    assert missing_exception_report(red, REPORT) == []
    assert missing_exception_report(IndicatorStatus(Rag.AMBER, ""), {}) == []
    assert missing_exception_report(None, {}) == []


def test_a_red_value_cannot_be_submitted_without_its_exception_report_even_when_called_directly(world):
    make_round("Q2 2022/23")
    red, officer = world["red"], world["officer"]
    with pytest.raises(WorkflowError, match="exception report"):
        save_value(red, Q2, 0, {"value": Decimal(20)}, officer, submit=True)
    assert not IndicatorValue.objects.exists()

    draft = save_value(red, Q2, 0, {"value": Decimal(20)}, officer, submit=False)
    assert draft.state == ReviewState.DRAFT
    submitted = save_value(red, Q2, draft.version, {"value": Decimal(20)}, officer, True, exception_report=REPORT)
    assert submitted.state == ReviewState.SUBMITTED
    report = ExceptionReport.objects.get(indicator=red, period=Q2)
    assert (report.improvement_actions, report.author) == ("Assessments first.", officer)


# Review -----------------------------------------------------------------------------------------


def test_approving_a_risk_review_through_review_entry_updates_the_risk(world):
    make_round("Q2 2022/23")
    risk = Risk.objects.create(
        service=world["service"], reference="R1", title="Foster carers", likelihood=4, impact=4, target_score=8
    )
    review = RiskReview.objects.create(
        risk=risk, period=Q2, likelihood=3, impact=4, previous_score=16, latest_position="Two approved",
        state=ReviewState.SUBMITTED,
    )  # fmt: skip
    with pytest.raises(WorkflowError):
        review_entry(review, review.version, world["approver"], approve=False)  # returning needs a comment
    review_entry(review, review.version, world["approver"], approve=True)
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.latest_position) == (3, 4, "Two approved")
    assert risk.review_date == dt.date(2022, 12, 31)
    assert risk.history.first().history_user == world["approver"]


def test_returning_a_risk_review_leaves_the_risk_alone(world):
    make_round("Q2 2022/23")
    risk = Risk.objects.create(
        service=world["service"], reference="R1", title="Foster carers", likelihood=4, impact=4, target_score=8
    )
    review = RiskReview.objects.create(
        risk=risk, period=Q2, likelihood=1, impact=1, previous_score=16, latest_position="x",
        state=ReviewState.SUBMITTED,
    )  # fmt: skip
    review_entry(review, review.version, world["approver"], approve=False, comment="Too optimistic")
    risk.refresh_from_db()
    assert risk.score == 16


# Finished actions -------------------------------------------------------------------------------


def test_reminders_do_not_ask_about_completed_or_cancelled_actions(world):
    officer = world["officer"]
    officer.email = "officer@example.org"
    officer.save()
    done = make_action(world["plan"], code="DONE1", assigned_to=officer)
    make_update(done, "Q4 2021/22", 100)
    dropped = make_action(world["plan"], code="DROP1", assigned_to=officer)
    make_update(dropped, "Q1 2022/23", 20, set_status="cancelled", status_reason="Superseded")
    half = make_action(world["plan"], code="HALF1", assigned_to=officer)
    make_update(half, "Q1 2022/23", 50)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    [reminder] = [m for m in mail.outbox if m.to == ["officer@example.org"]]
    assert "STRAT1.1" in reminder.body and "HALF1" in reminder.body
    assert "DONE1" not in reminder.body and "DROP1" not in reminder.body


def test_an_action_completed_in_one_open_round_is_not_asked_for_in_the_next(client, world):
    officer = world["officer"]
    done = make_action(world["plan"], code="DONE1", assigned_to=officer)
    make_update(done, "Q2 2022/23", 100)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    make_round("Q3 2022/23", deadline=dt.date(2023, 1, 21))
    client.force_login(officer)
    body = client.get(reverse("my_updates")).content.decode()
    q2, q3 = body.index("Updates due for Q2 2022/23"), body.index("Updates due for Q3 2022/23")
    assert body.count("DONE1") == 1 and q2 < body.index("DONE1") < q3  # due in Q2 only
    assert body.count("STRAT1.1") == 2
