"""Helpers for tests that drive a real headless browser (Debian's chromium via Playwright)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def browser_page():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        reason = "needs Debian's chromium and `npm install` (axe-core); .ci/run installs both"
        if os.environ.get("PERFDASH_BROWSER_TESTS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous. Only for the duration of the browser session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.other_user_page = lambda: browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            try:
                yield page
            finally:
                browser.close()
                # ORM calls made by the test inside this block may run in the context of
                # Playwright's greenlet, with a connection of their own: close it here, where
                # it can be reached, so that the test database can be dropped at the end.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, as readable lines."""
    # Evaluated through the browser's debugging protocol rather than added as a <script> tag: the
    # Content-Security-Policy refuses inline scripts, and the tests run under the real policy.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run()).violations")
    return [
        f"{v['impact']}: {v['id']} - {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
