"""A committee member's journey through the scorecards, in a real browser, checked with axe-core."""

import pytest
from django.core.management import call_command

from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_member_reads_the_committee_scorecard_and_drills_into_an_indicator(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", "member-demo-2022")
        assert serious_accessibility_violations(page) == []

        page.get_by_role(
            "link", name="Education, Communities and Organisational Development Committee", exact=True
        ).click()
        page.get_by_label("Period", exact=True).select_option(label="Q2 2022/23")
        page.get_by_role("button", name="Show").click()
        assert "Quarter 2 2022/23" in page.locator("h1").inner_text()
        summary = page.get_by_role("table", name="Indicators by status")
        assert summary.get_by_role("row", name="Outwith tolerance").get_by_role("cell").first.inner_text() == "2"
        assert serious_accessibility_violations(page) == []

        page.locator("summary", has_text="Status").click()  # open the status filters
        page.get_by_role("group", name="Indicators").get_by_label("Outwith tolerance", exact=True).check()
        page.get_by_role("button", name="Show").click()
        assert "status=red" in page.url
        rows = page.locator("table.indicators tbody tr")
        assert rows.count() == 2
        assert page.locator("table.actions").count() == 0

        page.get_by_role("link", name="Looked after children cared for in kinship care").click()
        page.wait_for_selector(".chart-box .main-svg")  # plotly drew the chart
        history = page.get_by_role("table", name="Values, targets and commentary")
        assert history.get_by_role("row").count() == 7  # header + six quarters
        assert "Q2 2022/23" in history.inner_text()
        assert serious_accessibility_violations(page) == []


def test_action_page_and_plan_scorecard_are_accessible(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", "member-demo-2022")
        page.get_by_role(
            "link", name="Children and Families & Criminal Justice Social Work Service Plan 2020-23"
        ).click()
        assert serious_accessibility_violations(page) == []
        page.get_by_role("link", name="More looked after children and young people cared for in kinship care").click()
        page.wait_for_selector(".chart-box .main-svg")
        assert "Q2 2022/23 – 47%" in page.locator(".timeline").first.inner_text()
        assert serious_accessibility_violations(page) == []


def test_keyboard_reaches_the_filters_and_the_skip_link(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", "member-demo-2022")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"


def test_a_chart_is_laid_out_again_when_the_window_crosses_a_phone_width(live_demo):
    """A phone turned sideways, or a window narrowed: the chart takes the narrow layout (no title,
    legend above the plot) and goes back to the wide one, not keeping whichever it was drawn at."""
    title = "document.querySelector('.chart-box .gtitle')?.textContent || ''"
    with browser_page() as page:
        sign_in(page, live_demo, "member", "member-demo-2022")
        page.get_by_role(
            "link", name="Children and Families & Criminal Justice Social Work Service Plan 2020-23"
        ).click()
        page.get_by_role("link", name="Looked after children cared for in kinship care").first.click()
        page.wait_for_selector(".chart-box[data-drawn='wide'] .main-svg")
        assert page.evaluate(title) != ""

        page.set_viewport_size({"width": 320, "height": 720})
        page.wait_for_selector(".chart-box[data-drawn='narrow'] .main-svg")
        assert page.evaluate(title) == ""

        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_selector(".chart-box[data-drawn='wide'] .main-svg")
        assert page.evaluate(title) != ""
