"""gunicorn settings for perfdash: `gunicorn -c deploy/gunicorn.conf.py`, everything from the environment.

    GUNICORN_BIND        address to listen on (default 127.0.0.1:8000; $PORT, as platforms set it, wins)
    WEB_CONCURRENCY      worker processes (default 2 per core + 1)
    GUNICORN_THREADS     threads per worker (default 1: sync workers; more uses gthread workers)
    GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (default 60)
    GUNICORN_GRACEFUL_TIMEOUT  seconds workers get to finish their requests on restart/stop (default 30)
    GUNICORN_MAX_REQUESTS      requests before a worker is replaced, bounding memory growth (default 2000)
    FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1)
    ACCESS_LOG           access log file, "-" for standard output (default), "" for none

Sync workers suit perfdash: pages are CPU-bound (building and rendering scorecards), so a worker
per core and one more keeps the cores busy while a request waits on PostgreSQL. bench/rush.py
measures a quarter-end rush against this configuration (figures in bench/README.md).
"""

import gc
import multiprocessing
import os

wsgi_app = "perfdash.wsgi:application"

if os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Load Django once in the master, so a bad configuration stops the server before any worker forks,
# and the workers share the loaded code's memory.
preload_app = True
# Supervised by systemd or the platform: no control socket (one fixed path per user would clash
# between instances).
control_socket_disable = True

accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
# Who, what, status, size, and the time taken in microseconds (%(D)s) for spotting slow pages.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'


def when_ready(server) -> None:
    """Move everything loaded so far into the permanent generation before the workers fork.

    The garbage collector then never scans the app's own objects (modules, settings, templates):
    a big scorecard page allocates enough to trigger full collections, which would otherwise walk
    them all, and touching them would copy the master's shared pages into every worker.
    """
    gc.freeze()


def post_worker_init(worker) -> None:
    """The same for workers that loaded the app themselves (preload_app turned off with --no-preload)."""
    if not worker.cfg.preload_app:
        gc.freeze()
