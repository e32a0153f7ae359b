"""Imports that carry a plan's structure: indicator definitions with owner, section (outcome) and
order; actions with section and order; the preview naming what is new and changed and warning
when a frequency change leaves figures unread; scorecards ordered by section, order and code."""

import io

import openpyxl
import pytest
from django.urls import reverse

from indicators.imports import apply_import, plan_import, template_csv, template_xlsx
from indicators.models import Action, Indicator, Outcome
from indicators.periods import Period
from reports.scorecards.build import build_scorecard
from reports.scorecards.scope import plan_scope
from tests.factories import (
    make_action,
    make_indicator,
    make_performance_user,
    make_plan,
    make_service,
    make_target,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

DEFINITIONS = "code,title,service,plan_code,owner,outcome,order,frequency\n"
ACTIONS = "plan_code,action_code,title,outcome,order\n"


@pytest.fixture
def council():
    service = make_service("Housing")
    plan = make_plan(service, code="HBP", title="Housing business plan", first_year=2022, last_year=2024)
    existing = Outcome.objects.create(plan=plan, title="Homes people can afford", order=0)
    return {
        "service": service,
        "plan": plan,
        "existing": existing,
        "officer": make_user("kduncan", email="Kirsty.Duncan@example.org"),
        "other": make_user("areid", email="alan.reid@example.org"),
        "team": make_performance_user(),
    }


def imported(kind: str, text: str, user):
    plan = plan_import(kind, text.encode(), f"{kind}.csv")
    assert plan.valid, plan.errors
    apply_import(plan, user, f"{kind}.csv")
    return plan


def test_definitions_set_owner_section_and_order_creating_new_sections(council):
    plan = imported(
        "indicators",
        DEFINITIONS
        + "HB-3,Homes re-let,Housing,HBP,kduncan,Homes people can afford,2,quarterly\n"
        + "HB-1,Arrears,Housing,HBP,KIRSTY.DUNCAN@example.org,Tenants who can pay their way,1,quarterly\n"
        + "HB-2,Evictions,Housing,HBP,areid,tenants who can pay THEIR way,1,annual\n",
        council["team"],
    )
    assert plan.new_labels == [
        "New indicator HB-3: Homes re-let",
        "New section in HBP: Tenants who can pay their way",
        "New indicator HB-1: Arrears",
        "New indicator HB-2: Evictions",
    ]
    new_section = Outcome.objects.get(title="Tenants who can pay their way")
    assert new_section.plan == council["plan"] and new_section.order == 1  # after the plan's own
    assert new_section.history.first().history_change_reason == "Imported from indicators.csv"
    rows = {i.code: (i.owner.username, i.outcome.title, i.order) for i in Indicator.objects.all()}
    assert rows == {
        "HB-3": ("kduncan", "Homes people can afford", 2),
        "HB-1": ("kduncan", "Tenants who can pay their way", 1),
        "HB-2": ("areid", "Tenants who can pay their way", 1),
    }


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("HB-1,Arrears,Housing,HBP,nobody,,,", "owner", 'No active user has the username or email "nobody"'),
        ("HB-1,Arrears,Housing,,,A section,,", "outcome", "A section belongs to a plan: give the plan_code too"),
        ("HB-1,Arrears,Housing,HBP,,,first,", "order", "Write a whole number (0 or more)"),
        ("HB-1,Arrears,Housing,HBP,,,-1,", "order", "Write a whole number (0 or more)"),
        ("HB-1,Arrears,Housing,HBP,,x" + "y" * 300 + ",,", "outcome", "at most 300 fit"),
    ],
)
def test_definitions_refuse_what_cannot_be_placed(council, row, column, message):
    plan = plan_import("indicators", (DEFINITIONS + row + "\n").encode(), "defs.csv")
    assert [(e.row, e.column) for e in plan.errors] == [(2, column)]
    assert message in plan.errors[0].message
    assert not plan.new and not plan.new_sections and not plan.new_labels


def test_an_empty_cell_keeps_the_owner_section_and_order(council):
    indicator = make_indicator(
        council["service"], plan=council["plan"], code="HB-1", title="Arrears", owner=council["officer"],
        outcome=council["existing"], order=5,
    )  # fmt: skip
    plan = plan_import("indicators", (DEFINITIONS + "HB-1,Arrears,Housing,HBP,,,,\n").encode(), "d.csv")
    assert plan.unchanged == 1 and not plan.changes
    indicator.refresh_from_db()
    assert (indicator.owner, indicator.outcome, indicator.order) == (council["officer"], council["existing"], 5)


def test_moving_to_another_plan_leaves_the_old_plans_section(council):
    other = make_plan(council["service"], code="OTHER", first_year=2022, last_year=2024)
    indicator = make_indicator(council["service"], plan=council["plan"], code="HB-1", outcome=council["existing"])
    imported("indicators", DEFINITIONS + f"HB-1,{indicator.title},Housing,OTHER,,,,\n", council["team"])
    indicator.refresh_from_db()
    assert indicator.plan == other and indicator.outcome is None


def test_the_preview_names_each_changed_indicator(client, council):
    make_indicator(council["service"], plan=council["plan"], code="HB-1", title="Arrears", owner=council["officer"])
    make_indicator(council["service"], plan=council["plan"], code="HB-2", title="Evictions")
    content = (
        DEFINITIONS
        + "HB-1,Arrears,Housing,HBP,areid,Homes people can afford,3,quarterly\n"
        + "HB-2,Evictions,Housing,HBP,,,,quarterly\n"
        + "HB-9,Voids,Housing,HBP,,,,quarterly\n"
    )
    plan = plan_import("indicators", content.encode(), "defs.csv")
    assert plan.changed_labels == ["HB-1 Arrears: owner, outcome, order changed"]
    assert plan.new_labels == ["New indicator HB-9: Voids"] and plan.unchanged == 1
    client.force_login(council["team"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        reverse("imports"),
        {"kind": "indicators", "file": SimpleUploadedFile("defs.csv", content.encode(), "text/csv")},
        follow=True,
    ).content.decode()
    assert "Changed HB-1 Arrears: owner, outcome, order changed" in page
    assert "New indicator HB-9: Voids" in page


def test_a_frequency_change_that_would_orphan_figures_is_warned_about(council):
    indicator = make_indicator(council["service"], plan=council["plan"], code="HB-1", title="Arrears")
    for quarter in ("Q1 2022/23", "Q2 2022/23", "Q3 2022/23"):
        make_value(indicator, quarter, 4)
    make_target(indicator, "Q2 2022/23", 5)
    make_target(indicator, "2022/23", 5)  # a year's target still applies to half years: not warned about
    unused = make_indicator(council["service"], code="HB-2", title="Voids")
    content = DEFINITIONS + "HB-1,Arrears,Housing,HBP,,,,half_yearly\nHB-2,Voids,Housing,,,,,annual\n"
    plan = plan_import("indicators", content.encode(), "defs.csv")
    assert plan.valid
    [warning] = plan.warnings
    assert (warning.row, warning.column) == (2, "frequency")
    assert warning.message.startswith(
        "HB-1 changes from quarterly to half-yearly: its 3 values (Q1 2022/23 to Q3 2022/23) and 1 target "
        "(Q2 2022/23) would no longer be shown"
    )
    assert unused.code not in warning.message
    apply_import(plan, council["team"], "defs.csv")  # a warning, not an error: it can still be imported
    indicator.refresh_from_db()
    assert indicator.frequency == "half_yearly"


def test_actions_take_a_section_and_an_order(council):
    make_action(council["plan"], code="A2", title="Build homes", outcome=council["existing"], order=7)
    plan = imported(
        "actions",
        ACTIONS + "HBP,A1,Advice service,Tenants who can pay their way,2\nHBP,A2,,,1\nHBP,A3,Repairs,,\n",
        council["team"],
    )
    assert "New section in HBP: Tenants who can pay their way" in plan.new_labels
    found = {a.code: (a.outcome.title if a.outcome else None, a.order) for a in Action.objects.all()}
    assert found == {
        "A1": ("Tenants who can pay their way", 2),
        "A2": ("Homes people can afford", 1),  # an empty section keeps the current one
        "A3": (None, 0),
    }


def test_scorecards_order_by_section_then_order_then_code(council):
    imported(
        "indicators",
        DEFINITIONS
        + "HB-A,Alpha,Housing,HBP,,Second section,1,\n"
        + "HB-B,Beta,Housing,HBP,,Homes people can afford,2,\n"
        + "HB-C,Gamma,Housing,HBP,,Homes people can afford,1,\n"
        + "HB-D,Delta,Housing,HBP,,Homes people can afford,1,\n",
        council["team"],
    )
    imported(
        "actions", ACTIONS + "HBP,Z1,Zed,Second section,0\nHBP,B9,Bee,Homes people can afford,3\n", council["team"]
    )
    card = build_scorecard(plan_scope(council["plan"]), Period.parse("Q2 2022/23"))
    [block] = card.plans
    assert [(s.title, [r.code for r in s.actions], [r.code for r in s.indicators]) for s in block.sections] == [
        ("Homes people can afford", ["B9"], ["HB-C", "HB-D", "HB-B"]),
        ("Second section", ["Z1"], ["HB-A"]),
    ]


@pytest.mark.parametrize(
    ("kind", "columns"), [("indicators", ["owner", "outcome", "order"]), ("actions", ["outcome", "order"])]
)
def test_templates_include_the_structure_columns_with_their_explanation(kind, columns):
    header = template_csv(kind).splitlines()[0].split(",")
    assert all(column in header for column in columns)
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    sheet = book.worksheets[0]
    assert all(column in [c.value for c in sheet[1]] for column in columns)
    explained = {row[0]: row[2] for row in book["About the columns"].iter_rows(min_row=2, values_only=True)}
    assert "section" in explained["outcome"] and "order" in explained["order"]
    if kind == "indicators":
        assert "username or email" in explained["owner"]
