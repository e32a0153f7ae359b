"""Helpers for tests that run perfdash (or a stand-in identity provider) in servers of their own."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server: subprocess.Popen, url: str) -> None:
    """Wait (a minute at most) until `url` answers 200, or fail with the server's own error output."""
    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"the server stopped: {server.stderr.read()}")
            time.sleep(0.5)
    pytest.fail(f"nothing answered {url} within a minute")


@contextmanager
def gunicorn(env: dict[str, str]):
    """A gunicorn with our config on a free loopback port, stopped (gracefully) on leaving."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment(**env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", GUNICORN_THREADS="2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, f"{base}/healthz/web")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
