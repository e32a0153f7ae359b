"""A quarter-end rush against gunicorn on loopback: members read while officers save and submit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_rush .venv/bin/python bench/rush.py

Sets up the database (migrate, the demo council with its open Q3 2022/23 round, RUSH_MEMBERS
committee members and RUSH_OFFICERS officers), collects static files as a deployment does, and
starts gunicorn with deploy/gunicorn.conf.py on a free loopback port (WEB_CONCURRENCY workers,
default 3; the shared cache is Redis with REDIS_URL, else the database's cache table). Everyone
signs in; then for RUSH_SECONDS (default 60) the members read the council and committee scorecards
and indicator pages (a think time of 0-2 s between pages, RUSH_THINK), while each officer saves a
draft of their action's Q3 update twice and submits it, and the same for an indicator value where
there is one for them, then reads My updates. Prints requests per second, p50/p95/p99 and errors per
page, and checks that every submitted entry is stored exactly once, submitted, with one history row
per save. Requests go to 127.0.0.1 only, and the run stops by itself.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database for the rush (it is created and filled if empty).")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
os.environ["DEBUG"] = "1"  # for this process's set-up only; the server runs with DEBUG off
# The server's shared cache: Redis with REDIS_URL, else the database's table (made in set_up()).
os.environ.setdefault("CACHE", "redis" if os.environ.get("REDIS_URL") else "database")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.servers import start_gunicorn  # noqa: E402
from indicators.models import (  # noqa: E402
    Action,
    ActionUpdate,
    Committee,
    Indicator,
    IndicatorValue,
    ReviewState,
    Role,
)
from indicators.periods import Period  # noqa: E402

MEMBERS = int(os.environ.get("RUSH_MEMBERS", "50"))
OFFICERS = int(os.environ.get("RUSH_OFFICERS", "20"))
SECONDS = float(os.environ.get("RUSH_SECONDS", "60"))
THINK = float(os.environ.get("RUSH_THINK", "1.0"))  # mean seconds between a member's pages
WORKERS = os.environ.get("WEB_CONCURRENCY", "3")
# People sign in over the morning, not all in one second; a few at once is the busy moment.
SIGNING_IN = int(os.environ.get("RUSH_SIGNING_IN", "5"))
PERIOD = Period.parse("Q3 2022/23")
PASSWORD = "quarter-end-rush-2023"  # noqa: S105 - bench users on a throwaway database
OUT = ROOT / "bench" / "out"


@dataclass
class Stats:
    """Response times (seconds) and errors per page, shared by every session."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if error:
                self.errors[page].append(error)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a POST's 302 is its answer; the next page is requested (and timed) on its own


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request) -> bool:
        return True  # production's Secure cookies, over plain HTTP on loopback (no TLS proxy here)


class Session:
    """One person's browser: its own cookies, every request timed under a page name."""

    def __init__(self, base: str, username: str, stats: Stats) -> None:
        self.base, self.username, self.stats = base, username, stats
        self.cookies = http.cookiejar.CookieJar(LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects)

    def request(self, page: str, path: str, data: dict | None = None, expect: int = 200) -> str:
        body = None
        if data is not None:
            token = next(c.value for c in self.cookies if c.name == "csrftoken")
            body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        start = time.perf_counter()
        try:
            request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http://127.0.0.1 only
            with self.opener.open(request, timeout=120) as response:
                text, status = response.read().decode(), response.status
        except urllib.error.HTTPError as error:
            text, status = error.read().decode(errors="replace"), error.code
        except OSError as error:
            self.stats.record(page, time.perf_counter() - start, f"{type(error).__name__}: {error}")
            return ""
        self.stats.record(page, time.perf_counter() - start, None if status == expect else f"HTTP {status}")
        return text

    def sign_in(self) -> None:
        self.request("sign in (form)", "/accounts/login/")
        self.request(
            "sign in (POST)", "/accounts/login/", {"username": self.username, "password": PASSWORD}, expect=302
        )


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    return found.group(1) if found else "0"


def set_up() -> tuple[list[str], list[tuple[str, Action, Indicator | None]], list[str], list[int]]:
    """The database as the rush needs it: member and officer user names, each officer's entries."""
    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    User = get_user_model()
    template = User(username="template")
    template.set_password(PASSWORD)  # one hash for all: the rush times sign-ins, not this set-up
    members = []
    for n in range(1, MEMBERS + 1):
        user, _ = User.objects.update_or_create(username=f"member{n:02}", defaults={"password": template.password})
        Role.objects.get_or_create(user=user, kind=Role.Kind.MEMBER, service=None)
        members.append(user.username)
    actions = list(Action.objects.select_related("plan").order_by("pk"))
    indicators = [i for i in Indicator.objects.order_by("pk") if i.frequency_enum is PERIOD.frequency]
    if len(actions) < OFFICERS:
        sys.exit(f"The demo has {len(actions)} actions; RUSH_OFFICERS can be at most that.")
    officers = []
    for n in range(OFFICERS):
        action = actions[n]
        indicator = next((i for i in indicators if i.service_id == action.plan.service_id), None)
        if indicator:
            indicators.remove(indicator)
        user, _ = User.objects.update_or_create(username=f"officer{n + 1:02}", defaults={"password": template.password})
        Role.objects.get_or_create(user=user, kind=Role.Kind.OFFICER, service_id=action.plan.service_id)
        officers.append((user.username, action, indicator))
    # A rerun starts from no Q3 entries for these, so "stored once" means once in this run.
    ActionUpdate.objects.filter(period=PERIOD, action__in=[a for _, a, _ in officers]).delete()
    IndicatorValue.objects.filter(period=PERIOD, indicator__in=[i for _, _, i in officers if i]).delete()
    committees = list(Committee.objects.values_list("slug", flat=True))
    return members, officers, committees, list(Indicator.objects.values_list("pk", flat=True))


def member_rush(session: Session, deadline: float, committees: list[str], indicator_ids: list[int]) -> None:
    rng = random.Random()  # noqa: S311 - choosing pages, not secrets
    while time.monotonic() < deadline:
        choice = rng.random()
        if choice < 0.3:
            session.request("council scorecard", "/scorecards/")
        elif choice < 0.6:
            session.request("committee scorecard", f"/scorecards/committee/{rng.choice(committees)}/")
        else:
            session.request("indicator page", f"/indicators/{rng.choice(indicator_ids)}/")
        time.sleep(rng.uniform(0, 2 * THINK))


def officer_rush(session: Session, deadline: float, action: Action, indicator: Indicator | None) -> None:
    slug = PERIOD.slug
    entries = [("action update", f"/updates/{slug}/actions/{action.pk}/", {"progress": "60"})]
    if indicator:
        exception = {
            "performance": "Demand rose over the winter.",
            "improvement_actions": "Two more staff from January.",
            "timescale": "By Q1 2023/24",
        }
        entries.append(("indicator value", f"/updates/{slug}/indicators/{indicator.pk}/", {"value": "50"} | exception))
    for page, path, fields in entries:
        for step, button in enumerate(["save", "save", "submit"]):
            form = session.request(f"{page} (form)", path)
            narrative = f"Rush update {step + 1} by {session.username}."
            data = fields | {"version": version_on(form), button: "1", "narrative": narrative, "commentary": narrative}
            session.request(f"{page} ({button})", path, data, expect=302)
    while time.monotonic() < deadline:
        session.request("my updates", "/updates/")
        time.sleep(random.uniform(0, 2 * THINK))  # noqa: S311


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(stats: Stats, seconds: float) -> list[str]:
    lines = [
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in sorted(stats.times):
        times = stats.times[page]
        p50, p95, p99 = (percentile(times, fraction) * 1000 for fraction in (0.5, 0.95, 0.99))
        rate = len(times) / seconds
        lines.append(
            f"| {page} | {len(times)} | {rate:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {len(stats.errors[page])} |"
        )
    total = sum(len(t) for t in stats.times.values())
    lines.append(f"| all | {total} | {total / seconds:.1f} | | | | {sum(len(e) for e in stats.errors.values())} |")
    return lines


def check_stored_once(officers: list[tuple[str, Action, Indicator | None]]) -> list[str]:
    """Every officer's entries: one row each, submitted by them, with a history row per save."""
    problems = []
    for username, action, indicator in officers:
        for model, lookup in [(ActionUpdate, {"action": action})] + (
            [(IndicatorValue, {"indicator": indicator})] if indicator else []
        ):
            rows = list(model.objects.filter(period=PERIOD, **lookup))
            if len(rows) != 1:
                problems.append(f"{username}: {len(rows)} {model.__name__} rows for {PERIOD.label}")
                continue
            entry = rows[0]
            saves = entry.history.count()
            if entry.state != ReviewState.SUBMITTED or entry.submitted_by.username != username or saves != 3:
                problems.append(f"{username}: {model.__name__} {entry.state}, {saves} history rows")
    return problems


def main() -> None:
    members, officers, committees, indicator_ids = set_up()
    OUT.mkdir(parents=True, exist_ok=True)
    static = OUT / "static"
    port = 18000 + secrets.randbelow(2000)
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")} | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": WORKERS,
        "ACCESS_LOG": "",
        "CACHE_KEY_PREFIX": f"rush-{secrets.token_hex(4)}",
    }
    if not (static / "staticfiles.json").exists():
        print("Collecting static files (once)...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(base, env)
    try:
        stats = Stats()
        sessions = {name: Session(base, name, stats) for name in members + [o[0] for o in officers]}
        print(f"Signing in {len(sessions)} people, {SIGNING_IN} at a time...", flush=True)
        start = time.monotonic()
        with ThreadPoolExecutor(SIGNING_IN) as pool:
            list(pool.map(Session.sign_in, sessions.values()))
        sign_in_seconds = time.monotonic() - start
        print(
            f"Rush: {MEMBERS} members reading, {OFFICERS} officers saving and submitting, {SECONDS:.0f} s...",
            flush=True,
        )
        rush = Stats()
        for session in sessions.values():
            session.stats = rush
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=member_rush, args=(sessions[m], deadline, committees, indicator_ids))
            for m in members
        ]
        threads += [threading.Thread(target=officer_rush, args=(sessions[u], deadline, a, i)) for u, a, i in officers]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=60)

    print(f"\nSign-ins ({len(sessions)}, {SIGNING_IN} at a time, {sign_in_seconds:.1f} s):")
    print("\n".join(report(stats, sign_in_seconds)))
    print(f"\nThe rush ({elapsed:.0f} s, {WORKERS} gunicorn workers):")
    print("\n".join(report(rush, elapsed)))
    for page, errors in {**stats.errors, **rush.errors}.items():
        for error in sorted(set(errors))[:5]:
            print(f"  error on {page}: {error}")
    problems = check_stored_once(officers)
    entries = sum(2 if i else 1 for _, _, i in officers)
    print(f"\nStored exactly once: {entries - len(problems)} of {entries} submitted entries")
    for problem in problems:
        print(f"  {problem}")
    errors = sum(len(e) for e in stats.errors.values()) + sum(len(e) for e in rush.errors.values())
    sys.exit(1 if problems or errors else 0)


if __name__ == "__main__":
    main()
