"""Officers' updates: forms, bad input, permissions, workflow, concurrency, locking, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import ActionUpdate, ExceptionReport, IndicatorValue, ReportingRound, ReviewState
from indicators.numbers import NumberError, parse_number
from indicators.periods import Period
from reports.scorecards.build import build_scorecard
from reports.scorecards.scope import plan_scope
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
Q2 = Period.parse("Q2 2022/23")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234", Decimal("1234")),
        ("41.8%", Decimal("41.8")),
        (" 12 ", Decimal("12")),
        ("1,234,567.5", Decimal("1234567.5")),
        ("-3.5", Decimal("-3.5")),
        ("\u22123.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_as_officers_type_them(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed", ["12,34", "lots", "1.2.3", "12%%", "1,2345", "£12"])
def test_numbers_that_are_not_numbers_say_so(typed):
    with pytest.raises(NumberError, match="is not a number"):
        parse_number(typed)


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, first_year=2020, last_year=2022)
    make_committee(service)
    action = make_action(plan, code="STRAT1.1", assigned_to=people["officer"], due_date=dt.date(2023, 3, 31))
    red_indicator = make_indicator(service, plan=plan, code="KIN1", unit="%", decimal_places=1, owner=people["officer"])
    make_target(red_indicator, "Q2 2022/23", 30, 2)
    make_value(red_indicator, "Q1 2022/23", 27)
    green_indicator = make_indicator(
        service, plan=plan, code="JUS1", unit="%", polarity="lower", owner=people["officer"]
    )
    make_target(green_indicator, "Q2 2022/23", 10, 1)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {
        "service": service,
        "plan": plan,
        "action": action,
        "red": red_indicator,
        "green": green_indicator,
        **people,
    }


def action_url(action, period=Q2):
    return reverse("action_update", args=[period.slug, action.pk])


def indicator_url(indicator, period=Q2):
    return reverse("indicator_update", args=[period.slug, indicator.pk])


def post_action(client, action, **data):
    fields = {"progress": "50", "narrative": "Moving on.", "version": "0"} | data
    return client.post(action_url(action), fields)


# Bad input keeps what was typed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"progress": "120"}, "progress", "Enter 100 or less."),
        ({"progress": "lots"}, "progress", "is not a number"),
        ({"progress": "45.5"}, "progress", "whole number"),
        ({"progress": ""}, "progress", "Enter the progress"),
        ({"narrative": "   "}, "narrative", "Write an update for this period."),
        ({"narrative": "\r\n \r\n\t"}, "narrative", "Write an update for this period."),
        ({"revised_due_date": "2019-06-30"}, "revised_due_date", "due date, 31 March 2023: give one only"),
        ({"revised_due_date": "2022-01-01"}, "revised_due_date", "give one only if the action will finish late"),
        ({"revised_due_date": "2026-04-01"}, "revised_due_date", "31 March 2026, 3 years after the plan ends"),
        ({"revised_due_date": "31/02/2023"}, "revised_due_date", "Enter a real date"),
        ({"cancel": "on"}, "cancel_reason", "Say why the action was cancelled."),
    ],
)
def test_action_form_errors_are_beside_the_field_and_keep_input(client, world, data, field, message):
    client.force_login(world["officer"])
    typed = {"narrative": "Recruitment events booked for autumn."} | data
    response = post_action(client, world["action"], **typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}-error"' in body
    assert 'href="#id_' + field + '"' in body  # the error summary links to the field
    if data.get("progress"):
        assert f'value="{data["progress"]}"' in body
    if "narrative" not in data:
        assert "Recruitment events booked for autumn." in body
    assert not ActionUpdate.objects.exists()


def test_an_action_due_at_its_plans_end_can_be_revised_to_run_past_it(client, world):
    """An officer reports that an action due on the plan's last day will finish after it."""
    client.force_login(world["officer"])
    post_action(
        client, world["action"], narrative="Slipped: the contract starts in June.", revised_due_date="2023-06-30"
    )
    assert ActionUpdate.objects.get(action=world["action"]).revised_due_date == dt.date(2023, 6, 30)


def test_the_admin_checks_a_revised_due_date_as_the_form_does(world):
    from django.core.exceptions import ValidationError

    update = ActionUpdate(action=world["action"], period=Q2, progress=10, revised_due_date=dt.date(2030, 1, 1))
    with pytest.raises(ValidationError, match="3 years after the plan ends"):
        update.clean()
    update.revised_due_date = dt.date(2023, 6, 30)
    update.clean()


def test_indicator_form_bad_numbers_keep_input(client, world):
    client.force_login(world["officer"])
    response = client.post(
        indicator_url(world["red"]), {"value": "2O.5", "commentary": "Typed with a letter O", "version": "0"}
    )
    body = response.content.decode()
    assert "is not a number" in body and 'value="2O.5"' in body and "Typed with a letter O" in body
    assert not IndicatorValue.objects.filter(period=Q2).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": ""}, "value", "Enter a value, or numerator and denominator"),
        ({"value": "", "numerator": "5"}, "denominator", "Enter the denominator too"),
        ({"value": "", "numerator": "5", "denominator": "0"}, "denominator", "cannot be zero"),
        ({"value": "", "not_available": "on"}, "not_available_reason", "Say why the value is not available."),
    ],
)
def test_indicator_form_validation(client, world, data, field, message):
    client.force_login(world["officer"])
    response = client.post(indicator_url(world["red"]), {"version": "0"} | data)
    body = response.content.decode()
    assert message in body and f'id="id_{field}-error"' in body


def test_numbers_typed_with_commas_and_percent_are_accepted(client, world):
    client.force_login(world["officer"])
    client.post(indicator_url(world["green"]), {"value": " 9.5% ", "version": "0", "save": "1"})
    assert IndicatorValue.objects.get(indicator=world["green"], period=Q2).value == Decimal("9.5")


def test_numerator_and_denominator_make_the_percentage(client, world):
    client.force_login(world["officer"])
    client.post(indicator_url(world["green"]), {"numerator": "42", "denominator": "424", "version": "0", "save": "1"})
    value = IndicatorValue.objects.get(indicator=world["green"], period=Q2)
    assert value.value == Decimal("9.91")
    assert (value.numerator, value.denominator) == (42, 424)


def test_check_shows_status_and_trends_without_saving(client, world):
    client.force_login(world["officer"])
    response = client.post(indicator_url(world["red"]), {"value": "26", "version": "0", "check": "1"})
    body = response.content.decode()
    assert "What this value will show" in body
    assert "Outwith tolerance" in body and "exception report is needed" in body
    assert "Sustained" in body  # 27 -> 26 is within the 5% "no significant change" band
    assert not IndicatorValue.objects.filter(period=Q2).exists()


def test_red_value_needs_an_exception_report_to_submit_but_not_to_save(client, world):
    client.force_login(world["officer"])
    url = indicator_url(world["red"])
    response = client.post(url, {"value": "20", "version": "0", "submit": "1"})
    assert "fill in “How we are performing” for its exception report" in response.content.decode()
    assert not IndicatorValue.objects.filter(period=Q2).exists()

    client.post(url, {"value": "20", "version": "0", "save": "1"})
    draft = IndicatorValue.objects.get(indicator=world["red"], period=Q2)
    assert draft.state == ReviewState.DRAFT

    report = {
        "performance": "Below target.",
        "improvement_actions": "Assessments first.",
        "timescale": "Q4",
        "resource_implications": "",
    }
    client.post(url, {"value": "20", "version": str(draft.version), "submit": "1"} | report)
    draft.refresh_from_db()
    assert draft.state == ReviewState.SUBMITTED
    assert ExceptionReport.objects.get(indicator=world["red"], period=Q2).improvement_actions == "Assessments first."


def test_narrative_is_plain_text_so_typed_markup_is_shown_never_run(client, world):
    client.force_login(world["officer"])
    narrative = (
        '<p onclick="steal()">Kept <b>bold</b> <a href="javascript:x()">link</a>'
        "<script>alert(1)</script></p><style>p{}</style>"
    )
    post_action(client, world["action"], narrative=narrative, save="1")
    update = ActionUpdate.objects.get()
    assert "<script" not in update.narrative and "<b>" not in update.narrative and "<a " not in update.narrative
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in update.narrative  # shown as the words typed
    assert update.narrative_text == narrative  # and reopens exactly as typed
    page = client.get(action_url(world["action"])).content.decode()
    assert "<script>alert(1)" not in page


# Permissions --------------------------------------------------------------------------------


def edit_requests(world) -> dict[str, tuple[str, str, dict]]:
    """Every URL that changes or reviews data, by name: (method, url, data)."""
    update = make_update(world["action"], "Q1 2022/23", 10, state=ReviewState.SUBMITTED)
    value = make_value(world["green"], "Q1 2022/23", 9, state=ReviewState.SUBMITTED)
    reporting_round = ReportingRound.objects.get()
    return {
        "open action form": ("get", action_url(world["action"]), {}),
        "save action update": (
            "post",
            action_url(world["action"]),
            {"progress": "5", "narrative": "x", "version": "0"},
        ),
        "open indicator form": ("get", indicator_url(world["red"]), {}),
        "save indicator value": ("post", indicator_url(world["red"]), {"value": "5", "version": "0"}),
        "save bulk values": ("post", reverse("bulk_values", args=[Q2.slug]), {"save_row": "all"}),
        "approve action update": (
            "post",
            reverse("review_update", args=[update.pk]),
            {"decision": "approve", "version": "1"},
        ),
        "approve indicator value": (
            "post",
            reverse("review_value", args=[value.pk]),
            {"decision": "approve", "version": "1"},
        ),
        "open review queue": ("get", reverse("review_queue"), {}),
        "open rounds": ("get", reverse("rounds"), {}),
        "open a round": ("post", reverse("rounds"), {"period": "Q3 2022/23", "deadline": "2023-01-20"}),
        "lock a round": ("post", reverse("lock_round", args=[reporting_round.pk]), {}),
        "reopen a round": ("post", reverse("reopen_round", args=[reporting_round.pk]), {"reason": "x"}),
    }


# What each persona gets from each request: its exact status code. 200 shows a page, 302 is
# "saved, on to the next page", 403 is refused. The bulk page shows itself again after saving.
EXPECTED_STATUS = {
    #                          officer approver admin member other_officer
    "open action form":        (200,   200,     200,  403,   403),
    "save action update":      (302,   302,     302,  403,   403),
    "open indicator form":     (200,   200,     200,  403,   403),
    "save indicator value":    (302,   302,     302,  403,   403),
    "save bulk values":        (200,   200,     200,  403,   200),
    "approve action update":   (403,   302,     302,  403,   403),
    "approve indicator value": (403,   302,     302,  403,   403),
    "open review queue":       (403,   200,     200,  403,   403),
    "open rounds":             (403,   403,     200,  403,   403),
    "open a round":            (403,   403,     302,  403,   403),
    "lock a round":            (403,   403,     302,  403,   403),
    "reopen a round":          (403,   403,     302,  403,   403),
}  # fmt: skip
PERSONAS = ("officer", "approver", "admin", "member", "other_officer")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_its_status_on_every_edit_url(client, world, persona):
    client.force_login(world[persona])
    got = {}
    for name, (method, url, data) in edit_requests(world).items():
        got[name] = getattr(client, method)(url, data).status_code
    expected = {name: statuses[PERSONAS.index(persona)] for name, statuses in EXPECTED_STATUS.items()}
    assert got == expected


def test_another_services_officer_saves_nothing_through_their_bulk_page(client, world):
    # Their own bulk page offers only their own indicators: posting another's row saves nothing.
    client.force_login(world["other_officer"])
    red = world["red"]
    response = client.post(
        reverse("bulk_values", args=[Q2.slug]),
        {f"i{red.id}-value": "1", f"i{red.id}-version": "0", "save_row": str(red.id)},
    )
    assert response.status_code == 200
    assert not ActionUpdate.objects.filter(period=Q2).exists()
    assert not IndicatorValue.objects.filter(period=Q2).exists()


def test_sign_in_is_required(client, world):
    for method, url, data in edit_requests(world).values():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


# Workflow -----------------------------------------------------------------------------------


def test_draft_submit_return_resubmit_approve(client, world):
    action, plan = world["action"], world["plan"]
    client.force_login(world["officer"])
    post_action(client, action, progress="40", narrative="First go", save="1")
    update = ActionUpdate.objects.get()
    assert update.state == ReviewState.DRAFT
    post_action(client, action, progress="45", narrative="Second go", version=str(update.version), submit="1")
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED and update.submitted_by == world["officer"]
    [row] = build_scorecard(plan_scope(plan), Q2).plans[0].sections[0].actions
    assert row.progress is None and row.update_period is None  # not approved: not shown

    client.force_login(world["approver"])
    response = client.post(
        reverse("review_update", args=[update.pk]), {"decision": "return", "version": str(update.version)}
    )
    update.refresh_from_db()
    assert update.state == ReviewState.SUBMITTED  # returning needs a comment
    client.post(
        reverse("review_update", args=[update.pk]),
        {"decision": "return", "version": str(update.version), "comment": "Say how many events were held."},
    )
    update.refresh_from_db()
    assert update.state == ReviewState.RETURNED

    client.force_login(world["officer"])
    response = client.get(reverse("my_updates"))
    body = response.content.decode()
    assert "Say how many events were held." in body and "Returned" in body
    post_action(client, action, progress="45", narrative="Eight events held", version=str(update.version), submit="1")

    client.force_login(world["approver"])
    update.refresh_from_db()
    client.post(reverse("review_update", args=[update.pk]), {"decision": "approve", "version": str(update.version)})
    update.refresh_from_db()
    assert update.state == ReviewState.APPROVED and update.reviewed_by == world["approver"]
    assert build_scorecard(plan_scope(plan), Q2).plans[0].progress == 45

    reasons = [h.history_change_reason for h in update.history.order_by("history_date")]
    assert reasons == [
        "Saved as a draft",
        "Submitted for approval",
        "Returned: Say how many events were held.",
        "Submitted for approval",
        "Approved",
    ]
    users = {h.history_user for h in update.history.all()}
    assert users == {world["officer"], world["approver"]}
    page = client.get(reverse("reports:action", args=[action.pk])).content.decode()
    assert "Returned: Say how many events were held." in page  # the timeline


def test_approved_and_submitted_updates_cannot_be_edited_by_the_officer(client, world):
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.SUBMITTED)
    client.force_login(world["officer"])
    assert "waiting for a decision" in client.get(action_url(world["action"])).content.decode()
    assert post_action(client, world["action"], version="1").status_code == 403


def test_two_people_editing_the_same_update_do_not_overwrite_each_other(client, world):
    action = world["action"]
    make_update(action, "Q2 2022/23", 40, narrative="<p>Original</p>", state=ReviewState.DRAFT)
    client.force_login(world["officer"])
    # Both open the form at version 1; the approver saves first.
    approver = client.__class__()
    approver.force_login(world["approver"])
    approver.post(action_url(action), {"progress": "50", "narrative": "Approver's words", "version": "1"})
    response = post_action(client, action, progress="45", narrative="Officer's words", version="1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "while you were editing" in body
    assert "Approver&#39;s words" in body or "Approver's words" in body  # the other version is shown
    assert "Officer&#x27;s words" in body  # and the user's input is kept
    assert ActionUpdate.objects.get().narrative == "<p>Approver's words</p>"
    assert 'name="version" value="2"' in body
    # Saving again, knowingly, goes through.
    post_action(client, action, progress="45", narrative="Merged words", version="2")
    assert ActionUpdate.objects.get().narrative == "<p>Merged words</p>"


def test_locked_period_refuses_edits_until_reopened_with_a_reason(client, world):
    reporting_round = ReportingRound.objects.get()
    client.force_login(world["admin"])
    client.post(reverse("lock_round", args=[reporting_round.pk]), {"confirm": "1", "acknowledged": "3"})
    reporting_round.refresh_from_db()
    assert reporting_round.is_locked

    client.force_login(world["officer"])
    assert "was locked by the performance team" in client.get(action_url(world["action"])).content.decode()
    assert post_action(client, world["action"]).status_code == 403

    client.force_login(world["admin"])
    refused = client.post(reverse("reopen_round", args=[reporting_round.pk]), {"reason": ""}).content.decode()
    reporting_round.refresh_from_db()
    assert reporting_round.is_locked  # a reason is required, asked for at its box
    assert f'<span class="error-message" id="reason-{reporting_round.pk}-error">' in refused
    assert "Say why the period is being reopened" in refused
    client.post(reverse("reopen_round", args=[reporting_round.pk]), {"reason": "Correction to KIN1"})
    reporting_round.refresh_from_db()
    assert not reporting_round.is_locked
    latest = reporting_round.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("Reopened: Correction to KIN1", world["admin"])
    assert "Reopened: Correction to KIN1" in client.get(reverse("rounds")).content.decode()


def test_opening_a_round_validates_the_period_and_deadline(client, world):
    client.force_login(world["admin"])
    response = client.post(reverse("rounds"), {"period": "Q9 2022/23", "deadline": "2023-01-20"})
    assert "there is no quarterly period 9" in response.content.decode()
    response = client.post(reverse("rounds"), {"period": "Q3 2022/23", "deadline": "2022-11-01"})
    assert "The deadline must be after the period ends" in response.content.decode()
    response = client.post(reverse("rounds"), {"period": "Q3 2022/23", "deadline": ""})
    assert "Enter the date by which updates are due." in response.content.decode()
    # A round no plan covers opens, with a warning that nothing is due in it.
    far = client.post(reverse("rounds"), {"period": "Q2 2030/31", "deadline": "2030-10-20"}, follow=True)
    assert "Q2 2030/31 is open for updates" in far.content.decode()
    assert "Nothing is due in Q2 2030/31: no plan running in 2030/31" in far.content.decode()
    client.post(reverse("rounds"), {"period": "Q3 2022/23", "deadline": "2023-01-20"})
    assert ReportingRound.objects.filter(period=Period.parse("Q3 2022/23")).exists()


# My updates and bulk entry --------------------------------------------------------------------


def test_my_updates_lists_what_is_due_late_and_returned_first(client, world):
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.RETURNED, review_comment="More detail")
    client.force_login(world["officer"])
    with time_machine.travel(dt.datetime(2022, 10, 25, 12, 0)):
        body = client.get(reverse("my_updates")).content.decode()
    assert "Due by <strong>21 October 2022</strong>" in body
    # returned first, then not started (by code)
    assert body.index("STRAT1.1") < body.index("JUS1") < body.index("KIN1")
    assert "More detail" in body and "Late" in body


def test_my_updates_uses_a_fixed_number_of_queries(client, world):
    client.force_login(world["officer"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("my_updates"))
    for i in range(8):
        action = make_action(world["plan"], assigned_to=world["officer"])
        make_update(action, "Q2 2022/23", 10, state=ReviewState.DRAFT)
        indicator = make_indicator(world["service"], owner=world["officer"], code=f"EXTRA{i}")
        make_value(indicator, "Q2 2022/23", 1, state=ReviewState.DRAFT)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("my_updates"))
    assert response.content.decode().count("<tr") > 10
    assert len(small) == len(large)


def test_bulk_entry_saves_one_row_and_keeps_the_others(client, world):
    client.force_login(world["officer"])
    url = reverse("bulk_values", args=[Q2.slug])
    red, green = world["red"], world["green"]
    data = {
        f"i{red.id}-value": "26",
        f"i{red.id}-commentary": "Kinship falling",
        f"i{red.id}-version": "0",
        f"i{green.id}-value": "9.9",
        f"i{green.id}-commentary": "Not saved yet",
        f"i{green.id}-version": "0",
        "save_row": str(red.id),
    }
    body = client.post(url, data).content.decode()
    assert IndicatorValue.objects.get(indicator=red, period=Q2).value == 26
    assert not IndicatorValue.objects.filter(indicator=green, period=Q2).exists()
    assert 'value="9.9"' in body and "Not saved yet" in body  # the other row keeps its input

    data[f"i{green.id}-value"] = "9,9x"
    data["save_row"] = "all"
    data[f"i{red.id}-version"] = "1"
    body = client.post(url, data).content.decode()
    assert "is not a number" in body and 'value="9,9x"' in body
    data[f"i{green.id}-value"] = "9.9"
    client.post(url, data)
    assert IndicatorValue.objects.get(indicator=green, period=Q2).value == Decimal("9.9")


# Reminders --------------------------------------------------------------------------------


def test_reminders_email_officers_and_approvers(world):
    for person in ("officer", "approver"):
        world[person].email = f"{person}@example.org"
        world[person].save()
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.SUBMITTED)
    with time_machine.travel(dt.datetime(2022, 10, 1, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mail.outbox] == [["approver@example.org"]]  # too early for officers
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    by_recipient = {m.to[0]: m for m in mail.outbox}
    officer_mail = by_recipient["officer@example.org"]
    assert "KIN1" in officer_mail.body and "JUS1" in officer_mail.body
    assert "STRAT1.1" not in officer_mail.body  # already submitted
    assert "1 submitted update is waiting" in by_recipient["approver@example.org"].body
    assert "They are at" not in officer_mail.body  # the site's address is not set


def test_reminders_say_a_missed_deadline_plainly_and_link_to_the_site(world, settings):
    settings.SITE_URL = "https://performance.example.gov.uk"
    for person in ("officer", "approver"):
        world[person].email = f"{person}@example.org"
        world[person].save()
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.SUBMITTED)
    with time_machine.travel(dt.datetime(2022, 10, 25, 9, 0)):  # after the deadline
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "have not been submitted yet. They were due by 21 October 2022: please send them as soon as you can."
        in by_recipient["officer@example.org"]
    )
    assert "They are at https://performance.example.gov.uk/\n" in by_recipient["officer@example.org"]
    assert "They are at https://performance.example.gov.uk/review/" in by_recipient["approver@example.org"]


def test_completed_and_cancelled_actions_are_not_asked_for_again(client, world):
    plan, officer = world["plan"], world["officer"]
    done = make_action(plan, code="DONE1", assigned_to=officer)
    make_update(done, "Q4 2021/22", 100)
    dropped = make_action(plan, code="DROP1", assigned_to=officer)
    make_update(dropped, "Q1 2022/23", 20, set_status="cancelled", status_reason="Superseded")
    client.force_login(officer)
    body = client.get(reverse("my_updates")).content.decode()
    assert "STRAT1.1" in body
    assert "DONE1" not in body and "DROP1" not in body
