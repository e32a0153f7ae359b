"""Rendering committee report PDFs, inline for small reports and on the worker for large ones;
issuing one to committee once per confirmation; recovering renders whose worker died.

The worker is `python manage.py run_worker`: Django's tasks framework's `db_worker` (a database
queue), restarted with backoff after a database outage, and recovering stale renders as it goes.

**Leases.** A render being made holds a lease: `heartbeat_at` is renewed every `HEARTBEAT_SECONDS`
by a thread beside the rendering. A running render whose heartbeat is older than `LEASE_SECONDS`
has lost its worker (killed, out of memory, machine restarted): `recover_stale_renders` queues it
again, up to `MAX_ATTEMPTS` attempts, then marks it failed with a message. Nothing stays
"running" for longer than `LEASE_SECONDS` plus the time until the next check (the worker checks
every `RECOVERY_SECONDS`; the report's page and its status URL check too).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from indicators.models import Action, Indicator
from reports.models import CommitteeReport, IssuedReport, ReportRender
from reports.scorecards.revisions import freeze_figures

from .definitions import report_scope, report_services
from .parts import render_in_parts
from .pdf import build_report_data, render_html, render_parts, snapshot, write_pdf

logger = logging.getLogger(__name__)

# Reports with more items than this render on the worker; smaller ones take a few seconds inline.
INLINE_LIMIT = 150
# Reports with more items than this are laid out in parts, to bound memory (see parts.py).
PARTS_FROM = 400
# The lease: a running render's heartbeat is renewed this often, and one not renewed for
# LEASE_SECONDS has lost its worker. The longest step between heartbeats is a thread switch, so the
# lease is many heartbeats long; a render is tried MAX_ATTEMPTS times before it is marked failed.
HEARTBEAT_SECONDS = 10
LEASE_SECONDS = 120
MAX_ATTEMPTS = 2
RECOVERY_SECONDS = 30
WORKER_DIED = "The worker stopped while making this PDF ({attempts}); it was not finished. Try again."


def report_size(report, services: list | None = None) -> int:
    """How many actions and indicators the report shows (of `services`, if already read)."""
    scope = report_scope(report, services)
    return (
        Action.objects.filter(plan__in=scope.plans).count()
        + Indicator.objects.filter(pk__in=scope.indicators.values("pk")).count()
    )


class _Heartbeat:
    """Renews a render's lease from a thread while the render runs (WeasyPrint holds the main one)."""

    def __init__(self, render_id: int, attempt: int, every: float | None = None) -> None:
        self.render_id, self.attempt, self.every = render_id, attempt, every or HEARTBEAT_SECONDS
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"render-{render_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    ReportRender.objects.filter(
                        pk=self.render_id, status=ReportRender.Status.RUNNING, attempts=self.attempt
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a database blip: the next beat tries again; the lease is long
                    logger.warning("Could not renew the lease of render %s", self.render_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()


def run_render(render_id: int, heartbeat: bool = False) -> ReportRender:
    """Render one requested PDF; when asked, issue it to committee as a frozen snapshot.
    `heartbeat`: renew the render's lease from a thread while it runs (on the worker).

    The render is claimed in one update (queued → running, one more attempt): a render that is
    finished, given up or held by another attempt is left alone."""
    now = timezone.now()
    claimed = ReportRender.objects.filter(pk=render_id, status=ReportRender.Status.QUEUED).update(
        status=ReportRender.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    render = ReportRender.objects.select_related("report", "report__committee", "requested_by").get(pk=render_id)
    if not claimed:
        return render
    if heartbeat:
        with _Heartbeat(render.pk, render.attempts):
            return _render(render)
    return _render(render)


class LeaseLost(Exception):
    """This attempt's lease expired and the render was given to another attempt (or given up)."""


def _hold_lease(render: ReportRender) -> None:
    """Lock the render's row, or raise LeaseLost if this attempt no longer holds it: an attempt
    thought dead (its heartbeat stalled past the lease) must not finish over the one that replaced it."""
    ours = ReportRender.objects.select_for_update().filter(
        pk=render.pk, status=ReportRender.Status.RUNNING, attempts=render.attempts
    )
    if not ours.exists():
        raise LeaseLost(f"render {render.pk}, attempt {render.attempts}")


def _render(render: ReportRender) -> ReportRender:
    try:
        # The services are read once: an issue pins exactly those it was made from, even if the
        # committee's services change while it renders.
        services = report_services(render.report)
        data = build_report_data(render.report, issuing=render.issue, services=services)
        if report_size(render.report, services) > PARTS_FROM:
            pdf, pages = render_in_parts(render_parts(data), str(settings.BASE_DIR), settings.PDF_PROCESSES)
        else:
            pdf, pages = write_pdf(render_html(data))
        with transaction.atomic():
            _hold_lease(render)
            # An issued PDF is kept once, in the archive; the render keeps only drafts' files.
            render.pdf = None if render.issue else pdf
            render.status, render.finished_at = ReportRender.Status.DONE, timezone.now()
            render.save(update_fields=["pdf", "status", "finished_at"])
            if render.issue:
                # Versions are numbered under the report's row lock; (report, version) is unique too.
                CommitteeReport.objects.select_for_update().filter(pk=render.report_id).first()
                # "Every service the committee scrutinises" is pinned to the services it scrutinised
                # at issue, so the record's scope does not follow later changes to the committee.
                if not render.report.services.exists():
                    render.report.services.set(services)
                issued = IssuedReport(
                    report=render.report,
                    version=data.version,
                    issued_by=render.requested_by,
                    data=snapshot(data),
                    pdf=pdf,
                    page_count=pages,
                    outstanding=render.outstanding,
                )
                issued._change_reason = "Issued to committee"
                issued.save()
                freeze_figures(issued)
    except LeaseLost:
        logger.warning("Render %s of report %s: its lease passed to another attempt; result discarded",
                       render.pk, render.report_id)  # fmt: skip
        render.refresh_from_db()
    except Exception as error:
        logger.exception("Rendering report %s failed", render.report_id)
        message = str(error)
        if isinstance(error, IntegrityError) and render.issue:
            message = "Another version of this report was issued while this one was being made: see the archive."
        with transaction.atomic():
            try:
                _hold_lease(render)
            except LeaseLost:
                render.refresh_from_db()
                return render
            render.status, render.finished_at, render.error = ReportRender.Status.FAILED, timezone.now(), message
            render.save(update_fields=["status", "finished_at", "error"])
    return render


@task()
def render_report(render_id: int) -> None:
    run_render(render_id, heartbeat=True)


def _start(render: ReportRender) -> ReportRender:
    """Render now if the report is small, otherwise queue it for the worker."""
    if report_size(render.report) <= INLINE_LIMIT:
        return run_render(render.pk)
    transaction.on_commit(lambda: render_report.enqueue(render.pk))
    return render


def request_render(report, user, issue: bool = False) -> ReportRender:
    """A draft PDF (or, from code and tests, an issue without a confirmation: see `request_issue`)."""
    return _start(ReportRender.objects.create(report=report, requested_by=user, issue=issue))


@dataclass(frozen=True)
class IssueRequest:
    """What a confirmed issue led to: its render, and whether this confirmation had been used already."""

    render: ReportRender | None
    repeated: bool
    # Another issue was asked for after this confirmation's page was shown: nothing was done.
    superseded: bool = False


def issues_asked(report: CommitteeReport) -> int:
    """How many issues of `report` have been asked for and not failed (issued, or on their way)."""
    return report.renders.filter(issue=True).exclude(status=ReportRender.Status.FAILED).count()


def request_issue(
    report: CommitteeReport, user, confirmation: uuid.UUID, outstanding: dict, issues_seen: int | None = None
) -> IssueRequest:
    """Issue `report` to committee once for this `confirmation` (one per confirmation form shown).

    The report's row is locked while the confirmation is claimed, and `ReportRender.confirmation`
    is unique: a second post of the same form (a double click, two tabs, a retry) waits for the
    first and then finds its render instead of issuing another version. A different confirmation
    shown before another issue was asked for (`issues_seen`, from `issues_asked`: two people, or
    two tabs each confirming) is refused: it was confirmed against a report state that has moved.
    """
    try:
        with transaction.atomic():
            CommitteeReport.objects.select_for_update().filter(pk=report.pk).first()
            existing = ReportRender.objects.filter(confirmation=confirmation).first()
            if existing is not None:
                return IssueRequest(existing, repeated=True)
            if issues_seen is not None and issues_asked(report) != issues_seen:
                return IssueRequest(None, repeated=False, superseded=True)
            render = ReportRender.objects.create(
                report=report, requested_by=user, issue=True, confirmation=confirmation, outstanding=outstanding
            )
    except IntegrityError:  # databases without row locks (SQLite): the unique key decides
        return IssueRequest(ReportRender.objects.get(confirmation=confirmation), repeated=True)
    return IssueRequest(_start(render), repeated=False)


# Recovering from a worker that died ------------------------------------------------------------


def _tasks_on_queue() -> set[int]:
    """The renders that still have a task on the worker's queue, ready or running: a render
    waiting behind a busy worker is not lost."""
    pending = DBTaskResult.objects.filter(
        task_path=render_report.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    return {row["args"][0] for row in pending.values_list("args_kwargs", flat=True) if row.get("args")}


def recover_stale_renders(now: dt.datetime | None = None, enqueue: Callable[[int], object] | None = None) -> int:
    """Requeue (or, after MAX_ATTEMPTS, fail) every running render whose lease has expired, and
    queue again every render still waiting LEASE_SECONDS after it was queued with no task left on
    the worker's queue (`_tasks_on_queue`; its enqueue, made after the commit, may have been lost:
    a crash between the two, or a queue row removed); returns how many. Each is claimed under a
    row lock, so two checkers never requeue one render twice, and
    a render is claimed once when it starts (`run_render`), so a second task for it does nothing."""
    now = now or timezone.now()
    enqueue = enqueue or (lambda pk: render_report.enqueue(pk))
    expired = now - dt.timedelta(seconds=LEASE_SECONDS)
    Status = ReportRender.Status
    stale = ReportRender.objects.filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=expired) | Q(status=Status.QUEUED, queued_at__lt=expired)
    )
    recovered = 0
    queued = None
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            render = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if render is None:
                continue
            if render.status == Status.QUEUED:
                queued = _tasks_on_queue() if queued is None else queued
                if pk in queued:  # waiting its turn behind a busy worker
                    continue
            if render.status == Status.QUEUED:
                logger.warning("Render %s of report %s still waiting; queued again", pk, render.report_id)
            elif render.attempts >= MAX_ATTEMPTS:
                tries = "tried once" if render.attempts == 1 else f"tried {render.attempts} times"
                render.status, render.finished_at = Status.FAILED, now
                render.error = WORKER_DIED.format(attempts=tries)
                logger.error("Render %s of report %s failed: its worker died (%s)", pk, render.report_id, tries)
            else:
                render.status = Status.QUEUED
                logger.warning("Render %s of report %s lost its worker; queued again", pk, render.report_id)
            if render.status == Status.QUEUED:
                render.queued_at = now
                transaction.on_commit(lambda pk=pk: enqueue(pk))
            render.save(update_fields=["status", "finished_at", "error", "queued_at"])
            recovered += 1
    return recovered
