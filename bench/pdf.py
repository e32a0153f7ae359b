"""Time committee report PDFs: the seed-size appendix and a 1,000-action, 1,000-indicator one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/pdf.py

Each PDF is made in a fresh child process, as the background worker would, so its time and
peak memory are its own. The same HTML is also printed by headless Chromium for comparison.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfdash_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.scorecard import ensure_database_exists  # noqa: E402
from indicators.models import Committee, Indicator, Service  # noqa: E402
from indicators.periods import Period  # noqa: E402
from reports.models import CommitteeReport  # noqa: E402
from reports.pdf import build_report_data, render_html, write_pdf  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def report(title: str, committee: Committee, services) -> CommitteeReport:
    found, _ = CommitteeReport.objects.get_or_create(
        title=title,
        defaults={
            "committee": committee,
            "meeting_date": dt.date(2022, 11, 30),
            "period": Period.parse("Q2 2022/23"),
            "include_risks": True,
        },
    )
    found.services.set(services)
    return found


def render_child(report_id: int, out: str) -> None:
    """Runs in the child: build, render and write one PDF; print its timings."""
    start = time.perf_counter()
    data = build_report_data(CommitteeReport.objects.get(pk=report_id))
    html = render_html(data)
    Path(out + ".html").write_text(html, encoding="utf-8")
    built = time.perf_counter()
    pdf, pages = write_pdf(html)
    Path(out).write_bytes(pdf)
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{pages} {built - start:.2f} {done - built:.2f} {peak_mb:.0f}")


def measure(report_id: int, label: str, workdir: str) -> None:
    out = os.path.join(workdir, f"report-{report_id}.pdf")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(report_id), out], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    pages, data_s, pdf_s, peak_mb = result.stdout.split()[-4:]
    chrome_start = time.perf_counter()
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-pdf-header-footer", f"--print-to-pdf={out}.chromium.pdf", f"file://{out}.html"],
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    chrome_s = time.perf_counter() - chrome_start
    print(
        f"{label:<34} {pages:>5} {float(data_s):>8.2f} {float(pdf_s):>9.2f} {wall:>8.2f} {peak_mb:>8}"
        f" {chrome_s:>9.2f} {float(pdf_s) / chrome_s:>7.1f}x"
    )


def main() -> None:
    ensure_database_exists()
    call_command("migrate", verbosity=0)
    if not Committee.objects.filter(slug="ecod").exists():
        call_command("load_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if not Indicator.objects.filter(code__startswith="BENCH-").exists():
        from bench.large_council import generate

        generate()
    ecod = Committee.objects.get(slug="ecod")
    seed = report("Bench: seed-size appendix", ecod, ecod.services.all())
    large = report("Bench: 1,000 actions and 1,000 indicators", ecod, Service.objects.filter(name__startswith="Bench"))
    print("PDF = WeasyPrint (tagged PDF/UA-1), each in a fresh process; Chromium prints the same HTML.")
    columns = ["pages", "data s", "layout s", "total s", "peak MB", "chrome s", "ratio"]
    widths = [5, 8, 9, 8, 8, 9, 8]
    print(f"{'report':<34} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    with tempfile.TemporaryDirectory() as workdir:
        measure(seed.pk, "seed size (1 plan, 15 actions, 12 PIs)", workdir)
        measure(large.pk, "large (30 plans, 1,000 + 1,000)", workdir)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        render_child(int(sys.argv[2]), sys.argv[3])
    else:
        main()
