"""Pages for approvers: the queue of submitted entries, and their decisions on each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reports.presentation.status import DEFAULT_WORDS, status_words
from reports.scorecards.rows import target_note, value_status

from ..models import ExceptionReport, ReportingRound, Reviewable, Target, WorkflowSettings
from ..permissions import entries_awaiting_review, entry_for_review
from ..status import applicable_target
from ..workflow import Conflict, WorkflowError, approval_refused, entry_closed_reason_among, review_entry


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted entries the user may decide on. Those in a locked round, or (unless the council
    allows it) the user's own, say why instead of offering that decision."""
    user = request.user
    updates = list(
        entries_awaiting_review(user, "action")
        .select_related("submitted_by")
        .order_by("action__plan__title", "action__order")
    )
    values = list(entries_awaiting_review(user, "indicator").select_related("submitted_by").order_by("indicator__code"))
    risk_reviews = list(
        entries_awaiting_review(user, "risk").select_related("submitted_by").order_by("risk__reference")
    )
    exceptions = {
        (e.indicator_id, e.period): e
        for e in ExceptionReport.objects.filter(indicator__in=[v.indicator_id for v in values])
    }
    _judge(values)
    rounds = {r.period: r for r in ReportingRound.objects.all()}
    self_approval = WorkflowSettings.current().allow_self_approval
    for entry in [*updates, *values, *risk_reviews]:
        entry.closed_reason = entry_closed_reason_among(entry.period, rounds)
        entry.approval_refused = approval_refused(entry, user, self_approval)
    return render(
        request,
        "indicators/review.html",
        {
            "updates": updates,
            "values": [(v, exceptions.get((v.indicator_id, v.period))) for v in values],
            "risk_reviews": risk_reviews,
            "words": status_words() if values else DEFAULT_WORDS,
        },
    )


def _judge(values: list) -> None:
    """Give each value waiting for review the target it is judged against (its period's own, else
    its year's: `status.applicable_target`) and the status it would have (one query)."""
    if not values:
        return
    keys = {v.period.key for v in values} | {v.period.financial_year_period().key for v in values}
    rules = {
        (t.indicator_id, t.period): t.as_rule()
        for t in Target.objects.filter(indicator__in={v.indicator_id for v in values}, period__in=keys)
    }
    for v in values:
        indicator = v.indicator
        v.applied = applicable_target(v.period, lambda p, i=indicator.id: rules.get((i, p)), indicator.part_of_year)
        v.status = value_status(
            v, v.applied, indicator.polarity_enum, published_nationally=indicator.published_nationally
        )
        from_year = v.applied is not None and v.applied.from_year(v.period)
        v.target_note = target_note(v.applied.period, v.applied.share) if from_year else ""


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
