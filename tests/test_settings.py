import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!q-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "performance.example.gov.uk",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    leave_out = set(PRODUCTION) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leave_out} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_key_is_flagged_by_check_deploy():
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://postgres@127.0.0.1:5432/perfdash", "django.db.backends.postgresql"),
        ("", "django.db.backends.sqlite3"),
    ],
)
def test_database_url(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_manage("shell", "-c", code, DATABASE_URL=url)
    assert result.stdout.strip().splitlines()[-1] == engine


def test_time_zone_and_language(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"


def test_system_checks_pass():
    result = run_manage("check", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


SQLITE_WRITERS = """
import sqlite3, sys, threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS renders (n integer)")

def the_worker():
    other = sqlite3.connect(sys.argv[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO renders VALUES (1)")
    started.set()
    time.sleep(1)
    other.execute("COMMIT")

started = threading.Event()
worker = threading.Thread(target=the_worker)
worker.start()
started.wait()  # the worker is writing
with transaction.atomic():  # as an issue does: read, then write
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM renders")
        cursor.execute("INSERT INTO renders VALUES (2)")
worker.join()
with connection.cursor() as cursor:
    print(cursor.execute("SELECT count(*) FROM renders").fetchone()[0])
"""


def test_sqlite_waits_for_another_writer_rather_than_failing(tmp_path):
    """The web server and `db_worker` share an SQLite file: a request that reads and then writes
    while the worker writes once failed at once with "database is locked" (an issue, in the demo)."""
    database = tmp_path / "shared.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_WRITERS, str(database)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "perfdash.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "2"
