"""Importing actions with their latest update."""

import datetime as dt

import pytest

from indicators.imports import apply_import, plan_import, template_csv
from indicators.models import Action, ActionUpdate, ReviewState, Role
from indicators.periods import Period
from tests.factories import make_action, make_plan, make_service, make_update, make_user

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")
HEADER = (
    "plan_code,action_code,title,group_code,priority,desired_outcome,start_date,due_date,owner,"
    "period,progress,update,status,revised_due_date\n"
)


@pytest.fixture
def plan():
    service = make_service()
    plan = make_plan(service, code="SP1")
    make_user("kirsty", Role.Kind.OFFICER, service, email="kirsty.duncan@example.gov.uk")
    group = make_action(plan, code="STRAT1", title="Strategic group")
    make_action(plan, code="STRAT1.1", title="Existing action", parent=group)
    return plan


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("NOPE,A1,Title,,,,,,,,,,,", "plan_code", 'There is no plan with the code "NOPE"'),
        (",A1,Title,,,,,,,,,,,", "plan_code", "The plan code is missing"),
        ("SP1,,Title,,,,,,,,,,,", "action_code", "The action code is missing"),
        ("SP1,NEW9,,,,,,,,,,,,", "title", "NEW9 is a new action, so it needs a title"),
        ("SP1,NEW9,T,NOGROUP,,,,,,,,,,", "group_code", "NOGROUP is not an action of SP1"),
        ("SP1,NEW9,T,,high,,,,,,,,,", "priority", "from 1 (highest) to 9"),
        ("SP1,NEW9,T,,,,,soon,,,,,,", "due_date", '"soon" is not a date'),
        ("SP1,NEW9,T,,,,01/04/2023,31/03/2023,,,,,,", "due_date", "before the start date"),
        ("SP1,NEW9,T,,,,,,nobody,,,,,", "owner", 'No active user has the username or email "nobody"'),
        ("SP1,NEW9,T,,,,,,,Q5 2022/23,,,,", "period", "no quarterly period 5"),
        ("SP1,NEW9,T,,,,,,,,50,,,", "period", "Say which period the update is for"),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,150,,,", "progress", "from 0 to 100"),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,50,,Overdue,", "status", 'Write "Cancelled" or leave it empty'),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,50,,Cancelled,", "update", "why the action is cancelled"),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,50,,,someday", "revised_due_date", '"someday" is not a date'),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,50,,,31/03/2019", "revised_due_date", "between the plan's start, 1 April 2020"),
        ("SP1,NEW9,T,,,,,,,Q2 2022/23,50,,,01/04/2026", "revised_due_date", "3 years after the plan ends"),
        ("SP1,NEW9,T,,,,,31/03/2023,,Q2 2022/23,50,,,01/01/2023", "revised_due_date", "after the action's due date"),
        ("SP1,STRAT1,,,,,,,,Q2 2022/23,50,,,", "progress", "STRAT1 is an action group"),
        ("SP1,NEW9,T,,,,,,,Q1 2030/31,50,,,", "period", "Q1 2030/31 has not begun yet"),
    ],
)
def test_each_error_names_row_and_column(plan, row, column, message):
    result = plan_import("actions", (HEADER + row).encode(), "actions.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, column)], result.errors
    assert message in result.errors[0].message
    assert not result.new and not result.changed


def test_duplicate_actions_and_pending_updates_are_refused(plan):
    existing = Action.objects.get(code="STRAT1.1")
    make_update(existing, "Q2 2022/23", 30, state=ReviewState.SUBMITTED)
    rows = "SP1,STRAT1.1,,,,,,,,Q2 2022/23,50,Done,,\nSP1,STRAT1.1,,,,,,,,,,,,\n"
    result = plan_import("actions", (HEADER + rows).encode(), "actions.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "period"), (3, "action_code")]
    assert "The update of STRAT1.1 for Q2 2022/23 is submitted by" in result.errors[0].message
    assert "already in row 2" in result.errors[1].message


def test_new_group_and_actions_with_updates_then_reimport_changes_nothing(plan):
    admin = make_user("perf", Role.Kind.PERFORMANCE)
    rows = (
        "SP1,STRAT2,Second group,,1,,,31/03/2023,,,,,,\n"
        'SP1,STRAT2.1,New action,STRAT2,2,"More children, closer to home",2022-04-01,31 Mar 2023,'
        "kirsty.duncan@example.gov.uk,Q2 2022/23,40%,<p>Scoping done.<script>x</script></p>,,\n"
        "SP1,STRAT1.1,Existing action renamed,,,,,,kirsty,Q2 2022/23,100,Complete.,,\n"
    )
    content = (HEADER + rows).encode()
    result = plan_import("actions", content, "actions.csv")
    assert result.valid, result.errors
    assert (len(result.new), len(result.changed)) == (4, 1)  # 2 actions + 2 updates new; 1 action changed
    assert result.new_labels == [
        "New action STRAT2: Second group",
        "New action STRAT2.1: New action",
        "New update for STRAT2.1, Q2 2022/23, 40%",
        "New update for STRAT1.1, Q2 2022/23, 100%",
    ]
    assert not Action.objects.filter(code="STRAT2").exists()  # nothing before confirmation

    assert apply_import(result, admin, "actions.csv") == (4, 1)
    new = Action.objects.get(code="STRAT2.1")
    assert new.parent.code == "STRAT2" and new.owner.username == "kirsty" and new.priority == 2
    assert (new.start_date, new.due_date) == (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    update = new.updates.get(period=Q2)
    assert (update.progress, update.state, update.narrative) == (40, ReviewState.APPROVED, "<p>Scoping done.</p>")
    assert update.history.first().history_user == admin
    renamed = Action.objects.get(code="STRAT1.1")
    assert renamed.title == "Existing action renamed" and renamed.history.first().history_change_reason == (
        "Imported from actions.csv"
    )

    again = plan_import("actions", content, "actions.csv")
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 5)


def test_cancelling_through_the_import_keeps_the_reason(plan):
    rows = "SP1,STRAT1.1,,,,,,,,Q2 2022/23,,Replaced by the new kinship service.,Cancelled,\n"
    result = plan_import("actions", (HEADER + rows).encode(), "actions.csv")
    apply_import(result, None, "actions.csv")
    update = ActionUpdate.objects.get(action__code="STRAT1.1", period=Q2)
    assert update.set_status == "cancelled" and update.status_reason == "Replaced by the new kinship service."


def test_template_has_every_column():
    # HEADER (the files these tests import) leaves out the plan structure columns, which are optional.
    assert template_csv("actions").splitlines()[0] == HEADER.strip().replace("group_code,", "group_code,outcome,order,")
