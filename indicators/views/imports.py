"""The performance team's spreadsheet imports: upload, check every row, preview, confirm."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..imports import (
    KINDS,
    LABELS,
    ImportFileError,
    ImportOptions,
    apply_import,
    plan_import,
    template_csv,
    template_xlsx,
)
from ..models import PendingImport
from ..permissions import import_for_viewing, pending_import_for_confirming, require_performance_team

MAX_BYTES = 50 * 1024 * 1024
SHOWN_ERRORS = 200
# Files checked but never confirmed are deleted after this long; confirmed ones are kept, as the
# record of what was imported.
UNCONFIRMED_KEPT_FOR = dt.timedelta(days=2)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=list(LABELS.items()))
    file = forms.FileField(label="Spreadsheet (.csv or .xlsx)")
    replace_in_progress = forms.BooleanField(
        label="Replace entries still in progress",
        required=False,
        help_text="A value or action update an officer has saved as a draft, submitted or had returned is not "
        "replaced unless you tick this and give a reason.",
    )
    correction_reason = forms.CharField(
        label="Reason for replacing or correcting (if needed)",
        required=False,
        max_length=300,
        help_text="Needed to replace entries in progress, or to correct a locked period (its round locked by the "
        "performance team). "
        "Kept in the audit history.",
    )


def options_of(pending: PendingImport, user) -> ImportOptions:
    return ImportOptions(
        user=user, replace_in_progress=pending.replace_in_progress, correction_reason=pending.correction_reason
    )


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
        options = ImportOptions(
            user=request.user,
            replace_in_progress=form.cleaned_data["replace_in_progress"],
            correction_reason=form.cleaned_data["correction_reason"].strip(),
        )
        try:
            plan = plan_import(kind, content, upload.name, options)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return render(request, "indicators/imports.html", context)
        pending = None
        PendingImport.objects.filter(
            applied_at__isnull=True, uploaded_at__lt=timezone.now() - UNCONFIRMED_KEPT_FOR
        ).delete()
        if plan.valid:
            pending = PendingImport.objects.create(
                kind=kind,
                filename=upload.name,
                content=content,
                uploaded_by=request.user,
                replace_in_progress=options.replace_in_progress,
                correction_reason=options.correction_reason,
            )
        context |= {"plan": plan, "pending": pending, "filename": upload.name, "shown_errors": SHOWN_ERRORS}
    return render(request, "indicators/imports.html", context)


@login_required
@require_POST
def confirm_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a checked file. The upload stays locked while it is written, so a second click waits
    and then only shows the finished import: nothing is written twice."""
    with transaction.atomic():
        pending = pending_import_for_confirming(request.user, pk)
        if pending.applied_at is not None:
            messages.info(request, f"{pending.filename} has already been imported; nothing was written again.")
            return redirect("import_detail", pending.pk)
        try:
            # Checked again: the data may have changed since the preview.
            plan = plan_import(
                pending.kind, bytes(pending.content), pending.filename, options_of(pending, request.user)
            )
            if not plan.valid:
                raise ImportFileError("The file no longer passes its checks; upload it again to see why.")
            created, changed = apply_import(plan, request.user, pending.filename)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("imports")
        except IntegrityError:  # an officer saved one of the same entries a moment ago
            messages.error(
                request,
                "Some of these figures were saved by someone else meanwhile; upload the file again to check it.",
            )
            return redirect("imports")
        pending.applied_at = timezone.now()
        pending.created_count, pending.changed_count, pending.unchanged_count = created, changed, plan.unchanged
        pending.save(update_fields=["applied_at", "created_count", "changed_count", "unchanged_count"])
    messages.success(
        request, f"Imported {pending.filename}: {created} new, {changed} changed, {plan.unchanged} unchanged."
    )
    return redirect("import_detail", pending.pk)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file: what it was, who uploaded it with which options, and what it changed."""
    pending = import_for_viewing(request.user, pk)
    return render(request, "indicators/import_detail.html", {"pending": pending, "label": LABELS.get(pending.kind)})


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
