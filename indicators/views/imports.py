"""The performance team's spreadsheet imports: upload, check every row, preview, confirm."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..imports import KINDS, LABELS, ImportFileError, apply_import, plan_import, template_csv, template_xlsx
from ..models import PendingImport
from ..permissions import pending_import_for_confirming, require_performance_team

MAX_BYTES = 50 * 1024 * 1024
SHOWN_ERRORS = 200
# Files checked but never confirmed are deleted after this long; confirmed ones are kept, as the
# record of what was imported.
UNCONFIRMED_KEPT_FOR = dt.timedelta(days=2)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=list(LABELS.items()))
    file = forms.FileField(label="Spreadsheet (.csv or .xlsx)")


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "imports data")
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "kinds": KINDS, "labels": LABELS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", "The file is larger than 50 MB; split it into smaller files.")
            return render(request, "indicators/imports.html", context)
        content = upload.read()
        kind = form.cleaned_data["kind"]
        try:
            plan = plan_import(kind, content, upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return render(request, "indicators/imports.html", context)
        pending = None
        PendingImport.objects.filter(
            applied_at__isnull=True, uploaded_at__lt=timezone.now() - UNCONFIRMED_KEPT_FOR
        ).delete()
        if plan.valid:
            pending = PendingImport.objects.create(
                kind=kind, filename=upload.name, content=content, uploaded_by=request.user
            )
        context |= {"plan": plan, "pending": pending, "filename": upload.name, "shown_errors": SHOWN_ERRORS}
    return render(request, "indicators/imports.html", context)


@login_required
@require_POST
def confirm_import(request: HttpRequest, pk: int) -> HttpResponse:
    pending = pending_import_for_confirming(request.user, pk)
    # Checked again: the data may have changed since the preview.
    plan = plan_import(pending.kind, bytes(pending.content), pending.filename)
    if not plan.valid:
        messages.error(request, "The file no longer passes its checks; upload it again to see why.")
        return redirect("imports")
    created, changed = apply_import(plan, request.user, pending.filename)
    pending.applied_at = timezone.now()
    pending.save(update_fields=["applied_at"])
    messages.success(
        request, f"Imported {pending.filename}: {created} new, {changed} changed, {plan.unchanged} unchanged."
    )
    return redirect("imports")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_template(request: HttpRequest, kind: str, extension: str = "csv") -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such template.")
    if extension == "xlsx":
        response = HttpResponse(template_xlsx(kind), content_type=XLSX)
    else:
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="perfdash-{kind}-template.{extension}"'
    return response
