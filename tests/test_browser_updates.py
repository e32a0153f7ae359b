"""The quarterly update journey in a real browser: officer, approver, performance team."""

import pytest
from django.core.management import call_command

from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, ReviewState
from indicators.periods import Period
from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Q3 = Period.parse("Q3 2022/23")


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_update_return_fix_approve_and_lock(live_demo):
    with browser_page() as officer:
        sign_in(officer, live_demo, "officer", "officer-demo-2022")
        officer.get_by_role("link", name="My updates").click()
        assert "Quarter 3 2022/23" in officer.content()
        assert serious_accessibility_violations(officer) == []

        # An action update, submitted.
        officer.get_by_role("link", name="More looked after children and young people cared for in kinship").click()
        assert "Last approved update: Q2 2022/23" in officer.content()
        assert serious_accessibility_violations(officer) == []
        officer.get_by_label("Progress (%)").fill("52")
        officer.get_by_label("Update for this period").fill("Two foster carers approved at panel.")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "STRAT1.1 submitted for approval" in officer.content()

        # Recalled before anyone decides on it, changed and submitted again.
        officer.get_by_role("link", name="More looked after children and young people cared for in kinship").click()
        assert "waiting for a decision" in officer.content()
        officer.get_by_role("button", name="Recall to change it").click()
        assert "Recalled: it is a draft again" in officer.content()
        officer.get_by_label("Update for this period").fill(
            "Two foster carers approved at panel.\n\nNext:\n- preparation course in January\n- <5 households assessed"
        )
        officer.get_by_role("button", name="Submit for approval").click()
        assert "STRAT1.1 submitted for approval" in officer.content()

        # A red indicator value: the exception report is asked for before it can be submitted.
        officer.get_by_role("link", name="Looked after children cared for in kinship care").click()
        officer.get_by_label("Value", exact=True).fill("25")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "There is a problem" in officer.content()
        assert "Outwith tolerance" in officer.content()
        assert officer.get_by_label("Value", exact=True).input_value() == "25"  # kept
        assert serious_accessibility_violations(officer) == []
        officer.get_by_role("link", name="The value is outwith tolerance: fill in “How we are performing”").click()
        assert officer.evaluate("document.activeElement.id") == "id_performance"
        officer.get_by_label("How we are performing").fill("25% against 30%.")
        officer.get_by_label("Improvement actions").fill("Family options considered before every placement.")
        officer.get_by_label("Timescale").fill("By Q2 2023/24")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "CFSW-LAC01 submitted for approval" in officer.content()

        # A green indicator value.
        officer.get_by_role("link", name="Care experienced young people among open justice cases").click()
        officer.get_by_label("Value", exact=True).fill("9.5%")
        officer.get_by_role("button", name="Check the status").click()
        assert "On target" in officer.locator(".preview").inner_text()
        officer.get_by_role("button", name="Submit for approval").click()

        # The approver returns the action update and approves the values.
        approver = officer.other_user_page()
        sign_in(approver, live_demo, "approver", "approve-demo-2022")
        approver.get_by_role("link", name="Review").click()
        assert serious_accessibility_violations(approver) == []
        approver.get_by_label("Comment for the officer").first.fill("Please say how many enquiries there were.")
        approver.get_by_role("button", name="Return STRAT1.1").click()
        assert "STRAT1.1 Q3 2022/23 returned to the officer" in approver.content()
        approver.get_by_role("button", name="Approve CFSW-LAC01").click()
        approver.get_by_role("button", name="Approve CFSW-JUS01").click()

        # The officer sees it returned, fixes it and resubmits.
        officer.get_by_role("link", name="My updates").click()
        assert "Please say how many enquiries there were." in officer.content()
        officer.get_by_role("link", name="More looked after children and young people cared for in kinship").click()
        field = officer.get_by_label("Update for this period")
        assert field.input_value().endswith("- <5 households assessed")  # reopens exactly as typed
        field.fill("Two foster carers approved at panel; nine enquiries in the quarter.\n\n- <5 households assessed")
        officer.get_by_role("button", name="Submit for approval").click()

        approver.get_by_role("link", name="Review").click()
        approver.get_by_role("button", name="Approve STRAT1.1").click()

        # The performance team locks the period; the form then refuses edits.
        performance = officer.other_user_page()
        sign_in(performance, live_demo, "performance", "perf-demo-2022")
        performance.get_by_role("link", name="Reporting rounds").click()
        assert serious_accessibility_violations(performance) == []
        performance.get_by_role("link", name="Lock Q3 2022/23").click()
        assert "not approved yet" in performance.content()  # the demo's other items, not started
        assert serious_accessibility_violations(performance) == []
        performance.get_by_role("button", name="Lock Q3 2022/23").click()
        assert "check the list and confirm" in performance.content()  # the box was not ticked
        performance.get_by_label("I have checked this list").check()
        performance.get_by_role("button", name="Lock Q3 2022/23").click()
        assert "Q3 2022/23 is locked" in performance.content()

        officer.goto(f"{live_demo}/updates/{Q3.slug}/actions/{ActionUpdate.objects.get(period=Q3).action_id}/")
        assert "Q3 2022/23 was locked by the performance team" in officer.content()
        assert officer.get_by_role("button", name="Submit for approval").count() == 0

    update = ActionUpdate.objects.get(period=Q3)
    assert update.state == ReviewState.APPROVED and "nine enquiries" in update.narrative
    assert update.narrative.endswith("<ul><li>&lt;5 households assessed</li></ul>")
    assert set(IndicatorValue.objects.filter(period=Q3).values_list("state", flat=True)) == {ReviewState.APPROVED}
    assert ReportingRound.objects.get(period=Q3).is_locked
    reasons = [h.history_change_reason for h in update.history.order_by("history_date")]
    assert reasons[-3:] == ["Returned: Please say how many enquiries there were.", "Submitted for approval", "Approved"]
    assert "Recalled before review, to be changed" in reasons


def test_committee_report_pages_are_accessible(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "performance", "perf-demo-2022")
        page.get_by_role("link", name="Committee reports").click()
        assert serious_accessibility_violations(page) == []
        page.get_by_label("Title").fill("Quarter 2 performance")
        page.get_by_label("Committee").select_option(
            label="Education, Communities and Organisational Development Committee"
        )
        page.get_by_label("Meeting date").fill("2022-11-30")
        page.get_by_label("Reporting period").fill("Q2 2022/23")
        page.get_by_role("button", name="Save the report").click()
        page.get_by_role("link", name="Check what is outstanding, then issue").click()
        assert serious_accessibility_violations(page) == []  # the readiness check and its confirmation
        page.get_by_label("I confirm that").check()
        page.get_by_role("button", name="Issue to committee").click()
        assert "Issued to committee" in page.content()
        assert serious_accessibility_violations(page) == []


def test_risk_register_and_review_are_accessible(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "officer", "officer-demo-2022")
        page.goto(f"{live_demo}/risks/committee/ecod/")
        assert page.get_by_role("table", name="Number of risks by current likelihood and impact").count() == 1
        assert serious_accessibility_violations(page) == []
        page.get_by_role("link", name="Review CFSW-R01").click()
        assert "STRAT1.1" in page.content()  # a linked plan action
        assert serious_accessibility_violations(page) == []
