"""Time the scorecard pages on a large council, server-side, and print median figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/scorecard.py

Creates (or reuses) the benchmark database, fills it with bench/large_council.py, then renders
each scorecard through Django's test client and prints the median time, the query count and
the floor: the same rows fetched with one raw SQL query.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfdash_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.large_council import generate  # noqa: E402
from indicators.models import Committee, Indicator, Plan  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
FLOOR_SQL = """
SELECT a.code, a.title, a.due_date, u.progress, u.narrative, NULL, NULL
FROM indicators_action a
LEFT JOIN indicators_actionupdate u ON u.action_id = a.id AND u.period = %(period)s
UNION ALL
SELECT i.code, i.title, NULL, NULL, v.commentary, v.value, t.value
FROM indicators_indicator i
LEFT JOIN indicators_indicatorvalue v ON v.indicator_id = i.id AND v.period = %(period)s
LEFT JOIN indicators_target t ON t.indicator_id = i.id AND t.period = %(period)s
"""


def ensure_database_exists() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg2

    params = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres", user=params["USER"], host=params["HOST"], port=params["PORT"], password=params["PASSWORD"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{params["NAME"]}"')
    admin.close()


def median_ms(fn) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    ensure_database_exists()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files (manifest)
    if not Indicator.objects.filter(code__startswith="BENCH-").exists():
        print("Generating the large council (30 services, 1,000 actions, 1,000 indicators, 20 quarters)...")
        start = time.perf_counter()
        generate()
        print(f"  generated in {time.perf_counter() - start:.1f} s")
    user, _ = get_user_model().objects.get_or_create(username="bench-member")
    client = Client()
    client.force_login(user)

    period = "2022/23-Q2"
    pages = {
        "council-wide scorecard (all rows)": reverse("reports:council_scorecard"),
        "committee scorecard (a third)": reverse("reports:committee_scorecard", args=["bench-committee-0"]),
        "plan scorecard (one service)": reverse("reports:plan_scorecard", args=[Plan.objects.get(code="BENCH-0").pk]),
        "council-wide, only red and amber": reverse("reports:council_scorecard") + "?status=red&status=amber",
    }
    print(f"database: {connection.vendor}; {RUNS} runs each; period Q2 2022/23")
    print(f"{'page':<36} {'rows':>6} {'cold ms':>9} {'warm ms':>9} {'queries':>8}")
    for name, url in pages.items():
        url = url + ("&" if "?" in url else "?") + f"period={period}"
        queries: list[str] = []

        def record(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        cache.clear()
        with connection.execute_wrapper(record):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        rows = response.content.count(b'<th scope="row"><a href="/')
        # Cold: built and rendered afresh (as after any change to the data); warm: served from the cache.
        cold = median_ms(lambda url=url: (cache.clear(), client.get(url)))
        warm = median_ms(lambda url=url: client.get(url))
        print(f"{name:<36} {rows:>6} {cold:>9.1f} {warm:>9.1f} {len(queries):>8}")

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, {"period": period})
            return cursor.fetchall()

    print(f"{'floor: same rows, one raw SQL query':<36} {len(floor()):>6} {median_ms(floor):>9.1f} {'':>9} {1:>8}")
    assert Committee.objects.filter(slug="bench-committee-0").exists()


if __name__ == "__main__":
    main()
