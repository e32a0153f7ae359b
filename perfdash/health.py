"""/healthz: is this app server fit to serve, and is the background worker keeping up?

For load balancers and monitoring; no sign-in. 200 when every check passes, 503 otherwise, with
JSON saying which. `/healthz/web` checks only what a web server needs (database and cache), so a
stuck worker does not take every web server out of a load balancer.

The django-tasks-db worker keeps no heartbeat, so its health is read from the queue: the age of the
oldest task ready to run (a running worker takes each within seconds) and of the last finished one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

Check = dict[str, Any]


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not reachable"; the message says which
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> Check:
    """Write and read back a value, as a page build does (a shared cache must answer both ways)."""
    key, value = "healthz", secrets.token_hex(8)
    try:
        cache.set(key, value, 30)
        read = cache.get(key)
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if read != value:
        return {"ok": False, "backend": backend, "error": "a value written could not be read back"}
    return {"ok": True, "backend": backend}


def _seconds_since(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def check_worker(now: dt.datetime | None = None) -> Check:
    """The queue's length and how long its oldest ready task has waited: more than
    WORKER_STALE_AFTER seconds means no worker is taking tasks."""
    now = now or timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
        last_finished = (
            DBTaskResult.objects.finished().order_by("-finished_at").values_list("finished_at", flat=True).first()
        )
        check = {
            "queue_length": ready.count(),
            "running": DBTaskResult.objects.running().count(),
            "oldest_ready_seconds": _seconds_since(waiting, now),
            "last_finished_seconds": _seconds_since(last_finished, now),
        }
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    oldest = check["oldest_ready_seconds"]
    check["ok"] = oldest is None or oldest <= settings.WORKER_STALE_AFTER
    if not check["ok"]:
        check["error"] = f"a task has waited {oldest} s: is `manage.py run_worker` running?"
    return check


def health(include_worker: bool = True) -> tuple[bool, dict[str, Check]]:
    checks = {"database": check_database(), "cache": check_cache()}
    if include_worker:
        checks["worker"] = check_worker() if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    return all(check["ok"] for check in checks.values()), checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, checks = health(include_worker=True)
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)


@never_cache
@require_GET
def healthz_web(request: HttpRequest) -> JsonResponse:
    ok, checks = health(include_worker=False)
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)
