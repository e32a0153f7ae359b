"""Time importing 100,000 indicator values from CSV on the benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/imports.py

Uses the large council's 1,000 indicators (bench/large_council.py) with 100 quarters each: the 20
quarters they already have become changed values, the other 80 are new (values imported by an
earlier run are removed first, with their history, so every run starts alike). Prints the time
to validate and preview, the time to write, the second run (which must change nothing) and peak
memory.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfdash_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.scorecard import ensure_database_exists  # noqa: E402
from indicators.imports import ImportOptions, apply_import, plan_import  # noqa: E402
from indicators.models import Indicator, IndicatorValue, Role  # noqa: E402
from indicators.periods import Period  # noqa: E402

ROWS_PER_INDICATOR = 100


def remove_earlier_imports(periods: list[Period]) -> None:
    """Delete values (and their history) outside the large council's own quarters, in SQL: the
    ORM's delete would load 80,000 objects and make this process's peak memory its own."""
    earlier = IndicatorValue.objects.filter(indicator__code__startswith="BENCH-PI").exclude(
        period__in=[p.key for p in periods]
    )
    ids_sql, params = earlier.values("id").query.sql_with_params()
    values_table = IndicatorValue._meta.db_table
    history_table = IndicatorValue.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {history_table} WHERE id IN ({ids_sql})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM {values_table} WHERE id IN ({ids_sql})", params)  # noqa: S608
        # The deletions above are the benchmark's own churn: cleared, so that every run starts
        # from tables alike rather than from the dead rows of all the runs before it.
        for table in (values_table, history_table):
            cursor.execute(f"VACUUM ANALYZE {table}")


def large_council_quarters() -> list[Period]:
    periods = [Period.parse("Q2 2022/23")]
    while len(periods) < 20:
        periods.append(periods[-1].previous())
    return periods


def performance_user():
    user, created = get_user_model().objects.get_or_create(username="bench-performance")
    if created:
        Role.objects.create(user=user, kind=Role.Kind.PERFORMANCE)
    return user


def make_csv(salt: int) -> bytes:
    codes = list(Indicator.objects.filter(code__startswith="BENCH-PI").order_by("id").values_list("code", flat=True))
    periods = [Period.parse("Q2 2022/23")]
    while len(periods) < ROWS_PER_INDICATOR:
        periods.append(periods[-1].previous())
    lines = ["indicator_code,period,value,commentary"]
    for n, code in enumerate(codes):
        for i, period in enumerate(periods):
            lines.append(f"{code},{period.label},{(n * 7 + i * 3 + salt) % 1000 / 10},Imported for the benchmark")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    ensure_database_exists()
    call_command("migrate", verbosity=0)
    if not Indicator.objects.filter(code__startswith="BENCH-").exists():
        from bench.large_council import generate

        generate()
    remove_earlier_imports(large_council_quarters())
    # As the performance team importing a year's history would: with a reason, so that periods
    # whose report has been issued (the demo's, if it is loaded here too) may be corrected.
    options = ImportOptions(user=performance_user(), correction_reason="Benchmark: published figures re-imported")
    # A new salt each run: the large council's own 20,000 values all change.
    content = make_csv(salt=int(time.time()) % 997 + 1)
    rows = content.count(b"\n") - 1
    print(f"database: {connection.vendor}; {rows:,} rows, {len(content) / 1e6:.1f} MB of CSV")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory before importing {before:.0f} MB (Python, Django, the CSV)")
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} (2 cores: above 1, slower)")
    for attempt in ("first import", "same file again"):
        cpu_start = time.process_time()
        start = time.perf_counter()
        plan = plan_import("values", content, "bench-values.csv", options)
        checked = time.perf_counter()
        assert plan.valid, plan.errors[:5]
        created, changed = apply_import(plan, options.user, options.correction_reason)
        written = time.perf_counter()
        print(
            f"{attempt:<16} check+preview {checked - start:6.2f} s   write {written - checked:6.2f} s   "
            f"total {written - start:6.2f} s (this process's CPU {time.process_time() - cpu_start:5.2f} s)   "
            f"new {created:,} changed {changed:,} unchanged {plan.unchanged:,}   "
            f"peak memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
        del plan  # as in the web process: one import's plan at a time
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
