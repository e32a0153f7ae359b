"""Every change of state of officers' entries and reporting rounds, with its checks.

Each entry (an `ActionUpdate`, `IndicatorValue` or `RiskReview`) goes draft -> submitted ->
approved, or back to the officer as returned. Entries can only be saved while their reporting
round is open. Every save checks the version the user started from, so two people editing the
same entry never silently overwrite each other; every transition is saved with a reason, which
the audit history keeps with who and when.

Which round an entry belongs to: the quarter its period ends in (`round_period`). Which round
officers are working on now: the open round due soonest (`current_round`).

Once a round is locked (its report has gone to committee), its figures are a public record: a
value, action update or target for it can only be corrected by the performance team, with a
reason (`require_correction_allowed`), which the audit history keeps with who, when and the old
and new figures. Every write path asks: the officers' forms (`save_entry`), the admin and imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
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
# The audit history keeps a change reason of up to 100 characters: "Correction: " and the reason.
CORRECTION_PREFIX = "Correction: "
CORRECTION_REASON_MAX = 100 - len(CORRECTION_PREFIX)


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


def locked_round(period: Period) -> ReportingRound | None:
    """The locked round that an entry or target for `period` belongs to (`round_period`), or None.

    A period is locked once the performance team locks its round after the report is issued; a
    period with no round at all (e.g. figures from before the system) is not locked.
    """
    return ReportingRound.objects.filter(period=round_period(period), locked_at__isnull=False).first()


def require_correction_allowed(period: Period, user, reason: str) -> None:
    """Refuse a write of a value, action update or target for `period` once its round is locked,
    unless the performance team makes it and says why (`reason`, kept in the audit history).

    Writes for periods whose round is open, or that have no round, pass: officers' forms also need
    an open round (`save_entry`); the admin and imports set up history without one.
    """
    found = locked_round(period)
    if found is None:
        return
    if not is_performance_team(user):
        raise WorkflowError(
            f"{found.period.label} is locked: its report has been issued. "
            "Only the performance team can correct it, giving a reason."
        )
    if not (reason or "").strip():
        raise WorkflowError(
            f"{found.period.label} is locked: its report has been issued. "
            "Say why this figure is being corrected; the reason is kept in the audit history."
        )


def correction_reason(reason: str) -> str:
    """The audit history's change reason for a correction to a locked period ("Correction: …")."""
    if len(reason.strip()) > CORRECTION_REASON_MAX:
        raise WorkflowError(f"Say why the figure is being corrected in at most {CORRECTION_REASON_MAX} characters.")
    return f"{CORRECTION_PREFIX}{reason.strip()}"


def locked_periods(periods: Iterable[Period]) -> set[Period]:
    """Those of `periods` whose round is locked (one query), e.g. to offer corrections on a page."""
    periods = list(periods)
    locked = set(
        ReportingRound.objects.locked()
        .filter(period__in={round_period(p).key for p in periods})
        .values_list("period", flat=True)
    )
    return {p for p in periods if round_period(p) in locked}


def correcting(period: Period, user) -> bool:
    """Whether `user` saving an entry for `period` would be correcting a locked period: the
    performance team, once the report is issued. Forms then ask for the reason (`save_entry`)."""
    return is_performance_team(user) and locked_round(period) is not None


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


def _round_open_or_correction(period: Period, user, reason: str) -> bool:
    """Whether saving an entry for `period` is a correction to a locked round (True) or an
    ordinary save in an open round (False); refused when there is no round, or the round is
    locked and the correction not allowed (`require_correction_allowed`)."""
    found = ReportingRound.objects.filter(period=round_period(period)).first()
    if found is None:
        raise WorkflowError(f"{round_period(period).label} is not open for updates.")
    if not found.is_locked:
        return False
    require_correction_allowed(period, user, reason)
    return True


@transaction.atomic
def save_entry(
    model: type[Reviewable],
    lookup: dict[str, Any],
    version: int,
    fields: dict[str, Any],
    user,
    submit: bool,
    reason: str = "",
) -> Reviewable:
    """Save an officer's entry as a draft, or submit it for approval.

    `lookup` names the entry (its object and `period`); `version` is the version the user's
    form was based on (0 for a new entry). Refused unless the entry's reporting round is open,
    or, once it is locked, unless the performance team corrects it giving a `reason`: a
    correction is saved as approved (it is the record from then on), whatever state the entry
    was in, with "Correction: <reason>" in the audit history.
    """
    correction = _round_open_or_correction(lookup["period"], user, reason)
    current = model.objects.select_for_update().filter(**lookup).first()
    if current is None:
        if version:
            raise Conflict(None)
        entry = model(**lookup)
    else:
        if current.version != version:
            raise Conflict(current)
        if not current.is_editable and not correction:
            raise WorkflowError(_no_longer_editable(current))
        entry = current
        entry.version += 1
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.author = user
    if correction:
        entry.state = ReviewState.APPROVED
        entry.reviewed_at, entry.reviewed_by = timezone.now(), user
        entry._change_reason = correction_reason(reason)
    else:
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
    reason: str = "",
) -> IndicatorValue:
    """Save an indicator value as `save_entry` does, with its exception report if one is written.

    Submitting a red value without the exception report is refused, and so is correcting a
    locked period's value to a red one without it (a correction is saved as approved).
    """
    report = {name: (text or "").strip() for name, text in (exception_report or {}).items()}
    needs_report = submit or locked_round(period) is not None
    if needs_report and missing_exception_report(value_status(indicator, period, fields.get("value")), report):
        raise WorkflowError("The value is outwith tolerance: write its exception report before you submit it.")
    entry = save_entry(
        IndicatorValue, {"indicator": indicator, "period": period}, version, fields, user, submit, reason
    )
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
