"""Running for real: the gunicorn configuration, refusing unsafe settings, health, caches, backups."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
