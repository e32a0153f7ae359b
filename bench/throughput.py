"""Requests per second for warm pages through gunicorn, two workers, on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/throughput.py

Uses the large council that bench/scorecard.py fills (run that once first). Collects static files,
starts gunicorn with deploy/gunicorn.conf.py (`WEB_CONCURRENCY=2` sync workers, production
settings: `DEBUG` off, Redis as the shared cache as in deploy/env.example, or `CACHE=database`)
on a free loopback port, signs a member in (a
session made in the database, as a sign-in makes it: the 1,000,000 PBKDF2 iterations of a real
sign-in are not what is measured), warms the caches of every worker, then drives bounded load
with ApacheBench (`ab`, Debian's apache2-utils: a C program, so the load generator does not take
the two cores itself) at the council scorecard at Q2 2022/23 and at an indicator page: a fixed
time (`BENCH_SECONDS`, default 10) or request count (`BENCH_REQUESTS`, default 20,000, whichever
ends first) with `BENCH_CONCURRENCY` (default 4) connections, asking for gzip as browsers do
(`BENCH_GZIP=0` asks for none). Prints requests per second, median and p95 latency and the load
average before and after each run. Then, with Debian's chromium (where installed), the
first visit to the indicator, action and benchmarked-indicator pages, each with an empty browser
cache: the time to its load event and to its chart being drawn, and the chart script's size (as
sent and unpacked) and Cache-Control. The last line sums it up, with the slowest first visit:
`RESULT council_rps=... indicator_rps=... first_visit_ms=... chart_drawn_ms=...`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 20000 + secrets.randbelow(2000)
SERVER_ENV = {
    "DATABASE_URL": os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfdash_bench"),
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
    "ACCESS_LOG": "",
    "CACHE_KEY_PREFIX": f"throughput-{secrets.token_hex(4)}",
    # The shared cache production runs (deploy/env.example); CACHE=database measures the cache table.
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
}
# This process signs the member in with the server's settings (the same secret key signs the session).
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")

import django  # noqa: E402

from bench.servers import start_gunicorn  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from indicators.models import Action, Indicator  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
GZIP = os.environ.get("BENCH_GZIP", "1") != "0"
PERIOD = "2022/23-Q2"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def session_cookie() -> str:
    """A signed-in member's session cookie, made as `login` makes it (session clocks included)."""
    user, _ = get_user_model().objects.get_or_create(username="bench-member")
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def ab_version(ab: str) -> str:
    out = subprocess.run([ab, "-V"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"Version ([\d.]+)", out)
    return f"load from ab (ApacheBench {found.group(1) if found else '?'}, {ab})"


def drive(ab: str, url: str, cookie: str) -> dict[str, float]:
    """Bounded load at `url` with ab: requests per second, median and p95 ms, failures."""
    headers = ["-H", "Accept-Encoding: gzip"] if GZIP else []
    # -l: the length varies (each page carries its own CSRF token), which is not a failure.
    command = [ab, "-q", "-l", "-n", str(REQUESTS), "-t", str(SECONDS), "-c", str(CONCURRENCY), "-C", cookie]
    out = subprocess.run([*command, *headers, url], capture_output=True, text=True, check=True).stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, out, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    return {
        "rps": number(r"^Requests per second:\s+([\d.]+)"),
        "p50": number(r"^\s+50%\s+(\d+)"),
        "p95": number(r"^\s+95%\s+(\d+)"),
        "done": number(r"^Complete requests:\s+(\d+)"),
        "failed": number(r"^Failed requests:\s+(\d+)") + number(r"^Non-2xx responses:\s+(\d+)"),
        "bytes": number(r"^Total transferred:\s+(\d+)") / max(number(r"^Complete requests:\s+(\d+)"), 1),
    }


def first_visit(url: str, cookie: str) -> tuple[float, float] | None:
    """Milliseconds to the load event of `url` in a fresh headless Chromium (an empty cache), and
    to its chart being drawn, printing what the chart script weighs and how long browsers may keep
    it; None without chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        print("first visit: not measured (no chromium; apt-get install chromium)")
        return None
    from playwright.sync_api import sync_playwright

    name, value = cookie.split("=", 1)
    scripts = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.add_cookies([{"name": name, "value": value, "url": url}])
        page = context.new_page()
        page.on("response", lambda response: scripts.append(response) if "plotly" in response.url else None)
        page.goto(url, wait_until="load")
        assert "sign in" not in page.title().lower(), url
        timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
        # The chart script is fetched once the page has loaded (static/js/charts.js): when it has drawn.
        page.wait_for_selector(".chart-box .main-svg")
        drawn = page.evaluate("performance.now()")
        for response in scripts:
            if response.url.endswith(".js"):
                sizes = response.request.sizes()
                print(
                    f"chart script {response.url.rsplit('/', 1)[-1]}: {sizes['responseBodySize'] / 1024:.0f} KB sent "
                    f"({response.headers.get('content-encoding', 'identity')}), {len(response.body()) / 1024:.0f} KB "
                    f"unpacked; Cache-Control: {response.headers.get('cache-control')}"
                )
        browser.close()
    loaded = json.loads(timing)["loadEventEnd"]
    return loaded, drawn


def main() -> None:
    ab = shutil.which("ab")
    if ab is None:
        sys.exit("Needs ApacheBench: apt-get install apache2-utils")
    if not Indicator.objects.filter(code__startswith="BENCH-PI").exists():
        sys.exit("Fill the bench database first: bench/scorecard.py --scale 1")
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cookie = session_cookie()
    indicator = Indicator.objects.filter(code__startswith="BENCH-PI").order_by("id").first()
    base = f"http://127.0.0.1:{PORT}"
    pages = {
        "council": f"{base}{reverse('reports:council_scorecard')}?period={PERIOD}",
        "indicator": base + reverse("reports:indicator", args=[indicator.pk]),
    }
    server = start_gunicorn(base, {**os.environ})
    try:
        request_headers = {"Cookie": cookie, **({"Accept-Encoding": "gzip"} if GZIP else {})}
        for url in pages.values():
            # Every worker builds or fetches the page once and keeps what it keeps between requests.
            for _ in range(4 * int(SERVER_ENV["WEB_CONCURRENCY"])):
                request = urllib.request.Request(url, headers=request_headers)  # noqa: S310 - loopback
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    assert response.status == 200 and b"sign in" not in response.read(2000).lower(), url
        print(
            f"== {ab_version(ab)}; gunicorn {SERVER_ENV['WEB_CONCURRENCY']} sync workers; {CONCURRENCY} connections; "
            f"{SECONDS} s or {REQUESTS} requests; gzip {'asked' if GZIP else 'not asked'}; {os.cpu_count()} cores; "
            f"cache: {settings.CACHE}"
        )
        print(f"{'page':<10} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'requests':>9} {'failed':>7} {'bytes':>9}  load")
        rps = {}
        for name, url in pages.items():
            before = load()
            figures = drive(ab, url, cookie)
            rps[name] = figures["rps"]
            print(
                f"{name:<10} {figures['rps']:>8.1f} {figures['p50']:>7.0f} {figures['p95']:>7.0f} "
                f"{figures['done']:>9.0f} {figures['failed']:>7.0f} {figures['bytes']:>9.0f}  {before} -> {load()}"
            )
        # First visits, each in a fresh browser: the three kinds of page that draw charts.
        action = Action.objects.filter(plan__code="BENCH-0", parent__isnull=False).order_by("id").first()
        charted = {
            "indicator": pages["indicator"],
            "action": base + reverse("reports:action", args=[action.pk]) + f"?period={PERIOD}",
            "benchmark indicator": base + reverse("reports:benchmark_indicator", args=[indicator.pk]),
        }
        visits = {}
        for name, url in charted.items():
            found = first_visit(url, cookie)
            if found is None:
                break
            visits[name] = found
            print(
                f"first visit, {name} page, empty browser cache: loaded in {found[0]:.0f} ms, chart drawn at "
                f"{found[1]:.0f} ms  load {load()}"
            )
    finally:
        server.terminate()
        server.wait(timeout=60)
    # The slowest of the pages visited.
    loaded, drawn = (max(v[i] for v in visits.values()) for i in (0, 1)) if visits else (None, None)
    visit = f" first_visit_ms={loaded:.0f} chart_drawn_ms={drawn:.0f}" if visits else ""
    print(f"RESULT council_rps={rps['council']:.0f} indicator_rps={rps['indicator']:.0f}{visit}")


if __name__ == "__main__":
    main()
