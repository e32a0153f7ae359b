"""A half-year reporting round in a real browser: the performance team opens H1, the officer
enters a half-yearly value, a quarterly value (its quarter within the half) and an action update,
the approver approves them, the performance team locks H1 and the scorecard at H1 shows them."""

import os
from pathlib import Path

import pytest

from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, ReviewState, Role
from indicators.periods import Period
from tests.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import (
    PASSWORD,
    make_action,
    make_indicator,
    make_performance_user,
    make_plan,
    make_service,
    make_target,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
H1 = Period.parse("H1 2022/23")
Q2 = Period.parse("Q2 2022/23")
# Set PERFDASH_SCREENSHOTS to a folder to keep pictures of the pages as the test sees them.
SHOTS = os.environ.get("PERFDASH_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def half_year_council(live_server):
    service = make_service("Housing")
    make_user("officer", Role.Kind.OFFICER, service, first_name="Kirsty", last_name="Duncan")
    make_user("approver", Role.Kind.APPROVER, service, first_name="Alan", last_name="Reid")
    make_performance_user("performance")
    officer = service.roles.get(kind=Role.Kind.OFFICER).user
    plan = make_plan(service, first_year=2022, last_year=2024, title="Housing business plan")
    make_action(plan, code="HB1", title="Open the new homeless assessment hub", assigned_to=officer)
    half = make_indicator(
        service, plan=plan, code="HB-RELET", title="Average days to re-let homes", unit="days",
        polarity="lower", frequency="half_yearly", owner=officer,
    )  # fmt: skip
    make_target(half, "H1 2022/23", 30, 5)
    quarterly = make_indicator(
        service, plan=plan, code="HB-ARREARS", title="Rent arrears as a % of rent due", unit="%",
        decimal_places=1, polarity="lower", frequency="quarterly", owner=officer,
    )  # fmt: skip
    make_target(quarterly, "Q2 2022/23", 5, 1)
    make_indicator(service, plan=plan, code="HB-SURVEY", title="Tenants satisfied", frequency="annual", owner=officer)
    return live_server.url


def test_a_half_year_round_from_opening_to_the_scorecard(half_year_council):
    base = half_year_council
    with browser_page() as performance:
        sign_in(performance, base, "performance", PASSWORD)
        performance.get_by_role("link", name="Reporting rounds").click()
        performance.get_by_label("Period", exact=True).fill("H1 2022/23")
        performance.get_by_label("Deadline for updates").fill("2022-10-21")
        performance.get_by_role("button", name="Open for updates").click()
        assert performance.get_by_role("link", name="Lock H1 2022/23…").count() == 1

        officer = performance.other_user_page()
        sign_in(officer, base, "officer", PASSWORD)
        officer.get_by_role("link", name="My updates").click()
        content = officer.content()
        assert "HB-RELET" in content and "HB-ARREARS" in content
        assert "HB-SURVEY" not in content  # an annual measure is not asked for at a half year
        assert serious_accessibility_violations(officer) == []

        # The half-yearly value.
        officer.get_by_role("link", name="Average days to re-let homes").click()
        assert "not open for updates" not in officer.content()
        assert "Half year 1 2022/23" in officer.content()
        assert serious_accessibility_violations(officer) == []
        shot(officer, "half-year-update-form")
        officer.get_by_label("Value", exact=True).fill("27")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "HB-RELET submitted for approval" in officer.content()

        # The quarterly value: its quarter within the half, Q2.
        officer.get_by_role("link", name="Rent arrears as a % of rent due").click()
        assert "Quarter 2 2022/23" in officer.content()
        officer.get_by_label("Value", exact=True).fill("4.6%")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "HB-ARREARS submitted for approval" in officer.content()

        # The action update for the half year.
        officer.get_by_role("link", name="Open the new homeless assessment hub").click()
        assert "Half year 1 2022/23" in officer.content()
        assert serious_accessibility_violations(officer) == []
        officer.get_by_label("Progress (%)").fill("60")
        officer.get_by_label("Update for this period").fill("Hub staff recruited; building works on schedule.")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "HB1 submitted for approval" in officer.content()

        approver = performance.other_user_page()
        sign_in(approver, base, "approver", PASSWORD)
        approver.get_by_role("link", name="Review").click()
        assert serious_accessibility_violations(approver) == []
        for code in ("HB1", "HB-RELET", "HB-ARREARS"):
            approver.get_by_role("button", name=f"Approve {code}").click()
            assert "not open for updates" not in approver.content()

        performance.get_by_role("link", name="Reporting rounds").click()
        performance.get_by_role("link", name="Lock H1 2022/23…").click()
        assert serious_accessibility_violations(performance) == []
        assert "Every entry in H1 2022/23 has been approved" in performance.content()
        performance.get_by_role("button", name="Lock H1 2022/23").click()
        assert "H1 2022/23 is locked" in performance.content()

        officer.goto(f"{base}/updates/{H1.slug}/actions/{ActionUpdate.objects.get().action_id}/")
        assert "H1 2022/23 was locked by the performance team" in officer.content()
        assert officer.get_by_role("button", name="Submit for approval").count() == 0

        plan_id = ActionUpdate.objects.get().action.plan_id
        performance.goto(f"{base}/scorecards/plan/{plan_id}/?period={H1.slug}")
        table = performance.content()
        assert "27" in table and "4.6%" in table and "60%" in table
        assert "Hub staff recruited" in table
        assert serious_accessibility_violations(performance) == []
        shot(performance, "half-year-scorecard")

    assert ReportingRound.objects.get(period=H1).is_locked
    assert set(IndicatorValue.objects.values_list("period", "state")) == {
        (H1, ReviewState.APPROVED),
        (Q2, ReviewState.APPROVED),
    }
    assert ActionUpdate.objects.get().period == H1
