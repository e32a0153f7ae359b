"""Workers that recover: a render whose worker died is retried or failed (never "running" for good),
the lease is renewed while a render runs, layout processes end with their parent, and the worker
comes back after a database outage."""

import contextlib
import datetime as dt
import io
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from indicators.periods import Period
from reports.committee import tasks
from reports.management.commands import run_worker
from reports.models import CommitteeReport, IssuedReport, ReportRender
from tests.factories import make_action, make_committee, make_performance_user, make_plan, make_service, make_update
from tests.servers import ROOT, environment, free_port

pytestmark = pytest.mark.django_db
LEASE = dt.timedelta(seconds=tasks.LEASE_SECONDS)


def small_report() -> CommitteeReport:
    service = make_service("Libraries")
    plan = make_plan(service, title="Libraries plan")
    make_update(make_action(plan, code="L1"), "Q2 2022/23", 50)
    return CommitteeReport.objects.create(
        title="Libraries: Quarter 2",
        committee=make_committee(service, name="Culture Committee"),
        meeting_date=dt.date(2022, 11, 30),
        period=Period.parse("Q2 2022/23"),
    )


def running(report, beat: dt.datetime, attempts: int = 1, **extra) -> ReportRender:
    return ReportRender.objects.create(
        report=report,
        status=ReportRender.Status.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        attempts=attempts,
        **extra,
    )


def test_a_stale_render_is_queued_again_and_a_render_given_up_is_failed_with_a_message(
    django_capture_on_commit_callbacks,
):
    report = small_report()
    now = timezone.now()
    stale = running(report, now - LEASE - dt.timedelta(seconds=1))
    exhausted = running(report, now - LEASE * 3, attempts=tasks.MAX_ATTEMPTS)
    alive = running(report, now - LEASE + dt.timedelta(seconds=5))
    queued = ReportRender.objects.create(report=report)
    enqueued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stale_renders(now, enqueue=enqueued.append) == 2
    assert enqueued == [stale.pk]
    states = dict(ReportRender.objects.values_list("pk", "status"))
    assert states == {stale.pk: "queued", exhausted.pk: "failed", alive.pk: "running", queued.pk: "queued"}
    failed = ReportRender.objects.get(pk=exhausted.pk)
    assert failed.error.startswith("The worker stopped while making this PDF (tried 2 times)")
    assert failed.finished_at == now
    # The retried render runs again, as a new attempt, and finishes.
    done = tasks.run_render(stale.pk)
    assert done.status == ReportRender.Status.DONE and done.attempts == 2 and bytes(done.pdf).startswith(b"%PDF")


def test_an_attempt_that_lost_its_lease_does_not_finish_over_its_replacement(monkeypatch):
    report = small_report()
    render = ReportRender.objects.create(report=report, issue=True, confirmation=uuid.uuid4())
    real_write = tasks.write_pdf

    def stalled_write(html):
        # While this attempt stalls, its lease expires and the render is queued again.
        ReportRender.objects.filter(pk=render.pk).update(status=ReportRender.Status.QUEUED)
        return real_write(html)

    monkeypatch.setattr(tasks, "write_pdf", stalled_write)
    result = tasks.run_render(render.pk)
    assert result.status == ReportRender.Status.QUEUED and not IssuedReport.objects.exists()
    monkeypatch.setattr(tasks, "write_pdf", real_write)
    assert tasks.run_render(render.pk).status == ReportRender.Status.DONE  # the next attempt issues it, once
    assert IssuedReport.objects.get(report=report).version == 1


def test_the_report_page_and_its_status_url_never_show_a_dead_render_running(client):
    report = small_report()
    dead = running(report, timezone.now() - LEASE * 2, attempts=tasks.MAX_ATTEMPTS)
    client.force_login(make_performance_user("perf"))
    status = client.get(reverse("reports:render_status", args=[report.pk])).json()
    assert status["waiting"] is False
    assert status["renders"][0]["status"] == "failed" and "worker stopped" in status["renders"][0]["error"]
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert "The worker stopped while making this PDF" in page and "being made in the background" not in page
    assert ReportRender.objects.get(pk=dead.pk).status == ReportRender.Status.FAILED


def test_recover_renders_command_reports_what_it_did():
    report = small_report()
    running(report, timezone.now() - LEASE * 2, attempts=tasks.MAX_ATTEMPTS)
    out = io.StringIO()
    call_command("recover_renders", stdout=out)
    assert out.getvalue().strip() == "1 stale render recovered."


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_while_a_render_runs(monkeypatch):
    report = small_report()
    render = ReportRender.objects.create(report=report)
    beats: list[dt.datetime] = []
    real_write = tasks.write_pdf

    def slow_write(html):
        # The render takes a few heartbeats: record the lease as the page would see it meanwhile.
        for _ in range(3):
            time.sleep(0.3)
            beats.append(ReportRender.objects.values_list("heartbeat_at", flat=True).get(pk=render.pk))
        return real_write(html)

    monkeypatch.setattr(tasks, "HEARTBEAT_SECONDS", 0.1)
    monkeypatch.setattr(tasks, "write_pdf", slow_write)
    tasks.run_render(render.pk, heartbeat=True)
    render.refresh_from_db()
    assert render.status == ReportRender.Status.DONE
    assert beats[0] < beats[-1], beats  # renewed while the layout ran


def test_run_worker_comes_back_after_a_database_outage(monkeypatch):
    calls: list[dict] = []
    sleeps: list[float] = []

    def db_worker(name, **options):
        calls.append(options)
        if len(calls) <= 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(run_worker.management, "call_command", db_worker)
    monkeypatch.setattr(run_worker.time, "sleep", sleeps.append)
    monkeypatch.setattr(run_worker, "recover_stale_renders", lambda: 0)
    err = io.StringIO()
    call_command("run_worker", batch=True, stderr=err, stdout=io.StringIO())
    assert len(calls) == 4 and sleeps == [1, 2, 4]
    assert calls[0]["reload"] is False and calls[0]["batch"] is True
    assert "Restarting the worker in 1 s" in err.getvalue()

    calls.clear()
    with pytest.raises(CommandError, match="still unavailable after 2 restarts"):
        call_command("run_worker", batch=True, max_restarts=2, stderr=io.StringIO(), stdout=io.StringIO())


POOL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing
    from reports.committee.parts import end_with_parent

    if __name__ == "__main__":
        initializer = end_with_parent if sys.argv[1] == "guarded" else None
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=initializer)
        futures = [pool.submit(time.sleep, 120) for _ in range(2)]  # busy, as laying out a part
        print("ready", flush=True)
        time.sleep(120)
    """
)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("kind", ["guarded", "unguarded"])
def test_layout_processes_end_with_their_parent(kind, tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    parent = subprocess.Popen(  # noqa: S603
        [sys.executable, str(script), kind], cwd=ROOT, env=environment(PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE
    )
    workers: set[int] = set()
    try:
        assert parent.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 30
        while len(workers := children_of(parent.pid) - {parent.pid}) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        # spawn starts a resource tracker too: the pool's processes are the ones still busy.
        assert len(workers) >= 2
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
        # Guarded workers end by signal, which on a loaded machine can take seconds to be acted on;
        # unguarded ones never end, so their wait is kept short.
        deadline = time.monotonic() + (20 if kind == "guarded" else 3)
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = {pid for pid in workers if alive(pid)}
        if kind == "guarded":
            # The resource tracker ends on its own when its pipe closes; the layout processes by signal.
            assert not survivors
        else:
            assert survivors  # without the initializer, busy layout processes outlive their parent
    finally:
        parent.kill()
        for pid in workers | children_of(parent.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_is_recovered_and_the_render_finishes(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    call_command("load_demo", force=True, stdout=io.StringIO())
    from tests.test_committee_reports import make_report

    monkeypatch.setattr(tasks, "INLINE_LIMIT", 0)  # the demo's report goes to the worker
    report = make_report(include_risks=True)
    admin = make_performance_user("perf")
    render = tasks.request_issue(report, admin, uuid.uuid4(), {"summary": "Nothing outstanding"}).render
    assert render.status == ReportRender.Status.QUEUED
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    issued_before = IssuedReport.objects.filter(report=report).count()
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=environment(DATABASE_URL=url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = ReportRender.objects.values_list("status", flat=True).get(pk=render.pk)
            if status != ReportRender.Status.QUEUED or worker.poll() is not None:
                break
            time.sleep(0.02)
        assert status == ReportRender.Status.RUNNING, status
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    render.refresh_from_db()
    assert render.status == ReportRender.Status.RUNNING and render.attempts == 1  # stuck, as the issue saw
    assert tasks.recover_stale_renders(timezone.now()) == 0  # within its lease: left alone

    # Past the lease the worker's check requeues it, and a restarted worker finishes it.
    assert tasks.recover_stale_renders(timezone.now() + LEASE + dt.timedelta(seconds=1)) == 1
    call_command("run_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    render.refresh_from_db()
    assert render.status == ReportRender.Status.DONE and render.attempts == 2
    assert IssuedReport.objects.filter(report=report).count() == issued_before + 1


class FlakyDatabase:
    """A TCP proxy to the database that can be cut off (every connection dropped, new ones
    refused) and brought back on the same port: a database outage, as the worker sees one."""

    def __init__(self, host: str, port: int) -> None:
        self.target, self.port = (host, port), free_port()
        self.open: list[socket.socket] = []
        self.up = threading.Event()
        self.connections = 0

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)
        self.up.set()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self.up.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            self.connections += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()
        listener.close()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up.clear()
        self.listener.close()
        for end in self.open:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
        self.open.clear()


@pytest.mark.django_db(transaction=True)
def test_the_worker_rides_out_a_database_outage(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    db = connection.settings_dict
    flaky = FlakyDatabase(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    flaky.start()
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@127.0.0.1:{flaky.port}/{db['NAME']}"
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--max-backoff", "1"],
        cwd=ROOT,
        env=environment(DATABASE_URL=url, CONN_MAX_AGE="600"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while flaky.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert flaky.connections, "the worker never connected"
        time.sleep(1)
        flaky.cut()  # the database goes away for a few seconds
        time.sleep(3)
        assert worker.poll() is None, "the worker exited during the outage"
        flaky.start()

        render = ReportRender.objects.create(report=small_report())
        tasks.render_report.enqueue(render.pk)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            render.refresh_from_db()
            if render.status in (ReportRender.Status.DONE, ReportRender.Status.FAILED) or worker.poll() is not None:
                break
            time.sleep(0.2)
        log.seek(0)
        output = log.read()
        assert render.status == ReportRender.Status.DONE, output
        assert worker.poll() is None and "Restarting the worker" in output
    finally:
        worker.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=30)
        if worker.poll() is None:
            worker.kill()
        flaky.cut()


def test_a_render_whose_enqueue_was_lost_is_queued_again_once_per_lease(django_capture_on_commit_callbacks):
    """A render is queued after its transaction commits: if that enqueue is lost (the process dies
    between the two, or the queue's row is removed), the render would wait for ever."""
    report = small_report()
    now = timezone.now()
    lost = ReportRender.objects.create(report=report, queued_at=now - LEASE - dt.timedelta(seconds=1))
    waiting = ReportRender.objects.create(report=report, queued_at=now - LEASE + dt.timedelta(seconds=5))
    enqueued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stale_renders(now, enqueue=enqueued.append) == 1
    assert enqueued == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == ReportRender.Status.QUEUED and lost.queued_at == now and lost.attempts == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stale_renders(now + dt.timedelta(seconds=3), enqueue=enqueued.append) == 0
    assert enqueued == [lost.pk]  # not again within its lease
    # Two tasks for one render (the lost one turned up after all): the second finds it taken.
    assert tasks.run_render(lost.pk).status == ReportRender.Status.DONE
    assert tasks.run_render(lost.pk).attempts == 1
    assert ReportRender.objects.get(pk=waiting.pk).status == ReportRender.Status.QUEUED


def test_a_render_waiting_behind_a_busy_worker_is_not_queued_again():
    """Its task is still on the queue (the worker is busy with a long render): queuing another
    one every lease only fills the queue and the log; only a render with no task left is queued again."""
    report = small_report()
    now = timezone.now()
    waiting = ReportRender.objects.create(report=report, queued_at=now - LEASE - dt.timedelta(seconds=1))
    tasks.render_report.enqueue(waiting.pk)  # its task, still waiting behind a long render
    enqueued: list[int] = []
    assert tasks.recover_stale_renders(now, enqueue=enqueued.append) == 0
    assert enqueued == []
