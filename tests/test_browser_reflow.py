"""Phones, zoom and keyboards in a real browser: every main page at 320 px wide without sideways
scrolling (WCAG 1.4.10), the header's menu button working without JavaScript, a visible focus
indicator on every kind of focusable element (2.4.7, 1.4.11) and focus on the error summary after
a failed submit. Screenshots go to $PERFDASH_SCREENSHOTS when it is set, to be looked at."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.imports import template_csv
from indicators.models import Action, Indicator, Plan, ReportingRound
from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {
    "performance": "perf-demo-2022",
    "approver": "approve-demo-2022",
    "officer": "officer-demo-2022",
    "member": "member-demo-2022",
}
PHONE = {"width": 320, "height": 720}

# Reads, in the browser, how far the page reaches past the viewport, and which elements do.
OVERFLOW = """() => {
  const root = document.documentElement;
  const culprits = [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest(".table-scroll, details:not([open])"))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className);
  return {scroll: root.scrollWidth, viewport: root.clientWidth, culprits};
}"""

# The focused element's kind, and whether a ring drawn around it (outline, or a box-shadow's spread)
# has 3:1 contrast against what is behind the element: the nearest background that is not transparent.
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const linear = v => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const [r, g, b] = rgb(c).slice(0, 3).map(v => linear(v / 255));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let behind = "rgb(255, 255, 255)";
  for (let p = e.parentElement; p; p = p.parentElement) {
    const bg = getComputedStyle(p).backgroundColor;
    if (rgb(bg).length === 3 || rgb(bg)[3] > 0) { behind = bg; break; }
  }
  const rings = [];
  if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) rings.push(s.outlineColor);
  const shadow = s.boxShadow.match(/^(rgba?\\([^)]*\\)) (-?[\\d.]+)px (-?[\\d.]+)px ([\\d.]+)px ([\\d.]+)px/);
  if (shadow && parseFloat(shadow[5]) >= 2) rings.push(shadow[1]);
  let kind = e.tagName.toLowerCase();
  if (kind === "button" && e.classList.contains("secondary")) kind = "button.secondary";
  if (kind === "div" && e.getAttribute("role") === "region") kind = "scroll region";
  const best = Math.max(0, ...rings.map(r => contrast(r, behind)));
  return {kind, visible: best >= 3, best, behind, outline: s.outline, shadow: s.boxShadow};
}"""


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server.url


def screenshot(page, name: str) -> None:
    folder = os.environ.get("PERFDASH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_fits(page, where: str) -> None:
    # A click that navigates returns once the new page starts loading: its body may not exist yet.
    page.wait_for_load_state("load")
    width = page.evaluate(OVERFLOW)
    assert width["scroll"] <= width["viewport"], f"{where}: {width}"


def phone_page(page, base_url: str, username: str):
    """A fresh 320 px wide window signed in as `username`, listening for failed requests."""
    phone = page.context.browser.new_context(viewport=PHONE).new_page()
    phone.failed = []
    phone.on("response", lambda r: phone.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(phone, base_url, username, PASSWORDS[username])
    return phone


def test_every_main_page_fits_a_320_px_screen(live_demo):
    plan = Plan.objects.get(title__startswith="Children and Families & Criminal Justice Social Work")
    indicator = Indicator.objects.filter(plan=plan).order_by("code").first()
    action = Action.objects.filter(plan=plan).order_by("code").first()
    open_round = ReportingRound.objects.filter(locked_at__isnull=True).order_by("-period").first()
    pages = {
        "member": [
            "/scorecards/",
            f"/scorecards/plan/{plan.pk}/",
            f"/indicators/{indicator.pk}/",
            f"/actions/{action.pk}/",
            "/risks/committee/ecod/",
            "/benchmarking/",
            "/committee-reports/",
        ],
        "officer": ["/updates/"],
        "approver": ["/review/"],
        "performance": ["/rounds/", "/imports/", "/accounts/lockouts/"],
    }
    with browser_page() as page:
        for username, paths in pages.items():
            phone = phone_page(page, live_demo, username)
            assert_fits(phone, f"{username} home")  # each role's own home page
            screenshot(phone, f"{username}-home-320")
            for path in paths:
                phone.goto(f"{live_demo}{path}")
                assert_fits(phone, f"{username} {path}")
            if username == "member":
                phone.goto(f"{live_demo}/scorecards/plan/{plan.pk}/")
                screenshot(phone, "member-plan-scorecard-320")
                # The benchmarking page for one indicator, reached as a member would.
                phone.goto(f"{live_demo}/benchmarking/")
                phone.locator("main table a").first.click()
                phone.wait_for_selector(".chart-box .main-svg")
                assert_fits(phone, "member benchmarking indicator")
            if username == "officer":
                # The update forms and the page of all values, reached from My updates.
                phone.get_by_role("link", name="Enter all indicator values on one page").first.click()
                assert_fits(phone, "officer bulk values")
                assert serious_accessibility_violations(phone) == []
                screenshot(phone, "officer-bulk-values-320")
                phone.goto(f"{live_demo}/updates/")
                phone.locator("main table a[href*='/indicators/']").first.click()
                assert_fits(phone, "officer indicator update")
                screenshot(phone, "officer-indicator-update-320")
                # An action update typed and submitted on the phone, for the approver to review below.
                phone.goto(f"{live_demo}/updates/")
                phone.get_by_role(
                    "link", name="More looked after children and young people cared for in kinship"
                ).click()
                assert_fits(phone, "officer action update")
                phone.get_by_label("Progress (%)").fill("52")
                phone.get_by_label("Update for this period").fill("Two foster carers approved at panel.")
                phone.get_by_role("button", name="Submit for approval").click()
                assert "STRAT1.1 submitted for approval" in phone.content()
            if username == "approver":
                approve = phone.get_by_role("button", name="Approve STRAT1.1")
                assert approve.is_visible() and approve.bounding_box()["width"] <= PHONE["width"]
                screenshot(phone, "approver-review-320")
            if username == "performance":
                # A lock page and an import preview, with their tables.
                phone.goto(f"{live_demo}/rounds/{open_round.pk}/lock/")
                assert_fits(phone, "performance lock round")
                phone.goto(f"{live_demo}/rounds/{open_round.pk}/progress/")
                assert_fits(phone, "performance round progress")
                phone.goto(f"{live_demo}/status-words/")
                assert_fits(phone, "performance status words")
                phone.goto(f"{live_demo}/imports/")
                phone.get_by_label("What the file holds").select_option("values")
                phone.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(
                    files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": template_csv("values").encode()}]
                )
                phone.get_by_role("button", name="Check the file").click()
                phone.wait_for_selector("#result-title")
                assert_fits(phone, "performance import preview")
                # A committee report's own page, as it is made.
                phone.goto(f"{live_demo}/committee-reports/")
                phone.get_by_label("Title").fill("Quarter 2 performance")
                phone.get_by_label("Committee").select_option(
                    label="Education, Communities and Organisational Development Committee"
                )
                phone.get_by_label("Meeting date").fill("2022-11-30")
                phone.get_by_label("Reporting period").fill("Q2 2022/23")
                phone.get_by_role("button", name="Save the report").click()
                assert_fits(phone, "performance committee report")
                phone.goto(phone.url.split("?")[0].rstrip("/") + "/readiness/")
                assert_fits(phone, "performance report readiness")
            # Every page links the favicon that exists, and nothing asked for is missing.
            assert phone.failed == [], username
            assert phone.evaluate("document.querySelector('link[rel=icon]').href").endswith(".svg")


def test_header_menu_opens_from_the_keyboard_without_javascript(live_demo):
    with browser_page() as page:
        phone = page.context.browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
        sign_in(phone, live_demo, "performance", PASSWORDS["performance"])
        navigation = phone.get_by_role("navigation", name="Main")
        assert not navigation.is_visible()  # folded behind the menu button
        menu = phone.locator(".site-menu > summary")
        menu.focus()
        phone.keyboard.press("Enter")
        assert navigation.get_by_role("link", name="Reporting rounds").is_visible()
        assert phone.get_by_role("button", name="Sign out").is_visible()
        assert_fits(phone, "open menu")
        screenshot(phone, "performance-menu-open-320")

        # On a wide screen the links show without the button.
        page.goto(f"{live_demo}/accounts/login/")
        sign_in(page, live_demo, "performance", PASSWORDS["performance"])
        assert not page.locator(".site-menu > summary").is_visible()
        assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Reporting rounds").is_visible()
        screenshot(page, "performance-home-1280")


def test_every_kind_of_focusable_element_shows_focus_from_the_keyboard(live_demo):
    def tab_through(window, presses: int) -> list[dict]:
        """What Tab reaches in `presses` presses, each checked for a ring that shows."""
        reached = []
        for _ in range(presses):
            window.keyboard.press("Tab")
            focused = window.evaluate(FOCUSED)
            if focused["kind"] != "body":
                assert focused["visible"], focused
                reached.append(focused)
        return reached

    with browser_page() as page:
        phone = phone_page(page, live_demo, "officer")
        # The bulk page: links, the menu button, inputs, textareas, grey and green buttons, regions.
        phone.goto(f"{live_demo}/updates/")
        phone.get_by_role("link", name="Enter all indicator values on one page").first.click()
        reached = tab_through(phone, 60)
        # A scorecard: the filters' <summary> and their selects.
        plan = Plan.objects.get(title__startswith="Children and Families & Criminal Justice Social Work")
        phone.goto(f"{live_demo}/scorecards/plan/{plan.pk}/")
        reached += tab_through(phone, 30)
        kinds = {focused["kind"] for focused in reached}
        for kind in ("a", "summary", "input", "textarea", "select", "button", "button.secondary", "scroll region"):
            assert kind in kinds, f"Tab never reached a {kind}: {sorted(kinds)}"
        header = "rgb(11, 12, 12)"
        assert any(f["kind"] == "summary" and f["behind"] == header for f in reached)  # the menu button

        # On a wide screen, the header's links and Sign out, white on black.
        sign_in(page, live_demo, "officer", PASSWORDS["officer"])
        reached = tab_through(page, 12)
        assert any(f["kind"] == "a" and f["behind"] == header for f in reached), reached


def test_focus_moves_to_the_error_summary_after_a_failed_submit(live_demo):
    with browser_page() as page:
        phone = phone_page(page, live_demo, "officer")
        phone.goto(f"{live_demo}/updates/")
        phone.get_by_role("link", name="Enter all indicator values on one page").first.click()
        first = phone.locator("table.bulk input[name$='-value']").first
        first.fill("not a number")
        phone.get_by_role("button", name="Save all rows on this page").click()
        summary = phone.locator(".error-summary")
        # The click returns as the next page starts loading: wait for it to move the focus (a time-out if never).
        phone.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
        code = first.locator("xpath=ancestor::tr").locator(".code").inner_text()
        assert f"Value for {code}: " in summary.inner_text()  # which indicator, not only what is wrong
        assert serious_accessibility_violations(phone) == []
        screenshot(phone, "officer-bulk-error-320")
