"""Quarterly, half-yearly and annual reporting rounds (`workflow.period_in_round`,
`workflow.entry_round_periods`): what each item reports in a round, which rounds an entry belongs
to, and the pages and checks that follow from them (forms, My updates, review, lock, imports)."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from indicators.due import due_in_round, periods_in_round, unfinished_in_round
from indicators.imports import ImportOptions, apply_import, plan_import
from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, ReviewState, Role
from indicators.periods import Frequency, Period
from indicators.workflow import (
    WorkflowError,
    editable,
    entry_closed_reason,
    entry_round_periods,
    is_round_period,
    lock_round,
    open_round,
    period_in_round,
    review_entry,
    save_entry,
    save_value,
)
from tests.factories import (
    make_action,
    make_indicator,
    make_performance_user,
    make_plan,
    make_round,
    make_service,
    make_user,
)

pytestmark = pytest.mark.django_db
P = Period.parse
H1 = P("H1 2022/23")


# The rule, table-tested -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("round_", "frequency", "reports"),
    [
        ("Q2 2022/23", Frequency.MONTHLY, "Sep 2022"),
        ("Q2 2022/23", Frequency.QUARTERLY, "Q2 2022/23"),
        ("Q2 2022/23", Frequency.HALF_YEARLY, "H1 2022/23"),
        ("Q2 2022/23", Frequency.ANNUAL, None),
        ("Q4 2022/23", Frequency.ANNUAL, "2022/23"),
        ("H1 2022/23", Frequency.MONTHLY, "Sep 2022"),
        ("H1 2022/23", Frequency.QUARTERLY, "Q2 2022/23"),  # the quarter ending with the half
        ("H1 2022/23", Frequency.HALF_YEARLY, "H1 2022/23"),
        ("H1 2022/23", Frequency.ANNUAL, None),  # local annual measures: not measured at a half year
        ("H2 2022/23", Frequency.QUARTERLY, "Q4 2022/23"),
        ("H2 2022/23", Frequency.ANNUAL, "2022/23"),
        ("2022/23", Frequency.MONTHLY, "Mar 2023"),
        ("2022/23", Frequency.QUARTERLY, "Q4 2022/23"),
        ("2022/23", Frequency.HALF_YEARLY, "H2 2022/23"),
        ("2022/23", Frequency.ANNUAL, "2022/23"),
    ],
)
def test_the_period_an_indicator_reports_in_a_round(round_, frequency, reports):
    found = period_in_round(P(round_), frequency)
    assert (found.label if found else None) == reports


@pytest.mark.parametrize("round_", ["Q3 2022/23", "H1 2022/23", "2022/23"])
def test_action_updates_are_made_for_the_rounds_own_period(round_):
    assert period_in_round(P(round_)) == P(round_)


@pytest.mark.parametrize(
    ("period", "rounds"),
    [
        ("Aug 2022", ["Q2 2022/23", "H1 2022/23", "2022/23"]),
        ("Q1 2022/23", ["Q1 2022/23", "H1 2022/23", "2022/23"]),
        ("H1 2022/23", ["Q2 2022/23", "H1 2022/23", "2022/23"]),
        ("2022/23", ["Q4 2022/23", "H2 2022/23", "2022/23"]),
    ],
)
def test_the_rounds_an_entry_belongs_to_contain_its_periods_end(period, rounds):
    assert [p.label for p in entry_round_periods(P(period))] == rounds


@pytest.mark.parametrize(("period", "allowed"), [("Q1 2022/23", True), ("H2 2022/23", True), ("2022/23", True)])
def test_rounds_are_quarters_halves_or_years(period, allowed):
    assert is_round_period(P(period)) is allowed
    assert not is_round_period(P("Sep 2022"))


def test_a_month_cannot_be_opened_as_a_round():
    with pytest.raises(WorkflowError, match="quarter, a half year or a year"):
        open_round(P("Sep 2022"), P("Q3 2022/23").end, None)


def test_periods_whose_entries_are_made_in_a_half_year_round():
    assert [p.label for p in periods_in_round(H1)] == [
        "H1 2022/23",
        *["Apr 2022", "May 2022", "Jun 2022", "Jul 2022", "Aug 2022", "Sep 2022"],
        "Q1 2022/23",
        "Q2 2022/23",
    ]


# A half-year round end to end (without a browser) ------------------------------------------------


@pytest.fixture
def council():
    service = make_service()
    officer = make_user("officer", Role.Kind.OFFICER, service)
    approver = make_user("approver", Role.Kind.APPROVER, service)
    plan = make_plan(service, first_year=2022, last_year=2024)
    action = make_action(plan, code="ACT1", assigned_to=officer)
    indicators = {
        frequency: make_indicator(
            service, plan=plan, code=f"PI-{frequency.name}", owner=officer, frequency=frequency.value
        )
        for frequency in Frequency
    }
    return {"officer": officer, "approver": approver, "plan": plan, "action": action, "indicators": indicators}


def test_a_half_year_round_asks_for_each_item_in_its_own_period(council):
    reporting_round = make_round("H1 2022/23")
    due = {(item.obj.code, item.period.label) for item in due_in_round(reporting_round)}
    assert due == {
        ("ACT1", "H1 2022/23"),
        ("PI-MONTHLY", "Sep 2022"),
        ("PI-QUARTERLY", "Q2 2022/23"),
        ("PI-HALF_YEARLY", "H1 2022/23"),
    }


def test_an_annual_round_asks_for_every_measure_at_the_year_end(council):
    due = {(item.obj.code, item.period.label) for item in due_in_round(make_round("2022/23"))}
    assert ("PI-ANNUAL", "2022/23") in due and ("PI-HALF_YEARLY", "H2 2022/23") in due
    assert ("PI-QUARTERLY", "Q4 2022/23") in due and ("ACT1", "2022/23") in due


def test_entries_in_a_half_year_round_are_saved_reviewed_and_locked(council):
    officer, approver = council["officer"], council["approver"]
    reporting_round = make_round("H1 2022/23")
    half, quarterly = council["indicators"][Frequency.HALF_YEARLY], council["indicators"][Frequency.QUARTERLY]
    assert editable(H1, None) == (True, "")
    value = save_value(half, H1, 0, {"value": Decimal(12)}, officer, submit=True)
    quarter_value = save_value(quarterly, P("Q2 2022/23"), 0, {"value": Decimal(7)}, officer, submit=True)
    update = save_entry(
        ActionUpdate, {"action": council["action"], "period": H1}, 0, {"progress": 50}, officer, submit=True
    )
    for entry in (value, quarter_value, update):
        review_entry(entry, entry.version, approver, approve=True)
    # The monthly item is due and not started: the lock lists it before it goes ahead.
    assert [e.code for e in unfinished_in_round(reporting_round)] == ["PI-MONTHLY"]
    with pytest.raises(WorkflowError, match="1 entry is not approved"):
        lock_round(reporting_round, make_performance_user(), acknowledged=0)
    lock_round(reporting_round, make_performance_user("lead"), acknowledged=1)
    assert "H1 2022/23 was locked" in entry_closed_reason(H1)
    # The figures went to committee: the quarterly value entered in H1's round is locked too.
    assert "H1 2022/23 was locked" in entry_closed_reason(P("Q2 2022/23"))
    with pytest.raises(WorkflowError, match="locked"):
        save_value(quarterly, P("Q2 2022/23"), quarter_value.version + 1, {"value": Decimal(8)}, officer, False)


def test_an_unopened_half_year_is_named_in_the_refusal(council):
    make_round("Q1 2022/23")
    half = council["indicators"][Frequency.HALF_YEARLY]
    with pytest.raises(WorkflowError, match="H1 2022/23 is not open for updates"):
        save_value(half, H1, 0, {"value": Decimal(1)}, council["officer"], submit=False)
    assert not IndicatorValue.objects.exists()


def test_a_locked_quarter_keeps_its_figures_when_a_half_year_round_is_open_too(council):
    make_round("Q2 2022/23", locked=True)
    make_round("H1 2022/23")
    assert "Q2 2022/23 was locked" in entry_closed_reason(P("Q2 2022/23"))
    assert "Q2 2022/23 was locked" in entry_closed_reason(H1)
    assert entry_closed_reason(P("Q1 2022/23")) == ""


# Pages ----------------------------------------------------------------------------------------


def test_the_forms_open_in_a_half_year_round(client, council):
    make_round("H1 2022/23")
    client.force_login(council["officer"])
    half = council["indicators"][Frequency.HALF_YEARLY]
    page = client.get(reverse("indicator_update", args=[H1.slug, half.pk]))
    assert page.status_code == 200 and "not open for updates" not in page.content.decode()
    page = client.get(reverse("action_update", args=[H1.slug, council["action"].pk]))
    assert page.status_code == 200 and "not open for updates" not in page.content.decode()
    response = client.post(
        reverse("action_update", args=[H1.slug, council["action"].pk]),
        {"version": 0, "progress": 30, "narrative": "Half way there.", "submit": "1"},
    )
    assert response.status_code == 302
    assert ActionUpdate.objects.get().state == ReviewState.SUBMITTED
    assert client.get(reverse("action_update", args=["2022-09", council["action"].pk])).status_code == 404


def test_my_updates_links_each_item_to_its_own_period(client, council):
    make_round("H1 2022/23")
    client.force_login(council["officer"])
    html = client.get(reverse("my_updates")).content.decode()
    quarterly = council["indicators"][Frequency.QUARTERLY]
    assert reverse("indicator_update", args=["2022-23-Q2", quarterly.pk]) in html
    assert reverse("action_update", args=[H1.slug, council["action"].pk]) in html
    assert str(council["indicators"][Frequency.ANNUAL].code) not in html


def test_the_rounds_page_refuses_a_month(client):
    client.force_login(make_performance_user())
    response = client.post(reverse("rounds"), {"period": "Sep 2022", "deadline": "2022-10-21"})
    assert "quarter, a half year or a year" in response.content.decode()
    assert not ReportingRound.objects.exists()


def test_an_import_into_a_locked_half_year_is_a_correction(council):
    make_round("H1 2022/23", locked=True)
    half = council["indicators"][Frequency.HALF_YEARLY]
    data = f"indicator_code,period,value\n{half.code},H1 2022/23,5\n".encode()
    plan = plan_import("values", data, "values.csv", ImportOptions(user=council["officer"]))
    assert plan.errors and "locked" in plan.errors[0].message
    team = make_performance_user()
    plan = plan_import("values", data, "values.csv", ImportOptions(user=team, correction_reason="Late figure"))
    assert not plan.errors, plan.errors
    apply_import(plan, team, "values.csv")
    assert IndicatorValue.objects.get().value == Decimal(5)


def test_reminders_in_a_half_year_round_name_each_item_due(council):
    from django.core import mail
    from django.core.management import call_command

    council["officer"].email = "officer@example.org"
    council["officer"].save()
    make_round("H1 2022/23", deadline=P("H1 2022/23").end)
    with time_machine.travel("2022-09-28"):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    [reminder] = mail.outbox
    assert reminder.subject == "Updates due for H1 2022/23"
    for code in ("ACT1", "PI-MONTHLY", "PI-QUARTERLY", "PI-HALF_YEARLY"):
        assert code in reminder.body
    assert "PI-ANNUAL" not in reminder.body


def test_bulk_entry_in_a_half_year_round_saves_each_measure_in_its_own_period(client, council):
    make_round("H1 2022/23")
    client.force_login(council["officer"])
    quarterly = council["indicators"][Frequency.QUARTERLY]
    url = reverse("bulk_values", args=[H1.slug])
    page = client.get(url).content.decode()
    assert "PI-QUARTERLY" in page and "PI-ANNUAL" not in page
    response = client.post(
        url, {f"i{quarterly.id}-value": "12", f"i{quarterly.id}-version": "0", "save_row": str(quarterly.id)}
    )
    assert response.status_code == 200
    assert IndicatorValue.objects.get(indicator=quarterly).period == P("Q2 2022/23")


def test_the_review_queue_offers_decisions_on_half_year_entries(client, council):
    make_round("H1 2022/23")
    half = council["indicators"][Frequency.HALF_YEARLY]
    save_value(half, H1, 0, {"value": Decimal(3)}, council["officer"], submit=True)
    client.force_login(council["approver"])
    page = client.get(reverse("review_queue")).content.decode()
    assert "Approve PI-HALF_YEARLY" in page and "not open for updates" not in page
