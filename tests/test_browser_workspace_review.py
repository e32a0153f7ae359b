"""The performance team's round progress with a chase, and an approver approving several entries
together, in a real browser (issue 18, items 1 and 2).

Set PERFDASH_SCREENSHOTS to a folder to keep screenshots of both pages at 1280 and 390 px wide.
"""

import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from indicators.models import ActionUpdate, Chase, IndicatorValue, ReviewState
from indicators.periods import Period
from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Q3 = Period.parse("Q3 2022/23")


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def _screenshots(page, name: str) -> None:
    folder = os.environ.get("PERFDASH_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_round_progress_and_a_chase(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "performance", "perf-demo-2022")
        page.get_by_role("link", name="Reporting rounds").click()
        page.get_by_role("link", name="Progress of Q3 2022/23").click()
        assert page.get_by_role("heading", name="Progress of Q3 2022/23").is_visible()
        assert "days past the deadline" in page.content()  # the demo's deadline is long gone
        assert serious_accessibility_violations(page) == []
        services = page.get_by_role("region", name="By service")
        assert "Children and Families and Justice Social Work" in services.inner_text()
        assert "Risk reviews" in services.inner_text()
        _screenshots(page, "round-progress")

        page.get_by_label("Chase Kirsty Duncan").check()
        page.get_by_role("button", name="Send the reminder to the people ticked").click()
        assert "Reminder sent to 1 person: Kirsty Duncan." in page.content()
        assert "Chased " in page.get_by_role("region", name="By person").inner_text()
        assert serious_accessibility_violations(page) == []

        # From a person's row to what they have still to do.
        page.get_by_role("link", name="Their updates").first.click()
        assert page.get_by_role("heading", name="Updates due from Kirsty Duncan").is_visible()

    [message] = [m for m in mail.outbox if m.to == ["officer@example.org"]]
    assert message.subject == "Updates due for Q3 2022/23" and "have not been submitted yet" in message.body
    [chase] = Chase.objects.all()
    assert chase.person.username == "officer" and chase.sent_by.username == "performance"


def test_approve_several_together(live_demo):
    with browser_page() as officer:
        sign_in(officer, live_demo, "officer", "officer-demo-2022")
        officer.get_by_role("link", name="My updates").click()
        officer.get_by_role("link", name="More looked after children and young people cared for in kinship").click()
        # A fall of 27 points (47% approved at Q2): held once, so the officer sees it first.
        officer.get_by_label("Progress (%)").fill("20")
        officer.get_by_label("Update for this period").fill("Two carers withdrew; the milestones are re-planned.")
        officer.get_by_role("button", name="Submit for approval").click()
        flag = officer.locator("#progress-fall")
        assert "Progress falls by 27 points" in flag.inner_text() and "Not submitted yet" in flag.inner_text()
        assert officer.get_by_label("Progress (%)").input_value() == "20"  # kept
        assert serious_accessibility_violations(officer) == []
        _screenshots(officer, "update-form-fall")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "STRAT1.1 submitted for approval" in officer.content()
        officer.get_by_role("link", name="Care experienced young people among open justice cases").click()
        officer.get_by_label("Value", exact=True).fill("9.5%")
        officer.get_by_role("button", name="Submit for approval").click()
        assert "CFSW-JUS01 submitted for approval" in officer.content()

        approver = officer.other_user_page()
        sign_in(approver, live_demo, "approver", "approve-demo-2022")
        approver.get_by_role("link", name="Review").click()
        text = approver.locator("main").inner_text()
        for context in ("Previous approved (Q2 2022/23)", "Status it would have", "Target", "Tolerance"):
            assert context in text
        assert "Same period last year (Q3 2021/22)" in text
        assert "Progress fell by 27 points, from 47% to 20%" in text
        assert serious_accessibility_violations(approver) == []
        _screenshots(approver, "review-queue")
        approver.get_by_label("Select STRAT1.1 to approve with others").check()
        approver.get_by_label("Select CFSW-JUS01 to approve with others").check()

        # Meanwhile the officer takes the value back: it is refused, and the page says why.
        officer.get_by_role("link", name="My updates").click()
        officer.get_by_role("link", name="Care experienced young people among open justice cases").click()
        officer.get_by_role("button", name="Recall to change it").click()

        approver.get_by_role("button", name="Approve selected").click()
        page = approver.content()
        assert "Approved 1: STRAT1.1 Q3 2022/23." in page
        assert "Not approved (1): CFSW-JUS01 Q3 2022/23: changed while you were looking at it" in page
        assert serious_accessibility_violations(approver) == []

    assert ActionUpdate.objects.get(period=Q3, action__code="STRAT1.1").state == ReviewState.APPROVED
    assert IndicatorValue.objects.get(period=Q3, indicator__code="CFSW-JUS01").state == ReviewState.DRAFT
