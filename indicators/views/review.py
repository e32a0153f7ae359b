"""Pages for approvers: the queue of submitted entries, and their decisions on each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..models import ActionUpdate, ExceptionReport, IndicatorValue, ReviewState, RiskReview
from ..permissions import can_review, user_roles
from ..workflow import Conflict, WorkflowError, review_entry


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
