"""Time committee report PDFs: the seed-size appendix and a 1,000-action, 1,000-indicator one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfdash_bench .venv/bin/python bench/pdf.py

Each PDF is made in a fresh child process, as the background worker would, so its time and
peak memory are its own. The large report is made three ways: as one document (as small reports
are), and in parts (reports/committee/parts.py) one and two at a time. Peak memory is the most the
child and the processes it starts held at any one moment (sampled every 0.1 s). The same HTML is
also printed by headless Chromium for comparison. Last, the Word drafts of both are timed in this
process, as the request that asks for one makes it.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
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
from reports.committee.docx import write_docx  # noqa: E402
from reports.committee.parts import render_in_parts  # noqa: E402
from reports.committee.pdf import build_report_data, render_html, render_parts, snapshot, write_pdf  # noqa: E402
from reports.models import CommitteeReport  # noqa: E402

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


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its children, in MB."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(entry.name) == pid or int(fields[1]) == pid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, IndexError, ValueError):
            continue
    return total


def render_child(report_id: int, out: str, mode: str) -> None:
    """Runs in the child: build, render and write one PDF; print its timings and peak memory."""
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))
            time.sleep(0.1)

    threading.Thread(target=sample, daemon=True).start()
    start = time.perf_counter()
    data = build_report_data(CommitteeReport.objects.get(pk=report_id))
    html = render_html(data)
    Path(out + ".html").write_text(html, encoding="utf-8")
    parts = render_parts(data) if mode.startswith("parts") else []
    built = time.perf_counter()
    if mode == "warm":  # the second of two in one process, as a long-running worker makes them
        write_pdf(html)
        built = time.perf_counter()
    if mode in ("single", "warm"):
        pdf, pages = write_pdf(html)
    else:
        pdf, pages = render_in_parts(parts, str(ROOT), int(mode.split(":")[1]))
    Path(out).write_bytes(pdf)
    finished = time.perf_counter()
    done.set()
    peak_mb = max(peak[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"{pages} {built - start:.2f} {finished - built:.2f} {peak_mb:.0f}")


def chromium_seconds(html_file: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-pdf-header-footer", f"--print-to-pdf={html_file}.chromium.pdf", f"file://{html_file}"],
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    return time.perf_counter() - start


def measure(
    report_id: int, label: str, workdir: str, mode: str = "single", chromium_s: float | None = None
) -> dict[str, float]:
    """Make one PDF in a child process and print its line; Chromium prints the same HTML unless
    its time (`chromium_s`) is given, from an earlier line of the same report."""
    out = os.path.join(workdir, f"report-{report_id}.pdf")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(report_id), out, mode], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    pages, data_s, pdf_s, peak_mb = result.stdout.split()[-4:]
    if chromium_s is None:
        chromium_s = chromium_seconds(out + ".html")
    print(
        f"{label:<40} {pages:>5} {float(data_s):>8.2f} {float(pdf_s):>9.2f} {wall:>8.2f} {peak_mb:>8}"
        f" {chromium_s:>9.2f} {float(pdf_s) / chromium_s:>7.1f}x   load {os.getloadavg()[0]:.2f}"
    )
    return {"layout_s": float(pdf_s), "chromium_s": chromium_s, "peak_mb": float(peak_mb)}


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
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} (2 cores)")
    columns = ["pages", "data s", "layout s", "total s", "peak MB", "chrome s", "ratio"]
    widths = [5, 8, 9, 8, 8, 9, 8]
    print(f"{'report':<40} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    with tempfile.TemporaryDirectory() as workdir:
        seed_cold = measure(seed.pk, "seed size (1 plan, 15 actions, 13 PIs)", workdir)
        seed_run = measure(seed.pk, "seed size, warm process", workdir, "warm", seed_cold["chromium_s"])
        one = measure(large.pk, "large, one document", workdir)
        chromium_s = one["chromium_s"]
        measure(large.pk, "large, in parts, 1 at a time", workdir, "parts:1", chromium_s)
        # Chromium again beside the run that counts, so both meet the same machine load.
        parts = measure(large.pk, "large, in parts, 2 at a time", workdir, "parts:2")
    # The Word draft is made in the request (reports/committee/views.draft_docx): its time here.
    for name, which in (("seed", seed), ("large", large)):
        start = time.perf_counter()
        data = snapshot(build_report_data(which))
        built = time.perf_counter()
        size = len(write_docx(data))
        print(
            f"Word draft, {name}: data {built - start:.2f} s, document {time.perf_counter() - built:.2f} s, "
            f"{size // 1024} KB"
        )
    print(
        f"RESULT seed_s={seed_run['layout_s']:.2f} large_s={parts['layout_s']:.2f} "
        f"chromium_s={parts['chromium_s']:.2f} ratio={parts['layout_s'] / parts['chromium_s']:.2f} "
        f"peak_mb={parts['peak_mb']:.0f}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        render_child(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
