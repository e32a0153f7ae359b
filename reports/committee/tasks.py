"""Rendering committee report PDFs, inline for small reports and on the worker for large ones.

The worker is `python manage.py db_worker` (Django's tasks framework with a database queue).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from indicators.models import Action, Indicator
from reports.models import IssuedReport, ReportRender
from reports.scorecards.revisions import freeze_figures

from .definitions import report_scope
from .parts import render_in_parts
from .pdf import build_report_data, render_html, render_parts, snapshot, write_pdf

logger = logging.getLogger(__name__)

# Reports with more items than this render on the worker; smaller ones take a few seconds inline.
INLINE_LIMIT = 150
# Reports with more items than this are laid out in parts, to bound memory (see parts.py).
PARTS_FROM = 400


def report_size(report) -> int:
    scope = report_scope(report)
    return (
        Action.objects.filter(plan__in=scope.plans).count()
        + Indicator.objects.filter(pk__in=scope.indicators.values("pk")).count()
    )


def run_render(render_id: int) -> ReportRender:
    """Render one requested PDF; when asked, issue it to committee as a frozen snapshot."""
    render = ReportRender.objects.select_related("report", "report__committee", "requested_by").get(pk=render_id)
    render.status, render.started_at = ReportRender.Status.RUNNING, timezone.now()
    render.save(update_fields=["status", "started_at"])
    try:
        data = build_report_data(render.report, issuing=render.issue)
        if report_size(render.report) > PARTS_FROM:
            pdf, pages = render_in_parts(render_parts(data), str(settings.BASE_DIR), settings.PDF_PROCESSES)
        else:
            pdf, pages = write_pdf(render_html(data))
        with transaction.atomic():
            # An issued PDF is kept once, in the archive; the render keeps only drafts' files.
            render.pdf = None if render.issue else pdf
            render.status, render.finished_at = ReportRender.Status.DONE, timezone.now()
            render.save(update_fields=["pdf", "status", "finished_at"])
            if render.issue:
                issued = IssuedReport(
                    report=render.report, issued_by=render.requested_by, data=snapshot(data), pdf=pdf, page_count=pages
                )
                issued._change_reason = "Issued to committee"
                issued.save()
                freeze_figures(issued)
    except Exception as error:
        logger.exception("Rendering report %s failed", render.report_id)
        render.status, render.finished_at, render.error = ReportRender.Status.FAILED, timezone.now(), str(error)
        render.save(update_fields=["status", "finished_at", "error"])
    return render


@task()
def render_report(render_id: int) -> None:
    run_render(render_id)


def request_render(report, user, issue: bool = False) -> ReportRender:
    """Render now if the report is small, otherwise queue it for the worker."""
    render = ReportRender.objects.create(report=report, requested_by=user, issue=issue)
    if report_size(report) <= INLINE_LIMIT:
        return run_render(render.pk)
    transaction.on_commit(lambda: render_report.enqueue(render.pk))
    return render
