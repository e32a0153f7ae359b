"""Running for real: the gunicorn configuration, refusing unsafe settings, health, caches, backups."""

import datetime as dt
import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from perfdash.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!q-production-like-secret-key-for-the-gunicorn-tests-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def environment(**env: str) -> dict[str, str]:
    """This process's environment without its Django and test switches, plus `env`."""
    leave_out = set(PRODUCTION) | {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {k: v for k, v in os.environ.items() if k not in leave_out} | env


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
        timeout=120,
        check=False,
    )


# Health


def queued_task(waited: dt.timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="reports.tasks.render_report",
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
    assert "is `manage.py db_worker` running?" in body["checks"]["worker"]["error"]
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
