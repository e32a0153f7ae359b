"""Each role's home and the search, in a real browser (axe-core checked): the officer's due and
returned items, the approver's queue, the member's committees and issued reports, the performance
team's round progress; the header search, grouped results and the breadcrumb trail back up; a
heat-map cell narrowing the risk register and the risk page a member reads.

Set PERFDASH_SCREENSHOTS to a folder to keep each home at 1280 px and 390 px wide."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PERFDASH_SCREENSHOTS", "")
PEOPLE = {
    "officer": "officer-demo-2022",
    "approver": "approve-demo-2022",
    "member": "member-demo-2022",
    "performance": "perf-demo-2022",
}


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def shots(page, name: str) -> None:
    """The page at a desktop width and a phone's; the main content never scrolls sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "() => { const m = document.querySelector('main'); return m.scrollWidth - m.clientWidth; }"
        )
        assert overflow <= 0, f"{name} at {width} px: main is {overflow} px too wide"
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def section(page, title: str):
    return page.locator("section.home-section", has=page.get_by_role("heading", name=title, exact=True))


def test_each_role_has_its_own_home(live_demo):
    with browser_page() as page:
        # The officer: what is due by deadline (and what was returned, here nothing).
        sign_in(page, live_demo, "officer", PEOPLE["officer"])
        due = section(page, "Due from you")
        assert due.get_by_role("link").count() > 1
        assert "left" in due.inner_text() or "late" in due.inner_text()
        assert section(page, "Returned to you").is_visible()
        assert page.get_by_role("heading", name="Waiting for your review").count() == 0
        assert serious_accessibility_violations(page) == []
        shots(page, "home-officer")
        due.get_by_role("link", name="More looked after children and young people cared for in kinship").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("STRAT1.1")
        page.get_by_label("Progress (%)").fill("52")
        page.get_by_label("Update for this period").fill("Two foster carers approved at panel.")
        page.get_by_role("button", name="Submit for approval").click()
        assert "STRAT1.1 submitted for approval" in page.content()
        title = "STRAT1.1"

        approver = page.other_user_page()
        sign_in(approver, live_demo, "approver", PEOPLE["approver"])
        waiting = section(approver, "Waiting for your review")
        assert title.split(" ")[0] in waiting.inner_text()
        assert serious_accessibility_violations(approver) == []
        shots(approver, "home-approver")
        approver.get_by_role("link", name="Open the approval queue").click()
        assert approver.url.endswith("/review/")

        # The member: committees with their red and amber counts, and issued reports.
        member = page.other_user_page()
        sign_in(member, live_demo, "member", PEOPLE["member"])
        card = member.locator(".committee-card").first
        assert "Outwith tolerance" in card.inner_text() and "Within tolerance" in card.inner_text()
        assert member.get_by_role("heading", name="Latest issued reports").is_visible()
        assert member.get_by_role("heading", name="Due from you").count() == 0
        assert serious_accessibility_violations(member) == []
        shots(member, "home-member")
        card.get_by_role("link").first.click()
        assert member.locator("nav.breadcrumbs").get_by_role("link", name="Council").is_visible()

        # The performance team: the open round's progress and the reports to issue.
        team = page.other_user_page()
        sign_in(team, live_demo, "performance", PEOPLE["performance"])
        rounds = section(team, "Open rounds")
        assert "still to hand in" in rounds.inner_text()
        assert rounds.get_by_role("rowheader", name="Action updates").is_visible()
        assert team.get_by_role("heading", name="Reports to issue").is_visible()
        assert serious_accessibility_violations(team) == []
        shots(team, "home-performance")


def test_search_from_the_header_and_find_the_way_back(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", PEOPLE["member"])
        box = page.get_by_role("searchbox", name="Search", exact=True)
        box.fill("kinship")
        box.press("Enter")
        assert page.get_by_role("heading", name="Indicators").is_visible()
        assert page.get_by_role("heading", name="Actions").is_visible()
        assert page.get_by_role("searchbox", name="Search", exact=True).input_value() == "kinship"
        assert "Update" not in page.locator("main").inner_text().split()  # a member gets no forms
        assert serious_accessibility_violations(page) == []
        shots(page, "search-member")
        result = page.locator("#results-actions ~ ul a").first
        code = result.locator(".code").inner_text()
        result.click()
        trail = page.get_by_role("navigation", name="Breadcrumb")
        assert trail.locator('[aria-current="page"]').inner_text() == code
        trail.get_by_role("link").nth(1).click()  # the committee
        assert page.get_by_role("navigation", name="Breadcrumb").locator('[aria-current="page"]').is_visible()

        # An officer's results offer the forms they may use.
        officer = page.other_user_page()
        sign_in(officer, live_demo, "officer", PEOPLE["officer"])
        officer.goto(f"{live_demo}/search/?q=kinship")
        assert (
            officer.get_by_role("link", name="Update").count()
            + officer.get_by_role("link", name="Enter a value").count()
            > 0
        )


def test_heat_map_cell_to_register_to_risk_page(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", PEOPLE["member"])
        page.get_by_role("link", name="Risk registers").click()
        assert serious_accessibility_violations(page) == []
        page.locator("main ul li").filter(has_not_text="(0 risks)").first.get_by_role("link").click()
        cell = page.locator(".heat-map td a").first
        cell.click()
        assert "Showing" in page.get_by_role("status").first.inner_text()
        assert serious_accessibility_violations(page) == []
        page.get_by_role("region", name="Risks", exact=True).locator("tbody th a").first.click()
        assert page.get_by_role("heading", name="Score history").is_visible()
        assert page.get_by_role("heading", name="Controls in place").is_visible()
        assert serious_accessibility_violations(page) == []
        shots(page, "risk-page")
