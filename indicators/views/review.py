"""Pages for approvers: the queue of submitted entries, and their decisions on each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports.presentation.status import DEFAULT_WORDS, status_words
from reports.review_queue import build_review_queue

from ..models import Reviewable, ReviewState
from ..permissions import EntryKind, entry_for_review, require_reviewer
from ..workflow import Conflict, WorkflowError, review_entry


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted entries the user may decide on, each with what the approver needs to judge it
    (`reports.review_queue`); `?service=<id>` narrows it to one service. Those in a locked round,
    or (unless the council allows it) the user's own, say why instead of offering that decision."""
    try:
        service_id = int(request.GET["service"]) if request.GET.get("service") else None
    except ValueError:
        service_id = None
    queue = build_review_queue(request.user, service_id)
    words = status_words() if queue.values else DEFAULT_WORDS
    return render(request, "indicators/review.html", {"queue": queue, "words": words})


def _label(kind: EntryKind, entry: Reviewable) -> str:
    if kind == "action":
        return f"{entry.action.code} {entry.period.label}"
    if kind == "indicator":
        return f"{entry.indicator.code} {entry.period.label}"
    return f"Review of {entry.risk.reference}"


@login_required
@require_POST
def approve_selected(request: HttpRequest) -> HttpResponse:
    """Approve every entry ticked in the queue, each through `workflow.review_entry` (its own
    transaction, with every rule: open round, separation of duties, the version the approver saw),
    and say which were approved and which were refused, and why. Returns stay one by one."""
    require_reviewer(request.user)
    chosen = request.POST.getlist("entry")
    if not chosen:
        messages.error(request, "Tick the updates to approve first.")
        return _back_to_queue(request)
    approved, refused = [], []
    for token in chosen:
        try:
            kind, pk, version = token.split(":")
            if kind not in ("action", "indicator", "risk"):
                raise ValueError(kind)
            entry = entry_for_review(request.user, kind, int(pk))
        except (ValueError, Http404):
            refused.append(f"{token}: not found")
            continue
        except PermissionDenied as error:
            refused.append(f"{token}: {error}")
            continue
        label = _label(kind, entry)
        try:
            review_entry(entry, int(version), request.user, approve=True)
        except Conflict:
            refused.append(f"{label}: changed while you were looking at it; check it again")
        except WorkflowError as error:
            refused.append(f"{label}: {error}")
        else:
            approved.append(label)
    if approved:
        messages.success(request, f"Approved {len(approved)}: {', '.join(approved)}.")
    if refused:
        messages.error(request, f"Not approved ({len(refused)}): " + "; ".join(refused))
    return _back_to_queue(request)


def _unsent(comment: str) -> str:
    return f" Your comment was not sent: “{comment}”" if comment else ""


def _now(entry: Reviewable) -> str:
    """What became of an entry meanwhile: "approved by Sam Reid at 10:42", "recalled to draft by …"."""
    state = entry.get_state_display().lower()
    who = entry.reviewed_by if entry.state in (ReviewState.APPROVED, ReviewState.RETURNED) else entry.author
    by = f" by {who.get_full_name() or who.get_username()}" if who else ""
    when = f" at {timezone.localtime(entry.updated):%H:%M on %d %b %Y}" if getattr(entry, "updated", None) else ""
    if entry.state == ReviewState.SUBMITTED:
        return f"it was submitted again{by}{when}; check it again"
    if entry.state in (ReviewState.DRAFT,):
        return f"it was recalled to draft{by}{when}, so there is nothing to decide until it is submitted again"
    return f"it was {state}{by}{when}"


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    service = request.POST.get("service", "")
    url = reverse("review_queue")
    return redirect(f"{url}?service={int(service)}" if service.isdigit() else url)


def _decide(request: HttpRequest, entry: Reviewable, label: str) -> HttpResponse:
    """Approve or return `entry` as the approver chose, and go back to the queue."""
    approve = request.POST.get("decision") == "approve"
    comment = request.POST.get("comment", "").strip()
    try:
        version = int(request.POST.get("version", ""))
        review_entry(entry, version, request.user, approve, comment)
    except ValueError:
        messages.error(request, "The form was incomplete; try again.")
    except Conflict:
        # Say what happened meanwhile, and give the comment back: it was not sent.
        entry.refresh_from_db()
        messages.error(request, f"{label} was changed while you were looking at it: {_now(entry)}.{_unsent(comment)}")
    except WorkflowError as error:
        messages.error(request, f"{label}: {error}{_unsent(comment)}")
    else:
        messages.success(request, f"{label} {'approved' if approve else 'returned to the officer'}.")
    return _back_to_queue(request)


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
