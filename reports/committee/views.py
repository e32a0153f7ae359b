"""Committee reports: define, preview, render, issue to committee, and the archive of issued reports."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from indicators.models import Role
from indicators.permissions import can_make_draft_pdf, is_performance_team, require_performance_team
from reports.models import CommitteeReport, IssuedReport, ReportRender, current_versions

from .archive import revised_since_issue
from .definitions import CommitteeReportForm, IssueForm, scope_service_ids
from .docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from .docx import write_docx
from .pdf import build_report_data, render_html, snapshot
from .readiness import build_readiness
from .tasks import issues_asked, recover_stale_renders, request_issue, request_render

logger = logging.getLogger(__name__)


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
    archive = list(
        IssuedReport.objects.select_related("report", "report__committee", "issued_by")
        .defer("pdf", "data")
        .order_by("-issued_at", "-version")
    )
    context = {"form": form, "drafts": drafts, "archive": archive, "current": current_versions(archive)}
    return render(request, "reports/committee_reports.html", context)


def _recent_renders(report: CommitteeReport) -> list[ReportRender]:
    # A render whose worker died is requeued or failed here too, so the page never shows it
    # "rendering" for good even when no worker is running.
    recover_stale_renders()
    return list(report.renders.defer("pdf").select_related("requested_by")[:5])


def _waiting(renders: list[ReportRender]) -> bool:
    return any(r.status in (ReportRender.Status.QUEUED, ReportRender.Status.RUNNING) for r in renders)


def _may_draft(user, report: CommitteeReport) -> bool:
    return can_make_draft_pdf(user, scope_service_ids(report))


@login_required
def committee_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    renders = _recent_renders(report)
    issues = list(report.issues.defer("pdf", "data").select_related("issued_by", "withdrawn_by").order_by("-version"))
    current_version = current_versions(issues).get(report.pk)
    current = next((issued for issued in issues if issued.version == current_version), None)
    return render(
        request,
        "reports/committee_report.html",
        {
            "report": report,
            "renders": renders,
            "issues": issues,
            "current": current,
            "waiting": _waiting(renders),
            "can_issue": is_performance_team(request.user),
            "can_draft": _may_draft(request.user, report),
            "revised": revised_since_issue(report, issues),
        },
    )


@login_required
def render_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The report's recent renders, for the page's script to show progress without reloading."""
    report = get_object_or_404(CommitteeReport, pk=pk)
    renders = _recent_renders(report)
    may_draft = _may_draft(request.user, report)
    return JsonResponse(
        {
            "waiting": _waiting(renders),
            "renders": [
                {
                    "id": r.pk,
                    "status": r.status,
                    "label": r.get_status_display(),
                    "issue": r.issue,
                    "error": r.error,
                    "download": reverse("reports:render_pdf", args=[r.pk])
                    if may_draft and r.status == ReportRender.Status.DONE and not r.issue
                    else "",
                }
                for r in renders
            ],
        }
    )


@login_required
def readiness(request: HttpRequest, pk: int) -> HttpResponse:
    """What is outstanding before a draft or an issue; the performance team confirms an issue here."""
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    can_issue = is_performance_team(request.user)
    if not (can_issue or _may_draft(request.user, report)):
        raise PermissionDenied("Only the performance team and the services' approvers check reports before issue.")
    if request.method == "POST":
        require_performance_team(request.user, "issues committee reports")
    checks = build_readiness(report)
    form = None
    if can_issue:
        form = IssueForm(
            request.POST or None,
            report=report,
            outstanding=checks.total,
            items=checks.items,
            initial={"confirmation": uuid.uuid4(), "issues_seen": issues_asked(report)},
        )
    if request.method == "POST" and form.is_valid():
        issued = request_issue(
            report, request.user, form.cleaned_data["confirmation"], checks.record(), form.cleaned_data["issues_seen"]
        )
        job = issued.render
        if issued.superseded:
            messages.error(
                request,
                "Someone issued this report (or asked for its issue) after this page was shown, so nothing was "
                "issued again. Check the versions below before issuing another.",
            )
        elif issued.repeated:
            messages.info(request, "This confirmation had already been sent: the report was issued once, not twice.")
        elif job.status == ReportRender.Status.DONE:
            messages.success(request, "Issued to committee. The PDF is now in the archive and will not change.")
        elif job.status == ReportRender.Status.FAILED:
            messages.error(request, f"The report could not be issued: {job.error}")
        else:
            messages.success(request, "This report is large: it is being made in the background, then issued.")
        return redirect("reports:committee_report", report.pk)
    return render(
        request,
        "reports/readiness.html",
        {"report": report, "checks": checks, "form": form, "can_draft": _may_draft(request.user, report)},
    )


@login_required
def edit_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a report's definition, until it is first issued."""
    require_performance_team(request.user, "prepares committee reports")
    report = get_object_or_404(CommitteeReport, pk=pk)
    if report.is_issued:
        messages.error(request, "This report has been issued: its definition is part of the record. Issue a new "
                       "version from its page, or define a new report.")  # fmt: skip
        return redirect("reports:committee_report", report.pk)
    form = CommitteeReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Report changed.")
        return redirect("reports:committee_report", report.pk)
    return render(request, "reports/committee_report_edit.html", {"report": report, "form": form})


@login_required
@require_POST
def delete_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a report's definition, until it is first issued (its drafts go with it)."""
    require_performance_team(request.user, "prepares committee reports")
    report = get_object_or_404(CommitteeReport, pk=pk)
    try:
        report._change_reason = "Deleted before issue"
        report.delete()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:committee_report", report.pk)
    messages.success(request, f"Report “{report.title}” deleted.")
    return redirect("reports:committee_reports")


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as HTML, from live approved data, exactly as the PDF lays it out: a draft, so for
    the same people as draft PDFs (members read what was issued)."""
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    if not _may_draft(request.user, report):
        raise PermissionDenied("Drafts are for the performance team and the services' approvers.")
    return HttpResponse(render_html(build_report_data(report)))


@login_required
@require_POST
def make_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft PDF. (Issuing goes through the readiness page and its confirmation.)"""
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    if not _may_draft(request.user, report):
        raise PermissionDenied("Only the performance team and the services' approvers make draft PDFs.")
    if "issue" in request.POST:  # an old form or a hand-made request: issuing needs the confirmation
        messages.error(request, "Issuing needs the confirmation below, after checking what is outstanding.")
        return redirect("reports:readiness", report.pk)
    render_job = request_render(report, request.user)
    if render_job.status == ReportRender.Status.DONE:
        return redirect("reports:render_pdf", render_job.pk)
    if render_job.status == ReportRender.Status.FAILED:
        messages.error(request, f"The PDF could not be made: {render_job.error}")
    else:
        messages.success(request, "This report is large: it is being made in the background; its progress shows below.")
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
        ReportRender.objects.select_related("report", "report__committee"), pk=pk, status=ReportRender.Status.DONE
    )
    if not _may_draft(request.user, render_job.report):
        raise PermissionDenied("Draft PDFs are for the performance team and the services' approvers.")
    name = f"DRAFT-{slugify(render_job.report.title)}-{render_job.report.period.slug}.pdf"
    return _pdf_response(render_job.pdf, name)


def _report_tampering(request: HttpRequest, issued: IssuedReport) -> None:
    """Log the mismatch as an error and email the performance team."""
    logger.error(
        "Issued report %s (%s, version %s): the stored PDF does not match its SHA-256 %s; download refused",
        issued.pk,
        issued.report.title,
        issued.version,
        issued.sha256,
    )
    team = (
        Role.objects.filter(kind=Role.Kind.PERFORMANCE, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    if team:
        send_mail(
            f"Issued report failed its integrity check: {issued.report.title}",
            f"The stored PDF of “{issued.report.title}” (version {issued.version}, issued "
            f"{timezone.localtime(issued.issued_at):%d %b %Y %H:%M}) no longer matches the SHA-256 recorded at "
            f"issue ({issued.sha256}). Downloads are refused until it is restored from a backup; run "
            f"`manage.py verify_archive` to check the rest of the archive.\n\n"
            f"Seen when {request.user.get_username()} asked for it at {request.build_absolute_uri()}.",
            None,
            sorted(team),
            fail_silently=True,
        )


def _issued_file_name(issued: IssuedReport, extension: str) -> str:
    """Title, period, version and local date of issue: two versions issued on one day differ."""
    issued_on = timezone.localtime(issued.issued_at)
    report = issued.report
    return f"{slugify(report.title)}-{report.period.slug}-v{issued.version}-issued-{issued_on:%Y%m%d}.{extension}"


@login_required
def issued_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued PDF, checked against its SHA-256 on every download: a file that differs is refused."""
    issued = get_object_or_404(IssuedReport.objects.select_related("report"), pk=pk)
    if not issued.verify():
        _report_tampering(request, issued)
        return render(request, "reports/issued_mismatch.html", {"issued": issued}, status=409)
    return _pdf_response(issued.pdf, _issued_file_name(issued, "pdf"), etag=issued.sha256)


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def draft_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a Word document from live approved data: a draft, for the same people as
    draft PDFs."""
    report = get_object_or_404(CommitteeReport.objects.select_related("committee"), pk=pk)
    if not _may_draft(request.user, report):
        raise PermissionDenied("Drafts are for the performance team and the services' approvers.")
    content = write_docx(snapshot(build_report_data(report)))
    return _docx_response(content, f"DRAFT-{slugify(report.title)}-{report.period.slug}.docx")


@login_required
def issued_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued report as a Word document, made from the data frozen when it was issued (what
    its PDF shows), with its withdrawal if it was withdrawn."""
    issued = get_object_or_404(IssuedReport.objects.select_related("report"), pk=pk)
    notice = ""
    if issued.withdrawn_at:
        withdrawn = timezone.localtime(issued.withdrawn_at)
        notice = f"Withdrawn {withdrawn.day} {withdrawn:%b %Y}: {issued.withdrawn_reason}"
    return _docx_response(write_docx(issued.data, notice=notice), _issued_file_name(issued, "docx"))


@login_required
@require_POST
@transaction.atomic
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_performance_team(request.user, "withdraws issued reports")
    issued = get_object_or_404(IssuedReport.objects.select_for_update(), pk=pk)
    try:
        issued.withdraw(request.user, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The issued report is marked as withdrawn; the file and the reason are kept.")
    return redirect("reports:committee_report", issued.report_id)
