"""Running for real: the gunicorn configuration, refusing unsafe settings, health, caches, backups."""

import datetime as dt
import http.cookiejar
import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from indicators.periods import Period
from perfdash.logging import JsonFormatter
from reports.models import CommitteeReport, IssuedReport, ReportRender
from reports.scorecards.cache import unpack
from reports.scorecards.deflate import inflate, squeeze
from tests.factories import PASSWORD, make_committee, make_performance_user
from tests.servers import GUNICORN, PRODUCTION, ROOT, environment, gunicorn


def check_gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_gunicorn_loads_the_app_with_production_settings():
    result = check_gunicorn_config(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY is not set"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set")],
)
def test_gunicorn_refuses_to_start_without(missing, message):
    result = check_gunicorn_config(**(PRODUCTION | {missing: ""}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_development_serves_without_a_secret_key():
    result = check_gunicorn_config(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_gunicorn_settings_come_from_the_environment():
    result = subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "--print-config"],
        cwd=ROOT,
        env=environment(**PRODUCTION, WEB_CONCURRENCY="5", GUNICORN_THREADS="4", GUNICORN_GRACEFUL_TIMEOUT="12"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    config = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        config[name.strip()] = value.strip()
    assert (config["workers"], config["threads"], config["graceful_timeout"]) == ("5", "4", "12")
    assert config["preload_app"] == "True"
    assert config["accesslog"] == "-"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        # collectstatic compresses every file (about a minute on 2 idle cores): generous, not endless.
        timeout=900,
        check=False,
    )


# Health


def queued_task(waited: dt.timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="reports.committee.tasks.render_report",
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


@pytest.mark.django_db
def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"] == {"ok": True, "backend": "LocMemCache"}
    assert body["checks"]["worker"] == {
        "ok": True,
        "queue_length": 0,
        "running": 0,
        "oldest_ready_seconds": None,
        "last_finished_seconds": None,
    }


@pytest.mark.django_db
def test_healthz_reports_the_queue_and_a_stuck_worker(client):
    queued_task(dt.timedelta(seconds=30))
    worker = client.get("/healthz").json()["checks"]["worker"]
    assert (worker["ok"], worker["queue_length"]) == (True, 1)
    assert 30 <= worker["oldest_ready_seconds"] < 60

    queued_task(dt.timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["worker"]["queue_length"] == 2
    assert "is `manage.py run_worker` running?" in body["checks"]["worker"]["error"]
    # A web server stays in the load balancer while the worker is stuck.
    assert client.get("/healthz/web").status_code == 200
    assert "worker" not in client.get("/healthz/web").json()["checks"]


@pytest.mark.django_db
def test_healthz_fails_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz/web")
    assert response.status_code == 503
    cache_check = response.json()["checks"]["cache"]
    assert cache_check["ok"] is False
    assert "ConnectionError" in cache_check["error"]


def test_healthz_is_not_redirected_to_https():
    result = run_manage(
        "shell",
        "-c",
        "from django.test import Client; print(Client().get('/healthz/web', HTTP_HOST='127.0.0.1').status_code)",
        **(PRODUCTION | {"SECURE_SSL_REDIRECT": "1", "CACHE": "memory"}),
    )
    assert result.stdout.strip().splitlines()[-1] in ("200", "503"), result.stderr


# Logging and error reporting


def test_json_logs_carry_the_message_extras_and_exception():
    formatter = JsonFormatter()
    try:
        raise ValueError("bad figure")
    except ValueError:
        record = logging.getLogger("perfdash.test").makeRecord(
            "perfdash.test",
            logging.ERROR,
            __file__,
            1,
            "Import of %s failed",
            ("values.csv",),
            sys.exc_info(),
            extra={"rows": 12, "user": object()},
        )
    entry = json.loads(formatter.format(record))
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "perfdash.test"
    assert entry["message"] == "Import of values.csv failed"
    assert entry["rows"] == 12
    assert entry["user"].startswith("<object object")
    assert "ValueError: bad figure" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_log_format_json_writes_one_object_a_line():
    code = "import logging; logging.getLogger('perfdash.check').warning('Round %s locked', 'Q2', extra={'n': 3})"
    result = run_manage("shell", "-c", code, DEBUG="1", LOG_FORMAT="json")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"logger": "perfdash.check", "message": "Round Q2 locked", "n": 3}.items() <= lines[-1].items()


def test_error_reporting_needs_sentry_sdk_when_a_dsn_is_set():
    if importlib.util.find_spec("sentry_sdk"):
        pytest.skip("sentry-sdk is installed here")
    result = run_manage("check", DEBUG="1", SENTRY_DSN="https://key@errors.example.gov.uk/1")
    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed" in result.stderr


# Several app servers


def redis_url_for_tests() -> str:
    """Redis for the tests: DB 5 on the local server unless PERFDASH_TEST_REDIS_URL says otherwise."""
    return os.environ.get("PERFDASH_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """collectstatic's output, as a deployment has it (DEBUG off serves hashed names from its manifest)."""
    if connection.vendor != "postgresql":
        # Module fixtures are set up before the test's own skip: don't compress plotly.js for nothing.
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    root = tmp_path_factory.mktemp("static")
    # Compressing the static files (plotly.js with Brotli) takes most of a minute of CPU.
    result = run_manage("collectstatic", "--noinput", **PRODUCTION, STATIC_ROOT=str(root))
    assert result.returncode == 0, result.stderr
    return root


class Browser:
    """Just enough of a browser: one cookie jar for 127.0.0.1 (cookies ignore the port, so a session
    started on one app server goes to the other, as behind a load balancer), CSRF from the cookie.
    Production cookies are Secure; here the TLS proxy is left out, so they go over plain HTTP."""

    class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
        def return_ok_secure(self, cookie, request) -> bool:
            return True

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar(self.LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=60) as response:
            return response.status, response.read().decode()

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode()


@pytest.fixture
def server_database_url(transactional_db) -> str:
    """The test database's URL for other processes; skips the test on SQLite (in memory, this process's only)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.parametrize("cache", ["redis", "database"])
def test_two_app_servers_share_sessions_data_and_cache(cache, server_database_url, collected_static):
    prefix = f"perfdash-test-{uuid.uuid4().hex[:12]}"
    env = PRODUCTION | {
        "DATABASE_URL": server_database_url,
        "STATIC_ROOT": str(collected_static),
        "CACHE": cache,
        "CACHE_KEY_PREFIX": prefix,
        "ACCESS_LOG": "",
    }
    if cache == "redis":
        env["REDIS_URL"] = redis_url_for_tests()
        try:
            redis.Redis.from_url(env["REDIS_URL"]).ping()
        except redis.ConnectionError:
            if os.environ.get("CI"):
                raise
            pytest.skip(f"no Redis at {env['REDIS_URL']} (.ci/run starts one)")
        shared = RedisCache(env["REDIS_URL"], {"KEY_PREFIX": prefix})
    else:
        result = run_manage("createcachetable", **env)
        assert result.returncode == 0, result.stderr
        shared = DatabaseCache("perfdash_cache", {"KEY_PREFIX": prefix})
    performance = make_performance_user("performance")
    # The servers have production's password hashers, not the tests' fast one.
    performance.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    performance.save(update_fields=["password"])

    try:
        with gunicorn(env) as one, gunicorn(env) as two:
            browser = Browser()
            browser.get(f"{one}/accounts/login/")
            status, page = browser.post(f"{one}/accounts/login/", {"username": "performance", "password": PASSWORD})
            assert "Sign out" in page

            # Signed in through one, the session is good on the other.
            status, page = browser.get(f"{two}/rounds/")
            assert status == 200 and "Open a period for updates" in page

            # A change through one is visible through the other.
            browser.post(f"{one}/rounds/", {"period": "Q3 2022/23", "deadline": "31/01/2023"})
            assert "Q3 2022/23" in browser.get(f"{two}/rounds/")[1]

            # A scorecard built on one is served from the shared cache by the other: mark the
            # cached copy, and the other server shows the mark.
            browser.get(f"{one}/scorecards/")
            keys = cached_scorecard_keys(shared, prefix)
            assert len(keys) == 1
            entry = unpack(shared.get(keys[0]))
            entry.pieces[-1] = squeeze(inflate(entry.pieces[-1]) + b"<p>Built by the other server</p>")
            shared.set(keys[0], entry, 60)
            assert "Built by the other server" in browser.get(f"{two}/scorecards/")[1]
            assert cached_scorecard_keys(shared, prefix) == keys
    finally:
        shared.clear() if cache == "database" else forget_keys(env.get("REDIS_URL", ""), prefix)


def cached_scorecard_keys(shared, prefix: str) -> list[str]:
    """The cache keys (as Django names them) of the scorecards cached under `prefix`."""
    raw_prefix = f"{prefix}:1:"
    if isinstance(shared, RedisCache):
        client = redis.Redis.from_url(shared._servers[0])
        raw = [key.decode() for key in client.scan_iter(f"{raw_prefix}scorecard:*")]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM perfdash_cache WHERE cache_key LIKE %s", [f"{raw_prefix}scorecard:%"])
            raw = [row[0] for row in cursor.fetchall()]
    return sorted(key.removeprefix(raw_prefix) for key in raw)


def forget_keys(url: str, prefix: str) -> None:
    """Delete this test's keys only: the Redis database may be shared, so never flush it."""
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


# Backups


def issue(title: str, pdf: bytes) -> IssuedReport:
    report = CommitteeReport.objects.create(
        title=title, committee=make_committee(), meeting_date=dt.date(2022, 11, 30), period=Period.parse("Q2 2022/23")
    )
    return IssuedReport.objects.create(report=report, data={"title": title}, pdf=pdf, page_count=1)


def small_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{text}</h1>").write_pdf()


@pytest.mark.django_db
def test_verify_archive_checks_every_issued_pdf_against_its_sha256():
    first = issue("Q2 performance", small_pdf("Q2 performance"))
    issue("Q3 performance", small_pdf("Q3 performance"))
    out = io.StringIO()
    call_command("verify_archive", stdout=out)
    assert out.getvalue().strip() == "All 2 issued reports match their SHA-256."

    # Damage one copy behind the model's back, as a bad restore or a disk fault would.
    IssuedReport.objects.filter(pk=first.pk).update(pdf=bytes(first.pdf)[:-10])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 issued reports do not match"):
        call_command("verify_archive", stdout=io.StringIO(), stderr=err)
    assert f"MISMATCH: Q2 performance, issued {first.issued_at:%d %b %Y} (id {first.pk})" in err.getvalue()


def test_verify_archive_exits_non_zero_on_a_mismatch(tmp_path):
    database = tmp_path / "archive.sqlite3"
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    assert run_manage("migrate", "--noinput", **env).returncode == 0
    assert run_manage("verify_archive", **env).returncode == 0
    code = (
        "from tests.test_production import issue; from reports.models import IssuedReport;"
        "damaged = issue('Q2', b'%PDF-1.7 as issued');"
        "IssuedReport.objects.filter(pk=damaged.pk).update(pdf=b'%PDF-1.7 damaged')"
    )
    assert run_manage("shell", "-c", code, **env).returncode == 0
    result = run_manage("verify_archive", **env)
    assert result.returncode == 1
    assert "1 of 1 issued reports do not match" in result.stderr


def test_a_restored_dump_holds_every_issued_pdf_byte_for_byte(server_database_url, tmp_path):
    issued = [issue(f"Report {n}", small_pdf(f"Report {n}")) for n in range(3)]
    issued.append(issue("Every byte value", bytes(range(256)) * 64))
    db = connection.settings_dict
    pg = {"PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432), "PGUSER": db["USER"]}
    pg["PGPASSWORD"] = db["PASSWORD"] or ""
    restored = f"{db['NAME']}_restore"
    dump = tmp_path / "perfdash.dump"

    def run(*command: str) -> None:
        subprocess.run(command, env=os.environ | pg, check=True, capture_output=True, timeout=300)

    # The README's routine: a custom-format dump, restored into a fresh database.
    run("pg_dump", "--format=custom", f"--file={dump}", db["NAME"])
    run("dropdb", "--if-exists", restored)
    run("createdb", restored)
    try:
        run("pg_restore", "--no-owner", f"--dbname={restored}", str(dump))
        restored_url = server_database_url.rsplit("/", 1)[0] + f"/{restored}"
        result = run_manage("verify_archive", DEBUG="1", DATABASE_URL=restored_url)
        assert result.returncode == 0, result.stderr
        assert "All 4 issued reports match their SHA-256." in result.stdout
        with psycopg2.connect(restored_url) as restored_db, restored_db.cursor() as cursor:
            cursor.execute("SELECT id, pdf FROM reports_issuedreport")
            copies = {pk: bytes(pdf) for pk, pdf in cursor.fetchall()}
        restored_db.close()
        assert copies == {report.pk: bytes(report.pdf) for report in issued}
    finally:
        run("dropdb", "--if-exists", restored)


@pytest.mark.django_db
def test_prune_draft_pdfs_keeps_each_reports_latest_and_every_issued_report():
    issued = issue("Q2 performance", b"%PDF-1.7 issued")
    report = issued.report
    long_ago = timezone.now() - dt.timedelta(days=40)
    old, latest_old = (
        ReportRender.objects.create(report=report, status=ReportRender.Status.DONE, pdf=b"%PDF", finished_at=long_ago)
        for _ in range(2)
    )
    failed = ReportRender.objects.create(report=report, status=ReportRender.Status.FAILED, finished_at=long_ago)
    waiting = ReportRender.objects.create(report=report)  # queued: never pruned
    other_report = issue("Q3 performance", b"%PDF-1.7 other").report
    only = ReportRender.objects.create(
        report=other_report, status=ReportRender.Status.DONE, pdf=b"%PDF", finished_at=long_ago
    )

    out = io.StringIO()
    call_command("prune_draft_pdfs", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "Deleted 2 draft PDFs finished more than 30 days ago."
    assert set(ReportRender.objects.values_list("pk", flat=True)) == {latest_old.pk, waiting.pk, only.pk}
    assert not ReportRender.objects.filter(pk__in=[old.pk, failed.pk]).exists()
    assert IssuedReport.objects.count() == 2
