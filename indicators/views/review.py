"""Pages for approvers: the queue of submitted entries, and their decisions on each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..models import ExceptionReport, Reviewable
from ..permissions import entries_awaiting_review, entry_for_review
from ..workflow import Conflict, WorkflowError, review_entry


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    updates = entries_awaiting_review(user, "action").select_related("submitted_by")
    values = list(entries_awaiting_review(user, "indicator").select_related("submitted_by").order_by("indicator__code"))
    risk_reviews = entries_awaiting_review(user, "risk").select_related("submitted_by")
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


def _decide(request: HttpRequest, entry: Reviewable, label: str) -> HttpResponse:
    """Approve or return `entry` as the approver chose, and go back to the queue."""
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
    entry = entry_for_review(request.user, "action", pk)
    return _decide(request, entry, f"{entry.action.code} {entry.period.label}")


@login_required
@require_POST
def review_value(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_review(request.user, "indicator", pk)
    return _decide(request, entry, f"{entry.indicator.code} {entry.period.label}")


@login_required
@require_POST
def decide_risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_review(request.user, "risk", pk)
    return _decide(request, entry, f"Review of {entry.risk.reference}")
