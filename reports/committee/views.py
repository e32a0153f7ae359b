"""Committee reports: define, preview, render, issue to committee, and the archive of issued reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from indicators.permissions import is_performance_team, require_performance_team
from reports.models import CommitteeReport, IssuedReport, ReportRender

from .archive import revised_since_issue
from .definitions import CommitteeReportForm
from .pdf import build_report_data, render_html
from .tasks import request_render


@login_required
def committee_reports(request: HttpRequest) -> HttpResponse:
    """The reports defined and the archive of issued ones; the performance team defines reports here."""
    if request.method == "POST":
        require_performance_team(request.user, "prepares committee reports")
    form = CommitteeReportForm(request.POST or None) if is_performance_team(request.user) else None
    if form is not None and request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.created_by = request.user
        report.save()
        form.save_m2m()
        messages.success(request, "Report defined. Preview it, then issue it to committee.")
        return redirect("reports:committee_report", report.pk)
    drafts = CommitteeReport.objects.select_related("committee").order_by("-meeting_date")
    archive = IssuedReport.objects.select_related("report", "report__committee", "issued_by").defer("pdf", "data")
    return render(request, "reports/committee_reports.html", {"form": form, "drafts": drafts, "archive": archive})


@login_required
def committee_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    renders = list(report.renders.defer("pdf").select_related("requested_by")[:5])
    issues = list(report.issues.defer("pdf", "data").select_related("issued_by", "withdrawn_by"))
    waiting = any(r.status in (ReportRender.Status.QUEUED, ReportRender.Status.RUNNING) for r in renders)
    return render(
        request,
        "reports/committee_report.html",
        {
            "report": report,
            "renders": renders,
            "issues": issues,
            "waiting": waiting,
            "can_issue": is_performance_team(request.user),
            "revised": revised_since_issue(report, issues),
        },
    )


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as HTML, from live approved data, exactly as the PDF lays it out."""
    report = get_object_or_404(CommitteeReport, pk=pk)
    return HttpResponse(render_html(build_report_data(report)))


@login_required
@require_POST
def make_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(CommitteeReport, pk=pk)
    issue = request.POST.get("issue") == "1"
    if issue:
        require_performance_team(request.user, "issues committee reports")
    render_job = request_render(report, request.user, issue=issue)
    if render_job.status == ReportRender.Status.DONE:
        if issue:
            messages.success(request, "Issued to committee. The PDF is now in the archive and will not change.")
            return redirect("reports:committee_report", report.pk)
        return redirect("reports:render_pdf", render_job.pk)
    if render_job.status == ReportRender.Status.FAILED:
        messages.error(request, f"The PDF could not be made: {render_job.error}")
    else:
        messages.success(request, "This report is large: it is being made in the background. This page will update.")
    return redirect("reports:committee_report", report.pk)


def _pdf_response(content: bytes, filename: str, etag: str | None = None) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


@login_required
def render_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    render_job = get_object_or_404(
        ReportRender.objects.select_related("report"), pk=pk, status=ReportRender.Status.DONE
    )
    name = f"DRAFT-{slugify(render_job.report.title)}-{render_job.report.period.slug}.pdf"
    return _pdf_response(render_job.pdf, name)


@login_required
def issued_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    issued = get_object_or_404(IssuedReport.objects.select_related("report"), pk=pk)
    name = f"{slugify(issued.report.title)}-{issued.report.period.slug}-issued-{issued.issued_at:%Y%m%d}.pdf"
    return _pdf_response(issued.pdf, name, etag=issued.sha256)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_performance_team(request.user, "withdraws issued reports")
    issued = get_object_or_404(IssuedReport, pk=pk)
    try:
        issued.withdraw(request.user, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The issued report is marked as withdrawn; the file and the reason are kept.")
    return redirect("reports:committee_report", issued.report_id)
