"""A round's progress for the performance team (issue 18, item 1): counts by state per service and
per person, the deadline, links to the lists, and "chase" sending the reminder now, recorded."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from indicators.models import Chase, ReviewState, Risk, RiskReview
from indicators.periods import Period
from indicators.reminders import chase
from indicators.round_progress import round_progress
from indicators.workflow import WorkflowError
from tests.factories import (
    make_action,
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
    officer = people["officer"]
    officer.first_name, officer.last_name, officer.email = "Kirsty", "Duncan", "kirsty@example.org"
    officer.save()
    second = make_user("second", "officer", service, first_name="Alan", email="alan@example.org")
    other_service = make_service("Housing")
    third = make_user("third", "officer", other_service, email="")  # no email address
    plan = make_plan(service, title="Service plan")
    housing_plan = make_plan(other_service, title="Housing plan")
    actions = [make_action(plan, code=f"A{i}", assigned_to=officer) for i in range(4)]
    second_action = make_action(plan, code="B1", assigned_to=second)
    housing_action = make_action(housing_plan, code="H1", assigned_to=third)
    indicator = make_indicator(service, plan=plan, code="KIN1", owner=officer)
    risk = Risk.objects.create(
        service=service, reference="R1", title="Placements", owner=second, likelihood=3, impact=3, target_score=6
    )
    reporting_round = make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    # A0 not started; A1 draft; A2 submitted; A3 returned; B1 approved; KIN1 submitted.
    make_update(actions[1], "Q2 2022/23", 40, state=ReviewState.DRAFT)
    make_update(actions[2], "Q2 2022/23", 50, state=ReviewState.SUBMITTED)
    make_update(actions[3], "Q2 2022/23", 60, state=ReviewState.RETURNED)
    make_update(second_action, "Q2 2022/23", 70)
    make_value(indicator, "Q2 2022/23", 12, state=ReviewState.SUBMITTED)
    RiskReview.objects.create(risk=risk, period=Q2, likelihood=2, impact=3, previous_score=9, state=ReviewState.DRAFT)
    return {
        **people,
        "second": second,
        "third": third,
        "service": service,
        "other_service": other_service,
        "round": reporting_round,
        "housing_action": housing_action,
    }


def test_counts_by_state_per_service_and_person(world):
    progress = round_progress(world["round"], dt.date(2022, 10, 18))
    assert progress.days_left == 3
    totals = progress.totals.kinds
    assert totals["action"].by_state == {
        "not_started": 2,  # A0 and the housing action
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "approved": 1,
    }
    assert totals["indicator"].by_state == {"submitted": 1}
    assert totals["risk"].by_state == {"draft": 1}
    assert progress.totals.outstanding == 5  # not started, draft, returned: actions 4, risk 1

    services = {row.name: row for row in progress.services}
    assert list(services) == ["Children's services", "Housing"]
    assert services["Housing"].kinds["action"].by_state == {"not_started": 1}
    assert services["Children's services"].kinds["action"].total == 5

    people = {row.name: row for row in progress.people}
    kirsty = people["Kirsty Duncan"]
    assert kirsty.kinds["action"].by_state == {"not_started": 1, "draft": 1, "submitted": 1, "returned": 1}
    assert kirsty.kinds["indicator"].by_state == {"submitted": 1}
    assert kirsty.outstanding == kirsty.chaseable == 3
    alan = people["Alan"]
    assert alan.kinds["risk"].by_state == {"draft": 1} and alan.outstanding == alan.chaseable == 1
    assert progress.people[0] is kirsty  # most still to hand in first


def test_counts_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(10):
        round_progress(world["round"], dt.date(2022, 10, 18))
    # More people, services and items: the same number.
    more = make_service("More")
    plan = make_plan(more)
    for i in range(6):
        person = make_user(f"extra{i}", "officer", more)
        make_update(make_action(plan, assigned_to=person), "Q2 2022/23", 10, state=ReviewState.DRAFT)
        make_value(make_indicator(more, owner=person), "Q2 2022/23", 3, state=ReviewState.SUBMITTED)
    with django_assert_num_queries(10):
        progress = round_progress(world["round"], dt.date(2022, 10, 18))
    assert progress.totals.kinds["indicator"].by_state["submitted"] == 7


def test_page_shows_counts_deadline_and_links(client, world, django_assert_max_num_queries):
    client.force_login(world["admin"])
    url = reverse("round_progress", args=[world["round"].pk])
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)), django_assert_max_num_queries(16):
        response = client.get(url)
    page = response.content.decode()
    assert "3 days left" in page
    assert "5 items not handed in yet" in page
    assert f"{reverse('review_queue')}?service={world['service'].pk}" in page
    assert f"{reverse('my_updates')}?person={world['officer'].pk}" in page
    assert f'name="person" value="{world["officer"].pk}"' in page
    assert f'name="person" value="{world["third"].pk}"' not in page  # no email address to send to
    assert "No email address" in page
    with time_machine.travel(dt.datetime(2022, 10, 25, 9, 0)):
        assert "4 days past the deadline" in client.get(url).content.decode()
    # The rounds page links to it.
    assert url in client.get(reverse("rounds")).content.decode()


def test_only_the_performance_team(client, world):
    for name in ("officer", "approver", "member"):
        client.force_login(world[name])
        assert client.get(reverse("round_progress", args=[world["round"].pk])).status_code == 403
        response = client.post(reverse("round_chase", args=[world["round"].pk]), {"person": world["officer"].pk})
        assert response.status_code == 403
        assert client.get(reverse("my_updates"), {"person": world["second"].pk}).status_code == 403
    assert not mail.outbox and not Chase.objects.exists()


def test_my_updates_of_someone_else_for_the_performance_team(client, world):
    client.force_login(world["admin"])
    page = client.get(reverse("my_updates"), {"person": world["officer"].pk}).content.decode()
    assert "Updates due from Kirsty Duncan" in page
    assert "A0" in page and "B1" not in page


def test_chase_sends_the_reminder_now_and_records_it(client, world):
    client.force_login(world["admin"])
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        response = client.post(
            reverse("round_chase", args=[world["round"].pk]),
            {"person": [world["officer"].pk, world["third"].pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "Reminder sent to 1 person: Kirsty Duncan." in page
    assert "1 person was not sent anything" in page  # no email address
    [message] = mail.outbox
    assert message.to == ["kirsty@example.org"] and message.subject == "Updates due for Q2 2022/23"
    assert "have not been submitted yet. They are due by 21 October 2022." in message.body
    assert "They are at http://testserver/\n" in message.body  # the home page: everything due from them
    for code, state in (("A0", "not started"), ("A1", "draft"), ("A3", "returned")):
        assert f"- {code} " in message.body and f"({state})" in message.body
    assert "A2" not in message.body and "KIN1" not in message.body  # submitted: not outstanding
    [record] = Chase.objects.all()
    assert (record.person, record.sent_by, record.items) == (world["officer"], world["admin"], 3)
    assert record.email == "kirsty@example.org" and record.reporting_round == world["round"]
    assert "Chased 18 Oct 2022 10:00 by admin" in page  # local time (BST)


def test_chase_uses_the_same_words_as_the_daily_reminder(world):
    from django.core.management import call_command

    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        daily = [m for m in mail.outbox if m.to == ["kirsty@example.org"]]
        mail.outbox.clear()
        chase(world["round"], {world["officer"].pk}, world["admin"])
    assert [(m.subject, m.body) for m in daily] == [(m.subject, m.body) for m in mail.outbox]


def test_nothing_to_chase_and_locked_rounds(client, world):
    client.force_login(world["admin"])
    response = client.post(reverse("round_chase", args=[world["round"].pk]), {}, follow=True)
    assert "Choose who to chase" in response.content.decode()
    # Alan has only a risk review outstanding: the reminder lists it (it once sent nothing).
    [alan] = chase(world["round"], {world["second"].pk}, world["admin"])
    assert alan.items == 1 and "- R1 Placements (risk review, draft)" in mail.outbox[0].body
    mail.outbox.clear()
    locked = make_round("Q1 2022/23", locked=True)
    with pytest.raises(WorkflowError, match="locked"):
        chase(locked, {world["officer"].pk}, world["admin"])
    assert not mail.outbox and Chase.objects.count() == 1


def test_a_mail_server_that_refuses_leaves_no_record(client, world, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("indicators.reminders.send_mass_mail", refuse)
    client.force_login(world["admin"])
    response = client.post(
        reverse("round_chase", args=[world["round"].pk]), {"person": world["officer"].pk}, follow=True
    )
    assert "could not be sent" in response.content.decode()
    assert not Chase.objects.exists()


def test_risk_reviews_are_asked_for_in_the_current_round_only(world):
    """Their page opens the current round: a later open round's chase does not ask for them."""
    from indicators.reminders import outstanding_reviews

    later = make_round("Q3 2022/23", deadline=dt.date(2023, 1, 20))
    assert outstanding_reviews(later) == {}
    assert [r.reference for r in outstanding_reviews(world["round"])[world["second"].pk]] == ["R1"]
