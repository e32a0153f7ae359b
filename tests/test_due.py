"""What is due from whom in a round (`indicators.due`): the one rule My updates, the reminders and
the lock warning share."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.due import NOT_STARTED, due_in_round, outstanding_by_person, periods_in_round
from indicators.models import ReviewState
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
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def people():
    return {name: make_user(name, email=f"{name}@example.org") for name in ("officer", "owner", "colleague")}


@pytest.mark.parametrize(
    ("setup", "due_from"),
    [
        ({"assigned_to": "officer"}, "officer"),
        ({"assigned_to": "officer", "owner": "owner"}, "officer"),  # the assignee, not the owner
        ({"owner": "owner"}, "owner"),  # nobody assigned: its owner
        ({}, None),  # nobody to ask
        ({"assigned_to": "officer", "plan_years": (2023, 2025)}, None),  # plan not started yet
        ({"assigned_to": "officer", "plan_years": (2019, 2021)}, None),  # plan over
        ({"assigned_to": "officer", "start_date": dt.date(2022, 10, 1)}, None),  # starts after the quarter
        ({"assigned_to": "officer", "start_date": dt.date(2022, 9, 30)}, "officer"),
        ({"assigned_to": "officer", "earlier": {"progress": 100}}, None),  # completed before the round
        ({"assigned_to": "officer", "earlier": {"progress": 20, "set_status": "cancelled"}}, None),  # cancelled
        ({"assigned_to": "officer", "earlier": {"progress": 100, "state": ReviewState.SUBMITTED}}, "officer"),
        ({"assigned_to": "officer", "earlier": {"progress": 90}}, "officer"),
        ({"assigned_to": "officer", "this_round": {"progress": 100}}, "officer"),  # finished in this round
    ],
)
def test_which_actions_are_due_from_whom(people, setup, due_from):
    first, last = setup.get("plan_years", (2020, 2022))
    plan = make_plan(make_service(), first_year=first, last_year=last)
    action = make_action(
        plan,
        code="A1",
        assigned_to=people.get(setup.get("assigned_to")),
        owner=people.get(setup.get("owner")),
        start_date=setup.get("start_date"),
    )
    if "earlier" in setup:
        extra = dict(setup["earlier"])
        make_update(action, "Q1 2022/23", extra.pop("progress"), **({"status_reason": "x"} | extra))
    if "this_round" in setup:
        make_update(action, "Q2 2022/23", setup["this_round"]["progress"])
    items = due_in_round(make_round("Q2 2022/23"))
    assert [(i.obj.code, i.person_id) for i in items] == ([("A1", people[due_from].id)] if due_from else [])


@pytest.mark.parametrize(
    ("frequency", "round_", "period"),
    [
        ("quarterly", "Q2 2022/23", "Q2 2022/23"),
        ("monthly", "Q2 2022/23", "Sep 2022"),
        ("half_yearly", "Q2 2022/23", "H1 2022/23"),
        ("half_yearly", "Q1 2022/23", None),
        ("annual", "Q2 2022/23", None),
        ("annual", "Q4 2022/23", "2022/23"),
    ],
)
def test_which_indicators_are_due_in_a_round(people, frequency, round_, period):
    make_indicator(code="PI1", owner=people["officer"], frequency=frequency)
    make_indicator(code="PI2", frequency=frequency)  # nobody owns it
    make_indicator(code="PI3", owner=people["officer"], frequency=frequency, active=False)
    old_plan = make_plan(first_year=2017, last_year=2017)
    make_indicator(code="PI4", owner=people["officer"], frequency=frequency, plan=old_plan)  # its plan is over
    make_indicator(code="PI5", owner=people["officer"], frequency=frequency, plan=make_plan(first_year=2022))
    items = due_in_round(make_round(round_))
    expected = [("PI1", str(Period.parse(period))), ("PI5", str(Period.parse(period)))] if period else []
    assert [(i.obj.code, str(i.period)) for i in items] == expected


@pytest.mark.parametrize("source", ["national", "lgbf"])
def test_a_measure_published_nationally_is_never_due_from_an_officer(people, source):
    """Its figure is published months after the round closes and comes in with the national data;
    asking an officer for it (My updates, reminders, the chase, the lock warning) would be noise."""
    make_indicator(code="LOCAL", owner=people["officer"], frequency="annual")
    make_indicator(code="NATIONAL", owner=people["officer"], frequency="annual", source=source)
    year_end = make_round("Q4 2022/23")
    assert [i.obj.code for i in due_in_round(year_end)] == ["LOCAL"]
    assert [i.obj.code for i in outstanding_by_person(year_end)[people["officer"].id]] == ["LOCAL"]


@pytest.mark.parametrize(
    ("state", "outstanding"),
    [
        (None, True),
        (ReviewState.DRAFT, True),
        (ReviewState.RETURNED, True),
        (ReviewState.SUBMITTED, False),
        (ReviewState.APPROVED, False),
    ],
)
def test_an_item_is_outstanding_until_it_is_handed_in(people, state, outstanding):
    action = make_action(make_plan(), code="A1", assigned_to=people["officer"])
    if state:
        make_update(action, "Q2 2022/23", 50, state=state)
    reporting_round = make_round("Q2 2022/23")
    [item] = due_in_round(reporting_round)
    assert item.state == (state or NOT_STARTED)
    assert item.outstanding is outstanding
    reminded = outstanding_by_person(reporting_round)
    assert [i.obj.code for i in reminded.get(people["officer"].id, [])] == (["A1"] if outstanding else [])


def test_one_persons_items_only(people):
    plan = make_plan()
    make_action(plan, code="MINE", assigned_to=people["officer"])
    make_action(plan, code="THEIRS", assigned_to=people["colleague"])
    make_indicator(code="PI-MINE", owner=people["officer"])
    items = due_in_round(make_round("Q2 2022/23"), [people["officer"].id])
    assert [i.obj.code for i in items] == ["MINE", "PI-MINE"]


def test_periods_in_a_round():
    assert [p.label for p in periods_in_round(Period.parse("Q4 2022/23"))] == [
        "Q4 2022/23",
        "Jan 2023",
        "Feb 2023",
        "Mar 2023",
        "H2 2022/23",
        "2022/23",
    ]


def test_due_in_round_uses_a_fixed_number_of_queries(people):
    plan = make_plan()
    reporting_round = make_round("Q2 2022/23")
    make_update(make_action(plan, assigned_to=people["officer"]), "Q1 2022/23", 10)
    make_indicator(owner=people["owner"])
    with CaptureQueriesContext(connection) as small:
        due_in_round(reporting_round)
    for i in range(10):
        action = make_action(plan, assigned_to=people["officer" if i % 2 else "colleague"])
        make_update(action, "Q1 2022/23", 100 if i % 3 == 0 else 50)
        make_update(action, "Q2 2022/23", 60, state=ReviewState.DRAFT)
        indicator = make_indicator(owner=people["owner"], frequency="monthly" if i % 2 else "quarterly")
        make_value(indicator, "Sep 2022" if i % 2 else "Q2 2022/23", 3, state=ReviewState.SUBMITTED)
    with CaptureQueriesContext(connection) as large:
        items = due_in_round(reporting_round)
    assert len(items) > 10
    assert len(small) == len(large) == 5


# My updates and the reminders say the same ------------------------------------------------------


def test_reminders_list_exactly_what_my_updates_shows_as_outstanding(client, people):
    officer = people["officer"]
    plan = make_plan(make_service(), first_year=2020, last_year=2022)
    make_action(plan, code="ASSIGNED", assigned_to=officer)
    make_action(plan, code="OWNED", owner=officer)  # not assigned to anyone: due from its owner
    make_action(plan, code="SOMEONE-ELSES", owner=officer, assigned_to=people["colleague"])
    make_update(make_action(plan, code="DONE", assigned_to=officer), "Q1 2022/23", 100)
    make_update(make_action(plan, code="HANDED-IN", assigned_to=officer), "Q2 2022/23", 40, state="submitted")
    make_update(make_action(plan, code="RETURNED", assigned_to=officer), "Q2 2022/23", 40, state="returned")
    make_update(make_action(plan, code="DRAFTED", assigned_to=officer), "Q2 2022/23", 40, state="draft")
    make_action(make_plan(first_year=2023, last_year=2025), code="LATER-PLAN", assigned_to=officer)
    make_indicator(code="PI-Q", owner=officer)
    make_indicator(code="PI-YEAR", owner=officer, frequency="annual")  # not measured at Q2
    make_value(make_indicator(code="PI-SENT", owner=officer), "Q2 2022/23", 4, state="submitted")
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))

    client.force_login(officer)
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        body = client.get(reverse("my_updates")).content.decode()
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    shown = dict(re.findall(r'<td class="code">([^<]+)</td>.*?<span class="state state-(\w+)"', body, re.S))
    outstanding_on_page = {code for code, state in shown.items() if state in ("not_started", "draft", "returned")}
    [reminder] = [m for m in mail.outbox if m.to == [officer.email]]
    reminded = set(re.findall(r"^- (\S+) ", reminder.body, re.M))
    assert outstanding_on_page == reminded == {"ASSIGNED", "OWNED", "RETURNED", "DRAFTED", "PI-Q"}
    assert set(shown) == reminded | {"HANDED-IN", "PI-SENT"}
    assert not [m for m in mail.outbox if m.to == [people["owner"].email]]


def test_approvers_hear_only_of_submissions_they_can_decide_on_now(people):
    from indicators.models import Role

    service = make_service()
    approver = make_user("approver", email="approver@example.org")
    Role.objects.create(user=approver, kind=Role.Kind.APPROVER, service=service)
    plan = make_plan(service)
    make_update(make_action(plan), "Q2 2022/23", 40, state=ReviewState.SUBMITTED)
    make_update(make_action(plan), "Q1 2022/23", 40, state=ReviewState.SUBMITTED)  # its round is locked
    make_value(make_indicator(service, frequency="monthly"), "Aug 2022", 3, state=ReviewState.SUBMITTED)
    make_round("Q1 2022/23", locked=True)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    with time_machine.travel(dt.datetime(2022, 10, 1, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    [reminder] = [m for m in mail.outbox if m.to == ["approver@example.org"]]
    assert "2 submitted updates are waiting" in reminder.body
