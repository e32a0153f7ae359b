"""Saving, submitting and reviewing officers' updates, safely.

Each entry (an `ActionUpdate` or `IndicatorValue`) goes draft -> submitted -> approved, or back
to the officer as returned. Every save checks the version the user started from, so two
people editing the same entry never silently overwrite each other; every transition is saved
with a reason, which the audit history keeps with who and when.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    EDITABLE_STATES,
    ReportingRound,
    Reviewable,
    ReviewState,
)
from .periods import Period


class WorkflowError(Exception):
    """A change the workflow does not allow; the message says why, in plain words."""


class Conflict(WorkflowError):
    """Someone else saved the entry since this user opened it."""

    def __init__(self, current: Reviewable | None) -> None:
        super().__init__("Someone else saved this while you were editing it.")
        self.current = current


def open_round(period: Period) -> ReportingRound:
    """The reporting round for `period`, if it is open for updates."""
    found = ReportingRound.objects.filter(period=period).first()
    if found is None:
        raise WorkflowError(f"{period.label} is not open for updates.")
    if found.is_locked:
        raise WorkflowError(
            f"{period.label} is locked: its report has been issued. Ask the performance team to reopen it."
        )
    return found


def editable(period: Period, entry: Reviewable | None) -> tuple[bool, str]:
    """Whether an officer can change the entry for `period` now, and if not, why not."""
    try:
        open_round(period)
    except WorkflowError as error:
        return False, str(error)
    if entry is not None and entry.state not in EDITABLE_STATES:
        return False, f"This has been {entry.get_state_display().lower()} and can no longer be changed."
    return True, ""


@transaction.atomic
def save_entry(
    model: type[Reviewable],
    lookup: dict[str, Any],
    version: int,
    fields: dict[str, Any],
    user,
    submit: bool,
) -> Reviewable:
    """Save an officer's entry as a draft, or submit it for approval.

    `version` is the version the user's form was based on (0 for a new entry).
    """
    current = model.objects.select_for_update().filter(**lookup).first()
    if current is None:
        if version:
            raise Conflict(None)
        entry = model(**lookup)
    else:
        if current.version != version:
            raise Conflict(current)
        if current.state not in EDITABLE_STATES:
            raise WorkflowError(f"This has been {current.get_state_display().lower()} and can no longer be changed.")
        entry = current
        entry.version += 1
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.author = user
    entry.state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
    if submit:
        entry.submitted_at, entry.submitted_by = timezone.now(), user
    entry._change_reason = "Submitted for approval" if submit else "Saved as a draft"
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:  # someone created the same entry a moment ago
        raise Conflict(model.objects.filter(**lookup).first()) from error
    return entry


@transaction.atomic
def review_entry(entry: Reviewable, version: int, user, approve: bool, comment: str = "") -> Reviewable:
    """Approve a submitted entry, or return it to the officer with a comment."""
    current = type(entry).objects.select_for_update().get(pk=entry.pk)
    if current.version != version:
        raise Conflict(current)
    if current.state != ReviewState.SUBMITTED:
        raise WorkflowError(
            f"Only submitted updates can be reviewed; this one is {current.get_state_display().lower()}."
        )
    if not approve and not comment.strip():
        raise WorkflowError("Say what needs to change when you return an update.")
    current.state = ReviewState.APPROVED if approve else ReviewState.RETURNED
    current.reviewed_at, current.reviewed_by = timezone.now(), user
    current.review_comment = comment.strip()
    current.version += 1
    current._change_reason = "Approved" if approve else f"Returned: {comment.strip()}"
    current.save()
    return current


def lock_round(reporting_round: ReportingRound, user) -> None:
    reporting_round.locked_at, reporting_round.locked_by = timezone.now(), user
    reporting_round._change_reason = "Locked"
    reporting_round.save()


def reopen_round(reporting_round: ReportingRound, user, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError("Say why the period is being reopened; the reason is kept in the audit history.")
    reporting_round.locked_at = reporting_round.locked_by = None
    reporting_round._change_reason = f"Reopened by {user.get_full_name() or user.username}: {reason.strip()}"
    reporting_round.save()
