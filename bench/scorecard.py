"""Time the scorecard and indicator pages on a large council, server-side, and print median figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/scorecard.py [--scale 1 2]

For each scale (1: 30 services, 1,000 actions, 1,000 indicators; 2: twice that, in a database of
its own named with "_2x"), a child process creates (or reuses) the database, fills it with
bench/large_council.py, freezes the start-up objects out of the garbage collector as gunicorn's
hooks do, then renders each page through Django's test client and prints the median of
`BENCH_RUNS` (default 15) runs with the load average beside it: cold (built afresh, as after any
change), warm (from the cache), the floor (the same rows in one raw SQL query) and their ratio,
"one plan changed" (one plan's action update saved, then the council page), and the indicator,
action and benchmarking pages (the bench council gets published benchmarking figures: 32
councils, ten years, a tenth of its indicators). The last line sums the run up:
`RESULT council_cold_ms=... council_2x_cold_ms=... council_cold_fastest_ms=... floor_ms=...
indicator_cold_ms=... action_cold_ms=... reference_ms=...`: the fastest of the cold runs beside their
median, and a fixed piece of pure Python timed in the same run (`reference_work`), by which runs on
machines of different speed, or on one machine at different moments, compare (roughly: its time
includes garbage collection, which grows with what the process holds).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfdash_bench")
# The shared cache production runs (deploy/env.example); CACHE=database measures the cache table.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
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

from bench.large_council import generate, generate_benchmarking  # noqa: E402
from indicators.models import Action, ActionUpdate, Committee, ComparatorCouncil, Indicator, Plan  # noqa: E402
from reports.scorecards.cache import forget_recent  # noqa: E402
from reports.scorecards.filters import RED_AND_AMBER_QUERY  # noqa: E402

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


def clear_caches() -> None:
    """Cold: the shared cache emptied, and what this process kept of the pages it served."""
    cache.clear()
    forget_recent()


def samples_ms(fn) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median_ms(fn) -> float:
    return statistics.median(samples_ms(fn))


def reference_work() -> None:
    """A fixed piece of pure Python (dicts keyed by tuples, as a scorecard build makes): timed
    beside the council page, it shows how fast the machine was during the run. Shared machines
    vary by up to 2x within minutes, so figures from different runs compare only beside it."""
    found = {}
    for n in range(100_000):
        found[(n, str(n))] = n


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def measure_scale(scale: int) -> dict[str, float]:
    """Runs in the child for one scale: prints the table, returns the figures for the RESULT line."""
    ensure_database_exists()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # for CACHE=database
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files (manifest)
    if not Indicator.objects.filter(code__startswith="BENCH-").exists():
        print(f"Generating the large council at {scale}x...")
        start = time.perf_counter()
        generate(services=30 * scale, actions=1000 * scale, indicators=1000 * scale)
        print(f"  generated in {time.perf_counter() - start:.1f} s")
    if not ComparatorCouncil.objects.filter(name__startswith="Bench council").exists():
        generate_benchmarking(indicators=100 * scale)
    gc.collect()
    gc.freeze()  # as deploy/gunicorn.conf.py does after start-up
    user, _ = get_user_model().objects.get_or_create(username="bench-member")
    client = Client()
    client.force_login(user)

    period = "2022/23-Q2"
    council = reverse("reports:council_scorecard")
    pages = {
        "council-wide scorecard (all rows)": council,
        "committee scorecard (a third)": reverse("reports:committee_scorecard", args=["bench-committee-0"]),
        "plan scorecard (one service)": reverse("reports:plan_scorecard", args=[Plan.objects.get(code="BENCH-0").pk]),
        "council-wide, only red and amber": council + "?" + RED_AND_AMBER_QUERY,
    }
    print(
        f"== scale {scale}x; database: {connection.vendor}; cache: {settings.CACHE}; {RUNS} runs each; "
        f"period Q2 2022/23; {load()}"
    )
    print(f"{'page':<36} {'rows':>6} {'cold ms':>9} {'warm ms':>9} {'queries':>8}")
    figures: dict[str, float] = {}
    for name, url in pages.items():
        url = url + ("&" if "?" in url else "?") + f"period={period}"
        queries: list[str] = []

        def record(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        clear_caches()
        with connection.execute_wrapper(record):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        rows = response.content.count(b'<th scope="row"><a href="/')
        # Cold: built and rendered afresh (as after any change to the data); warm: served from the cache.
        cold_samples = samples_ms(lambda url=url: (clear_caches(), client.get(url)))
        cold = statistics.median(cold_samples)
        warm = median_ms(lambda url=url: client.get(url))
        print(f"{name:<36} {rows:>6} {cold:>9.1f} {warm:>9.1f} {len(queries):>8}   {load()}")
        if "council_cold_ms" not in figures:
            reference = samples_ms(reference_work)
            figures.update(
                council_cold_ms=cold,
                council_cold_fastest_ms=min(cold_samples),
                council_warm_ms=warm,
                reference_ms=statistics.median(reference),
            )
            print(
                f"{'  (council cold: fastest of the runs)':<36} {'':>6} {min(cold_samples):>9.1f}"
                f"   reference work {statistics.median(reference):.1f} ms (fastest {min(reference):.1f}, "
                f"slowest {max(reference):.1f})"
            )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, {"period": period})
            return cursor.fetchall()

    figures["floor_ms"] = median_ms(floor)
    print(f"{'floor: same rows, one raw SQL query':<36} {len(floor()):>6} {figures['floor_ms']:>9.1f} {'':>9} {1:>8}")
    print(f"council cold / floor: {figures['council_cold_ms'] / figures['floor_ms']:.1f}x")

    # One plan changed: an officer's approved update in one plan is saved again (a new audit row,
    # as any edit makes), then the council page is asked for.
    update = ActionUpdate.objects.filter(action__plan__code="BENCH-1", period=period).first()
    council_url = f"{council}?period={period}"

    def change_one_plan() -> None:
        update.save()
        client.get(council_url)

    client.get(council_url)
    figures["one_plan_changed_ms"] = median_ms(change_one_plan)
    print(f"{'council page after one plan changed':<36} {'':>6} {figures['one_plan_changed_ms']:>9.1f}   {load()}")

    # A filter asked for after the whole page was seen: only the rows it shows are rendered.
    filtered_url = f"{council_url}&{RED_AND_AMBER_QUERY}"
    samples = []
    for _ in range(RUNS):
        clear_caches()
        client.get(council_url)
        start = time.perf_counter()
        client.get(filtered_url)
        samples.append((time.perf_counter() - start) * 1000)
    figures["filtered_after_whole_ms"] = statistics.median(samples)
    print(f"{'only red and amber, after the whole':<36} {'':>6} {figures['filtered_after_whole_ms']:>9.1f}   {load()}")

    # Single-item pages, cold: an indicator (with its charts), an action in a group of five (with
    # its plan's progress), the benchmarking list (every benchmarked indicator's latest year) and
    # one benchmarked indicator (its ranks and charts).
    indicator = Indicator.objects.filter(code__startswith="BENCH-PI").order_by("id").first()
    action = Action.objects.filter(plan__code="BENCH-0", parent__isnull=False).order_by("id").first()
    single_pages = {
        "indicator": reverse("reports:indicator", args=[indicator.pk]),
        "action": reverse("reports:action", args=[action.pk]) + f"?period={period}",
        "benchmarking": reverse("reports:benchmarking"),
        "benchmark_indicator": reverse("reports:benchmark_indicator", args=[indicator.pk]),
    }
    for name, url in single_pages.items():
        assert client.get(url).status_code == 200, url
        figures[f"{name}_cold_ms"] = median_ms(lambda url=url: (clear_caches(), client.get(url)))
        figures[f"{name}_warm_ms"] = median_ms(lambda url=url: client.get(url))
        label = f"{name.replace('_', ' ')} page (cold, warm)"
        print(f"{label:<36} {'':>6} {figures[f'{name}_cold_ms']:>9.1f} {figures[f'{name}_warm_ms']:>9.1f}   {load()}")
    assert Committee.objects.filter(slug="bench-committee-0").exists()
    return figures


def database_for(scale: int) -> str:
    base = os.environ["DATABASE_URL"]
    return base if scale == 1 else f"{base}_{scale}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 2], help="sizes of the council (default: 1 2)")
    args = parser.parse_args()
    results: dict[int, dict[str, float]] = {}
    for scale in args.scale:
        env = {**os.environ, "DATABASE_URL": database_for(scale)}
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(scale)], env=env, capture_output=True, text=True, check=False
        )
        print(child.stdout, end="")
        if child.returncode:
            print(child.stderr, file=sys.stderr)
            sys.exit(child.returncode)
        results[scale] = json.loads(child.stdout.strip().splitlines()[-1].removeprefix("FIGURES "))
    first = results[min(results)]
    line = [
        f"council_cold_ms={first['council_cold_ms']:.0f}",
        *(f"council_{s}x_cold_ms={r['council_cold_ms']:.0f}" for s, r in results.items() if s != min(results)),
        f"council_cold_fastest_ms={first['council_cold_fastest_ms']:.0f}",
        f"council_warm_ms={first['council_warm_ms']:.0f}",
        f"floor_ms={first['floor_ms']:.1f}",
        f"one_plan_changed_ms={first['one_plan_changed_ms']:.0f}",
        f"filtered_after_whole_ms={first['filtered_after_whole_ms']:.0f}",
        f"indicator_cold_ms={first['indicator_cold_ms']:.0f}",
        f"action_cold_ms={first['action_cold_ms']:.0f}",
        f"benchmarking_cold_ms={first['benchmarking_cold_ms']:.0f}",
        f"benchmark_indicator_cold_ms={first['benchmark_indicator_cold_ms']:.0f}",
        f"reference_ms={first['reference_ms']:.1f}",
    ]
    print("RESULT " + " ".join(line))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print("FIGURES " + json.dumps(measure_scale(int(sys.argv[2]))))
    else:
        main()
