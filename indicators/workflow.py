"""Every change of state of officers' entries and reporting rounds, with its checks.

Each entry (an `ActionUpdate`, `IndicatorValue` or `RiskReview`) goes draft -> submitted ->
approved, or back to the officer as returned. Entries can only be saved while their reporting
round is open. Every save checks the version the user started from, so two people editing the
same entry never silently overwrite each other; every transition is saved with a reason, which
the audit history keeps with who and when.

Which round an entry belongs to: the quarter its period ends in (`round_period`). Which round
officers are working on now: the open round due soonest (`current_round`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    ExceptionReport,
    Indicator,
    IndicatorValue,
    ReportingRound,
    Reviewable,
    ReviewState,
    RiskReview,
    Target,
)
from .periods import Frequency, Period
from .permissions import is_performance_team
from .status import IndicatorStatus, Rag, indicator_status

# The parts of an exception report a red value cannot be submitted without; "resource
# implications" may be left empty.
EXCEPTION_REPORT_PARTS = ("performance", "improvement_actions", "timescale")


class WorkflowError(Exception):
    """A change the workflow does not allow; the message says why, in plain words."""


class Conflict(WorkflowError):
    """Someone else saved the entry since this user opened it."""

    def __init__(self, current: Reviewable | None) -> None:
        super().__init__("Someone else saved this while you were editing it.")
        self.current = current


# Rounds ---------------------------------------------------------------------------------------


def round_period(period: Period) -> Period:
    """The period of the reporting round in which an entry for `period` is made.

    Rounds are quarterly. Action updates and risk reviews are made for the round's quarter
    itself; an indicator value is entered in the round of the quarter its period ends in (a
    monthly value for August in Q2's round, an annual one in Q4's).
    """
    return Period.containing(period.end, Frequency.QUARTERLY)


def current_round() -> ReportingRound:
    """The round officers are working on now: of the open rounds, the one due soonest."""
    found = ReportingRound.objects.open().first()
    if found is None:
        raise WorkflowError("No period is open for updates.")
    return found


def require_open_round(period: Period) -> ReportingRound:
    """The reporting round for `period` (a round's own period), if it is open for updates."""
    found = ReportingRound.objects.filter(period=period).first()
    if found is None:
        raise WorkflowError(f"{period.label} is not open for updates.")
    if found.is_locked:
        raise WorkflowError(
            f"{period.label} is locked: its report has been issued. Ask the performance team to reopen it."
        )
    return found


def open_round(period: Period, deadline: dt.date, user) -> ReportingRound:
    """Open `period` for officers' updates until `deadline`."""
    new = ReportingRound(period=period, deadline=deadline, opened_by=user)
    new._change_reason = "Opened"
    new.save()
    return new


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


def locked_round(period: Period) -> ReportingRound | None:
    """The locked reporting round in which entries for `period` are made, if it is locked."""
    return ReportingRound.objects.locked().filter(period=round_period(period)).first()


def locked_round_periods() -> frozenset[Period]:
    """The periods of every locked round (one query), to ask `is_locked` of many periods at once."""
    return frozenset(ReportingRound.objects.locked().values_list("period", flat=True))


def is_locked(period: Period, locked_rounds: frozenset[Period]) -> bool:
    """Whether entries for `period` are made in one of `locked_rounds` (see `locked_round_periods`)."""
    return round_period(period) in locked_rounds


def require_correction_allowed(period: Period, user, reason: str) -> None:
    """Refuse writing a figure for `period` after its report has been issued, unless it is a correction.

    A period is locked once its reporting round is locked (`round_period`: the round its entries
    are made in), which the performance team does when the round's report has been issued. A
    value, update, target or exception report for a locked period may then be written only by
    the performance team, with a reason, which the caller records as the history change reason.
    Periods without a round, or whose round is open, need nothing. Raises `WorkflowError`.
    """
    if not is_locked(period, locked_round_periods()):
        return
    locked = f"{period.label} is locked because its report has been issued"
    if user is None or not is_performance_team(user):
        raise WorkflowError(f"{locked}: only the performance team can correct it, giving a reason.")
    if not (reason or "").strip():
        raise WorkflowError(f"{locked}: give a reason for the correction; it is kept in the audit history.")


# Officers' entries ------------------------------------------------------------------------------


def _no_longer_editable(entry: Reviewable) -> str:
    return f"This has been {entry.get_state_display().lower()} and can no longer be changed."


def editable(period: Period, entry: Reviewable | None) -> tuple[bool, str]:
    """Whether an officer can change the entry for `period` now, and if not, why not."""
    try:
        require_open_round(round_period(period))
    except WorkflowError as error:
        return False, str(error)
    if entry is not None and not entry.is_editable:
        return False, _no_longer_editable(entry)
    return True, ""


def _name(user, otherwise: str) -> str:
    return (user.get_full_name() or user.username) if user is not None else otherwise


def held_by(entry: Reviewable) -> str:
    """Who has an entry that is still in progress, in words: "a draft by Kirsty Duncan",
    "submitted by Kirsty Duncan on 3 Oct 2022, waiting for approval", "returned to Kirsty Duncan
    by Alan Reid". The caller loads the entry's author, submitted_by and reviewed_by."""
    author = getattr(entry, "author", None) or entry.submitted_by
    if entry.state == ReviewState.SUBMITTED:
        at = entry.submitted_at and timezone.localtime(entry.submitted_at)
        when = f" on {at.day} {at:%b %Y}" if at else ""
        return f"submitted by {_name(entry.submitted_by or author, 'an officer')}{when}, waiting for approval"
    if entry.state == ReviewState.RETURNED:
        return f"returned to {_name(author, 'an officer')} by {_name(entry.reviewed_by, 'an approver')}"
    return f"a draft by {_name(author, 'an officer')}"


def require_import_may_replace(
    entry: Reviewable | None, replace_in_progress: bool, reason: str, label: str = "This entry"
) -> None:
    """Refuse an import writing over an officer's entry that is still in progress.

    An import (the performance team's record of published figures) writes approved entries. It
    may replace an approved entry, as any correction; but an entry still with an officer or an
    approver (a draft, submitted or returned: not yet approved) is theirs, so it is replaced only
    when the performance team chooses to (`replace_in_progress`), saying why. The import then
    bumps its version, so an officer's open form meets a conflict rather than saving over it.
    Raises `WorkflowError` naming who holds the entry (called `label` in the message).
    """
    if entry is None or entry.state == ReviewState.APPROVED:
        return
    holder = held_by(entry)
    if not replace_in_progress:
        raise WorkflowError(
            f"{label} is {holder}: an import does not replace work in progress unless you choose to "
            "replace it, giving a reason."
        )
    if not (reason or "").strip():
        raise WorkflowError(f"{label} is {holder}: give a reason for replacing it; it is kept in the audit history.")


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

    `lookup` names the entry (its object and `period`); `version` is the version the user's
    form was based on (0 for a new entry). Refused unless the entry's reporting round is open.
    """
    require_open_round(round_period(lookup["period"]))
    current = model.objects.select_for_update().filter(**lookup).first()
    if current is None:
        if version:
            raise Conflict(None)
        entry = model(**lookup)
    else:
        if current.version != version:
            raise Conflict(current)
        if not current.is_editable:
            raise WorkflowError(_no_longer_editable(current))
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


def missing_exception_report(status: IndicatorStatus | None, report: Mapping[str, str]) -> list[str]:
    """The parts of the exception report still to write before a value with `status` is submitted.

    A red value (outwith tolerance, by `status.indicator_status`) cannot be submitted without
    an exception report; any other value needs none, and a red one can be saved as a draft.
    """
    if status is None or status.rag != Rag.RED:
        return []
    return [name for name in EXCEPTION_REPORT_PARTS if not (report.get(name) or "").strip()]


def value_status(indicator: Indicator, period: Period, value: Decimal | None) -> IndicatorStatus:
    """The status `value` would have against the indicator's target for `period`."""
    target = Target.objects.filter(indicator=indicator, period=period).first()
    return indicator_status(value, target.as_rule() if target else None, indicator.polarity_enum)


@transaction.atomic
def save_value(
    indicator: Indicator,
    period: Period,
    version: int,
    fields: dict[str, Any],
    user,
    submit: bool,
    exception_report: Mapping[str, str] | None = None,
) -> IndicatorValue:
    """Save an indicator value as `save_entry` does, with its exception report if one is written.

    Submitting a red value without the exception report is refused.
    """
    report = {name: (text or "").strip() for name, text in (exception_report or {}).items()}
    if submit and missing_exception_report(value_status(indicator, period, fields.get("value")), report):
        raise WorkflowError("The value is outwith tolerance: write its exception report before you submit it.")
    entry = save_entry(IndicatorValue, {"indicator": indicator, "period": period}, version, fields, user, submit)
    if any(report.values()):
        ExceptionReport.objects.update_or_create(
            indicator=indicator, period=period, defaults={**report, "author": user}
        )
    return entry


# Review ---------------------------------------------------------------------------------------


@transaction.atomic
def review_entry(entry: Reviewable, version: int, user, approve: bool, comment: str = "") -> Reviewable:
    """Approve a submitted entry, or return it to the officer with a comment.

    An approved risk review becomes the risk's current assessment in the same transaction.
    """
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
    if approve and isinstance(current, RiskReview):
        _apply_risk_review(current, user)
    return current


def _apply_risk_review(review: RiskReview, user) -> None:
    """An approved review becomes the risk's current assessment (kept in the risk's history)."""
    risk = review.risk
    risk.likelihood, risk.impact, risk.latest_position = review.likelihood, review.impact, review.latest_position
    risk.review_date = review.period.next().end
    risk._change_reason = f"Review {review.period.label} approved"
    risk._history_user = user
    risk.save()
