"""Issuing a committee report in a real browser: define it, check what is outstanding, confirm,
watch the background render finish without a page refresh, and find the issued version."""

import io

import pytest
from django.core.management import call_command

from reports.committee import tasks
from reports.models import IssuedReport
from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server.url


def test_readiness_confirm_and_issue(live_demo, monkeypatch):
    # The live server runs in this process: its renders go to the queue, run below by a worker.
    monkeypatch.setattr(tasks, "INLINE_LIMIT", 0)
    with browser_page() as page:
        sign_in(page, live_demo, "performance", "perf-demo-2022")
        page.get_by_role("link", name="Committee reports").click()
        page.get_by_label("Title").fill("Children and families: Quarter 3")
        committee = "Education, Communities and Organisational Development Committee"
        page.get_by_label("Committee").select_option(label=committee)
        page.get_by_label("Meeting date").fill("2023-02-28")
        page.get_by_label("Reporting period").fill("Q3 2022/23")
        page.get_by_role("button", name="Save the report").click()
        assert "Report defined" in page.content()

        page.get_by_role("link", name="Check what is outstanding, then issue").click()
        assert page.get_by_role("heading", name="Measures with no figure").count() == 1
        assert "Outstanding:" in page.locator(".notice").inner_text()
        assert serious_accessibility_violations(page) == []

        # Not confirmed: nothing is issued, and the error says what to do.
        page.get_by_role("button", name="Issue to committee").click()
        assert "Tick the box to confirm the issue" in page.content()
        assert not IssuedReport.objects.exists()
        assert serious_accessibility_violations(page) == []

        confirm = page.get_by_label("I confirm that “Children and families: Quarter 3” goes to Education")
        assert "for its meeting on 28 February 2023, reporting Quarter 3 2022/23" in confirm.evaluate(
            "el => el.labels[0].textContent"
        )
        confirm.check()
        page.get_by_role("button", name="Issue to committee").click()
        assert "being made in the background" in page.content()
        assert page.get_by_role("link", name="Refresh").count() == 1
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        assert serious_accessibility_violations(page) == []

        # The worker makes it; the page's script notices and says so in its live region.
        call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
        announcer = page.locator("#render-announcer")
        announcer.filter(has_text="The report has been issued").wait_for(state="attached", timeout=60_000)
        assert page.locator("#render-list").inner_text().count("Ready") == 1

        page.get_by_role("link", name="Refresh").click()
        issued = IssuedReport.objects.get()
        assert issued.version == 1 and issued.outstanding["total"] > 0
        row = page.get_by_role("row").filter(has_text=issued.sha256)
        assert "measures with no figure" in row.inner_text()
        assert serious_accessibility_violations(page) == []
