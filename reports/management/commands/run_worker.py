"""The background worker: `db_worker` (django-tasks-db) kept running through database outages.

django-tasks-db's worker exits on any database error other than a locked SQLite file, so this
wrapper runs it in a loop: after an outage it closes the broken connections, waits (1 s, 2 s, 4 s …
up to --max-backoff) and starts it again. Before each start, and every RECOVERY_SECONDS from a
thread while it runs, it requeues or fails renders whose worker died (`recover_stale_renders`).
A SIGTERM or Ctrl+C still stops it as it stops db_worker (the current render finishes first).
A supervisor (systemd's `Restart=always`) restarts it if the process itself dies.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core import management
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, connections

from reports.committee.tasks import RECOVERY_SECONDS, recover_stale_renders

logger = logging.getLogger(__name__)

# A run this long is a recovery: the next outage starts its backoff from one second again.
HEALTHY_RUN_SECONDS = 60


def _recover_quietly() -> None:
    try:
        recover_stale_renders()
    except DatabaseError:
        logger.warning("Could not check for stale renders (database unavailable); trying again later", exc_info=True)
        connections.close_all()


class Command(BaseCommand):
    help = "Run the background worker, restarting it after a database outage and recovering stale renders."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--worker-id", help="Unique across the worker pool (default: db_worker's random id)")
        parser.add_argument("--batch", action="store_true", help="Run the tasks waiting, then exit (tests, cron)")
        parser.add_argument("--interval", type=float, default=1, help="Seconds between looks at an empty queue")
        parser.add_argument("--max-backoff", type=float, default=60, help="Longest wait between restarts (s)")
        parser.add_argument(
            "--max-restarts", type=int, default=None, help="Give up (exit non-zero) after this many; default never"
        )

    def handle(self, *args, worker_id, batch, interval, max_backoff, max_restarts, **options) -> None:
        stop = threading.Event()
        if not batch:
            threading.Thread(target=self._recover_every, args=(stop,), name="render-recovery", daemon=True).start()
        worker_options = {"batch": batch, "interval": interval, "reload": False, "startup_delay": False}
        if worker_id:
            worker_options["worker_id"] = worker_id
        restarts, delay = 0, 1.0
        try:
            while True:
                started = time.monotonic()
                try:
                    _recover_quietly()
                    management.call_command("db_worker", stdout=self.stdout, stderr=self.stderr, **worker_options)
                    return
                except DatabaseError as error:
                    restarts += 1
                    if max_restarts is not None and restarts > max_restarts:
                        raise CommandError(
                            f"The database is still unavailable after {max_restarts} restarts."
                        ) from error
                    if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                        delay = 1.0
                    logger.warning("Worker stopped by a database error (%s); restarting in %.0f s", error, delay)
                    self.stderr.write(f"Database error: {error}. Restarting the worker in {delay:.0f} s.")
                    connections.close_all()
                    time.sleep(delay)
                    delay = min(delay * 2, max_backoff)
        finally:
            stop.set()

    @staticmethod
    def _recover_every(stop: threading.Event) -> None:
        try:
            while not stop.wait(RECOVERY_SECONDS):
                _recover_quietly()
        finally:
            connection.close()
