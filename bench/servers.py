"""Starting the app under gunicorn for the benchmarks that drive it over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(base: str, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with deploy/gunicorn.conf.py and `env`, once its web check answers at `base` (up to a minute)."""
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/healthz/web", timeout=5).close()  # noqa: S310 - loopback
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer at {base} within a minute")
