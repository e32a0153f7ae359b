"""Pages for approvers (review submitted updates) and the performance team (reporting rounds)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .fields import PeriodFormField
from .models import ActionUpdate, ExceptionReport, IndicatorValue, ReportingRound, ReviewState, RiskReview
from .permissions import can_review, require_performance_team, user_roles
from .workflow import Conflict, WorkflowError, lock_round, reopen_round, review_entry


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    if not roles.can_review:
        raise PermissionDenied("Only approvers and the performance team review updates.")
    updates = ActionUpdate.objects.filter(state=ReviewState.SUBMITTED).select_related(
        "action", "action__plan", "submitted_by"
    )
    values = IndicatorValue.objects.filter(state=ReviewState.SUBMITTED).select_related("indicator", "submitted_by")
    if not roles.performance:
        updates = updates.filter(action__plan__service__in=roles.approver_for)
        values = values.filter(indicator__service__in=roles.approver_for)
    values = list(values.order_by("indicator__code"))
    risk_reviews = RiskReview.objects.filter(state=ReviewState.SUBMITTED).select_related("risk", "submitted_by")
    if not roles.performance:
        risk_reviews = risk_reviews.filter(risk__service__in=roles.approver_for)
    exceptions = {
        (e.indicator_id, e.period): e
        for e in ExceptionReport.objects.filter(indicator__in=[v.indicator_id for v in values])
    }
    return render(
        request,
        "indicators/review.html",
        {
            "updates": list(updates.order_by("action__plan__title", "action__order")),
            "values": [(v, exceptions.get((v.indicator_id, v.period))) for v in values],
            "risk_reviews": list(risk_reviews.order_by("risk__reference")),
        },
    )


def _review(request: HttpRequest, entry, service_id: int, label: str) -> HttpResponse:
    if not can_review(request.user, service_id):
        raise PermissionDenied("You cannot review updates for this service.")
    approve = request.POST.get("decision") == "approve"
    try:
        version = int(request.POST.get("version", ""))
        review_entry(entry, version, request.user, approve, request.POST.get("comment", ""))
    except ValueError:
        messages.error(request, "The form was incomplete; try again.")
    except Conflict:
        messages.error(request, f"{label} was changed while you were looking at it; check it again.")
    except WorkflowError as error:
        messages.error(request, f"{label}: {error}")
    else:
        messages.success(request, f"{label} {'approved' if approve else 'returned to the officer'}.")
    return redirect("review_queue")


@login_required
@require_POST
def review_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ActionUpdate.objects.select_related("action__plan"), pk=pk)
    return _review(request, entry, entry.action.plan.service_id, f"{entry.action.code} {entry.period.label}")


@login_required
@require_POST
def review_value(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
    return _review(request, entry, entry.indicator.service_id, f"{entry.indicator.code} {entry.period.label}")


class RoundForm(forms.Form):
    period = PeriodFormField(label="Period", help_text='For example "Q3 2022/23".')
    deadline = forms.DateField(
        label="Deadline for updates",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 20/01/2023."},
    )

    def clean_period(self):
        period = self.cleaned_data["period"]
        if ReportingRound.objects.filter(period=period).exists():
            raise forms.ValidationError(f"{period.label} has already been opened.")
        return period

    def clean(self):
        cleaned = super().clean()
        period, deadline = cleaned.get("period"), cleaned.get("deadline")
        if period and deadline and deadline < period.end:
            self.add_error("deadline", f"The deadline must be after the period ends ({period.end:%d %b %Y}).")
        return cleaned


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "manages reporting rounds")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = ReportingRound(period=form.cleaned_data["period"], deadline=form.cleaned_data["deadline"])
        new.opened_by = request.user
        new._change_reason = "Opened"
        new.save()
        messages.success(request, f"{new.period.label} is open for updates until {new.deadline:%d %b %Y}.")
        return redirect("rounds")
    all_rounds = list(ReportingRound.objects.select_related("opened_by", "locked_by").order_by("-deadline"))
    history = {}
    for record in ReportingRound.history.filter(id__in=[r.id for r in all_rounds]).select_related("history_user"):
        history.setdefault(record.id, []).append(record)
    return render(
        request,
        "indicators/rounds.html",
        {"form": form, "rounds": [(r, history.get(r.id, [])) for r in all_rounds], "today": dt.date.today()},
    )


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    require_performance_team(request.user, "manages reporting rounds")
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    lock_round(reporting_round, request.user)
    messages.success(request, f"{reporting_round.period.label} is locked; no more changes without reopening.")
    return redirect("rounds")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    require_performance_team(request.user, "manages reporting rounds")
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    try:
        reopen_round(reporting_round, request.user, request.POST.get("reason", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{reporting_round.period.label} is open again.")
    return redirect("rounds")
