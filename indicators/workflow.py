"""Every change of state of officers' entries and reporting rounds, with its checks.

Each entry (an `ActionUpdate`, `IndicatorValue` or `RiskReview`) goes draft -> submitted ->
approved, or back to the officer as returned. Entries can only be saved while their reporting
round is open. Every save checks the version the user started from, so two people editing the
same entry never silently overwrite each other; every transition is saved with a reason, which
the audit history keeps with who and when.

Rounds follow the council's cycle: quarterly, half-yearly or annual (`ROUND_FREQUENCIES`; a
round's frequency is its period's). Two rules, used by the forms, My updates and reminders
(`due.py`), review, lock and imports:

- which period an item reports in a round (`period_in_round`): the item's own period that ends
  when the round ends. In a half-year round a quarterly measure reports the quarter ending with
  the half (Q2 in H1, Q4 in H2), a monthly one the half's last month, a half-yearly one the half;
  an annual measure reports nothing at H1 (not measured) and the year in H2's or the year's
  round. Action updates and risk reviews are made for the round's own period (H1 2022/23).
- which rounds an entry for a period belongs to (`entry_round_periods`): in each cycle, the round
  whose period contains the entry's period's end (an August value in Q2's or H1's round, a
  half-yearly H1 value in Q2's or H1's). The entry can be saved while such a round exists and
  none of them is locked: once any round it belongs to is locked, the figure went to committee.

Which round officers are working on now: the open round due soonest (`current_round`).

Once a round is locked (its report has gone to committee), its figures are a public record: a
value, action update or target for it can only be corrected by the performance team, with a
reason (`require_correction_allowed`), which the audit history keeps with who, when and the old
and new figures. Every write path asks: the officers' forms (`save_entry`), the admin and imports.

Review rules: entries are decided on (approved or returned) only while their round is open, as
they are saved; nobody approves an entry they submitted or wrote themselves (separation of
duties) unless the performance team has allowed it for the council (`WorkflowSettings`, changed
through `set_self_approval` with a reason kept in the audit history); an officer may recall a
submission that has not been decided on yet (`recall_entry`). Locking a round with entries not
yet approved, or items not started, needs the performance team to have seen them listed
(`lock_round`, listing from `due.unfinished_in_round`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.apps import apps
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
    WorkflowSettings,
)
from .periods import Frequency, Period
from .permissions import is_performance_team
from .status import IndicatorStatus, Rag, indicator_status

# The parts of an exception report a red value cannot be submitted without; "resource
# implications" may be left empty.
EXCEPTION_REPORT_PARTS = ("performance", "improvement_actions", "timescale")
# django-simple-history's change reason column.
HISTORY_REASON_LENGTH = 100

# The audit history keeps a change reason of up to 100 characters: "Correction: " and the reason.
CORRECTION_PREFIX = "Correction: "
CORRECTION_REASON_MAX = HISTORY_REASON_LENGTH - len(CORRECTION_PREFIX)


class WorkflowError(Exception):
    """A change the workflow does not allow; the message says why, in plain words."""


class Conflict(WorkflowError):
    """Someone else saved the entry since this user opened it."""

    def __init__(self, current: Reviewable | None) -> None:
        super().__init__("Someone else saved this while you were editing it.")
        self.current = current


def history_reason(text: str) -> str:
    """`text` as an audit-history change reason, which holds 100 characters: longer text is cut
    with an ellipsis (the full words stay on the record itself, e.g. the review comment)."""
    text = " ".join(text.split())
    return text if len(text) <= HISTORY_REASON_LENGTH else text[: HISTORY_REASON_LENGTH - 1].rstrip() + "…"


# Rounds ---------------------------------------------------------------------------------------


# The frequencies a reporting round can have: a council reports each quarter, each half year, or
# once a year (or mixes them, e.g. a half-year assessment beside quarterly rounds).
ROUND_FREQUENCIES = (Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.ANNUAL)


def is_round_period(period: Period) -> bool:
    """Whether a reporting round can be opened for `period` (a quarter, half year or year)."""
    return period.frequency in ROUND_FREQUENCIES


def period_in_round(round_of: Period, frequency: Frequency | None = None) -> Period | None:
    """The period an item reports in the round for period `round_of`, or None if it reports nothing then.

    `frequency` is an indicator's; None for action updates and risk reviews, which are made for
    the round's own period. An indicator reports its own period that ends when the round ends:
    in H1's round a quarterly measure reports Q2 and a monthly one September; in Q2's round a
    half-yearly measure reports H1; an annual measure reports only in a round ending on 31 March.
    """
    if frequency is None:
        return round_of
    return round_of.as_frequency(frequency)


def entry_round_periods(period: Period) -> tuple[Period, ...]:
    """The periods of the rounds an entry for `period` belongs to, one per cycle, shortest first:
    the quarter, half year and year containing the period's end (H1 2022/23: Q2, H1, 2022/23).

    The entry can be made in any of these rounds that is open; a council running one cycle opens
    only one of them.
    """
    return tuple(Period.containing(period.end, frequency) for frequency in ROUND_FREQUENCIES)


def _named_round(period: Period) -> Period:
    """The round to name when no round for `period` is open: its own if it could be a round's
    period (H1 for a half-yearly value), else the quarter its period ends in."""
    return period if is_round_period(period) else entry_round_periods(period)[0]


def current_round() -> ReportingRound:
    """The round officers are working on now: of the open rounds, the one due soonest."""
    found = ReportingRound.objects.open().first()
    if found is None:
        raise WorkflowError("No period is open for updates.")
    return found


def _issued_report(period: Period) -> tuple[str, dt.datetime] | None:
    """The committee and date of the first report issued (and not withdrawn) from round `period`."""
    if not apps.is_installed("reports"):
        return None
    issued_report = apps.get_model("reports", "IssuedReport")
    keys = [period.key] + [p.key for f in Frequency if (p := period.as_frequency(f)) is not None]
    first = (
        issued_report.objects.filter(withdrawn_at__isnull=True, report__period__in=keys)
        .select_related("report__committee")
        .order_by("issued_at")
        .first()
    )
    return (first.report.committee.name, first.issued_at) if first else None


def _day(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def locked_message(reporting_round: ReportingRound, issued: tuple[str, dt.datetime] | None) -> str:
    """Why nothing in a locked round can change, in plain words: the performance team locked it,
    and only if a report from it has been issued (`issued`: committee, when), that report."""
    label = reporting_round.period.label
    when = f" on {_day(reporting_round.locked_at)}" if reporting_round.locked_at else ""
    report = f" (its report to {issued[0]} was issued on {_day(issued[1])})" if issued else ""
    return (
        f"{label} was locked by the performance team{when}{report}, so nothing in it can be changed "
        "or decided on. Ask them to reopen it if something must change."
    )


def closed_reason_for(
    reporting_round: ReportingRound | None, period: Period, issued: tuple[str, dt.datetime] | None = None
) -> str:
    """Why nothing in round `period` can change, given its round (None if it was never opened)
    and the report issued from it if any; "" while it is open. No queries."""
    if reporting_round is None:
        return f"{period.label} is not open for updates."
    if reporting_round.is_locked:
        return locked_message(reporting_round, issued)
    return ""


def _round_if_open(period: Period) -> tuple[ReportingRound | None, str]:
    found = ReportingRound.objects.filter(period=period).first()
    issued = _issued_report(period) if found is not None and found.is_locked else None
    return found, closed_reason_for(found, period, issued)


def _entry_rounds(period: Period) -> list[ReportingRound]:
    """The rounds (opened, open or locked) that an entry for `period` belongs to (one query)."""
    return list(ReportingRound.objects.filter(period__in=[p.key for p in entry_round_periods(period)]))


def entry_closed_reason_among(period: Period, rounds: Mapping[Period, ReportingRound], issued: bool = False) -> str:
    """Why an entry for `period` cannot be saved or decided on, given every round by its period
    (`rounds` may hold more): "" while a round it belongs to is open and none is locked. No
    queries, unless `issued` asks for the report issued from a locked round to be named."""
    own = [rounds[p] for p in entry_round_periods(period) if p in rounds]
    locked = next((r for r in own if r.is_locked), None)
    if locked is not None:
        return closed_reason_for(locked, locked.period, _issued_report(locked.period) if issued else None)
    if not own:
        return closed_reason_for(None, _named_round(period))
    return ""


def entry_closed_reason(period: Period) -> str:
    """Why an entry for `period` cannot be saved or decided on now, or "" while a round it belongs
    to is open and none is locked (see `entry_round_periods`)."""
    return entry_closed_reason_among(period, {r.period: r for r in _entry_rounds(period)}, issued=True)


def require_entry_open(period: Period) -> None:
    """Refuse saving or deciding on an entry for `period` unless its round is open (`entry_closed_reason`)."""
    if reason := entry_closed_reason(period):
        raise WorkflowError(reason)


def round_closed_reason(period: Period) -> str:
    """Why entries of round `period` (a round's own period) cannot change now, or "" while it is open."""
    return _round_if_open(period)[1]


def require_open_round(period: Period) -> ReportingRound:
    """The reporting round for `period` (a round's own period), if it is open for updates."""
    found, reason = _round_if_open(period)
    if reason:
        raise WorkflowError(reason)
    return found


def locked_round(period: Period) -> ReportingRound | None:
    """A locked round that an entry or target for `period` belongs to (`entry_round_periods`), or None.

    A period is locked once the performance team locks its round after the report is issued; a
    period with no round at all (e.g. figures from before the system) is not locked.
    """
    keys = [p.key for p in entry_round_periods(period)]
    return ReportingRound.objects.filter(period__in=keys, locked_at__isnull=False).first()


def require_correction_allowed(period: Period, user, reason: str) -> None:
    """Refuse a write of a value, action update or target for `period` once its round is locked,
    unless the performance team makes it and says why (`reason`, kept in the audit history).

    Writes for periods whose round is open, or that have no round, pass: officers' forms also need
    an open round (`save_entry`); the admin and imports set up history without one.
    """
    found = locked_round(period)
    if found is None:
        return
    locked = f"{period.label} is locked: the performance team has locked its round"
    if user is None or not is_performance_team(user):
        raise WorkflowError(f"{locked}. Only the performance team can correct it, giving a reason.")
    if not (reason or "").strip():
        raise WorkflowError(f"{locked}. Say why this figure is being corrected; the audit history keeps the reason.")


def correction_reason(reason: str) -> str:
    """The audit history's change reason for a correction to a locked period ("Correction: …")."""
    if len(reason.strip()) > CORRECTION_REASON_MAX:
        raise WorkflowError(f"Say why the figure is being corrected in at most {CORRECTION_REASON_MAX} characters.")
    return f"{CORRECTION_PREFIX}{reason.strip()}"


def locked_periods(periods: Iterable[Period]) -> set[Period]:
    """Those of `periods` whose round is locked (one query), e.g. to offer corrections on a page."""
    periods = list(periods)
    locked = frozenset(
        ReportingRound.objects.locked()
        .filter(period__in={r.key for p in periods for r in entry_round_periods(p)})
        .values_list("period", flat=True)
    )
    return {p for p in periods if is_locked(p, locked)}


def correcting(period: Period, user) -> bool:
    """Whether `user` saving an entry for `period` would be correcting a locked period: the
    performance team, once the report is issued. Forms then ask for the reason (`save_entry`)."""
    return is_performance_team(user) and locked_round(period) is not None


def open_round(period: Period, deadline: dt.date, user) -> ReportingRound:
    """Open `period` (a quarter, half year or year: `is_round_period`) for officers' updates until `deadline`."""
    if not is_round_period(period):
        raise WorkflowError(f"Rounds are opened for a quarter, a half year or a year, not {period.label}.")
    new = ReportingRound(period=period, deadline=deadline, opened_by=user)
    new._change_reason = "Opened"
    new.save()
    return new


def lock_round(reporting_round: ReportingRound, user, acknowledged: int = 0) -> None:
    """Lock the round: no more saves, submissions or decisions until it is reopened.

    While entries are not approved or due items not started (`due.unfinished_in_round`), it is
    locked only once the user has seen them listed: `acknowledged` is how many the warning
    showed; if there are more now (someone started one meanwhile) it is refused. The history
    records what was left unfinished.
    """
    from .due import unfinished_in_round

    if reporting_round.is_locked:
        raise WorkflowError(f"{reporting_round.period.label} is already locked.")
    unfinished = unfinished_in_round(reporting_round)
    if len(unfinished) > acknowledged:
        raise WorkflowError(
            f"{len(unfinished)} {'entry is' if len(unfinished) == 1 else 'entries are'} not approved yet in "
            f"{reporting_round.period.label}: check the list and confirm to lock it anyway."
        )
    counts: dict[str, int] = {}
    for entry in unfinished:
        counts[entry.state_label.lower()] = counts.get(entry.state_label.lower(), 0) + 1
    left = ", ".join(f"{count} {state}" for state, count in counts.items())
    reporting_round.locked_at, reporting_round.locked_by = timezone.now(), user
    not_approved = f"{len(unfinished)} {'entry' if len(unfinished) == 1 else 'entries'} not approved ({left})"
    reporting_round._change_reason = history_reason(f"Locked with {not_approved}" if left else "Locked")
    reporting_round._history_user = user
    reporting_round.save()


def reopen_round(reporting_round: ReportingRound, user, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError("Say why the period is being reopened; the reason is kept in the audit history.")
    reporting_round.locked_at = reporting_round.locked_by = None
    reporting_round._change_reason = history_reason(f"Reopened: {reason.strip()}")
    reporting_round._history_user = user
    reporting_round.save()


def locked_round_periods() -> frozenset[Period]:
    """The periods of every locked round (one query), to ask `is_locked` of many periods at once."""
    return frozenset(ReportingRound.objects.locked().values_list("period", flat=True))


def is_locked(period: Period, locked_rounds: frozenset[Period]) -> bool:
    """Whether entries for `period` are made in one of `locked_rounds` (see `locked_round_periods`)."""
    return any(r in locked_rounds for r in entry_round_periods(period))


# Officers' entries ------------------------------------------------------------------------------


def _no_longer_editable(entry: Reviewable) -> str:
    if entry.state == ReviewState.SUBMITTED:
        return "This has been submitted and is waiting for a decision. Recall it if you need to change it."
    return f"This has been {entry.get_state_display().lower()} and can no longer be changed."


def editable(period: Period, entry: Reviewable | None) -> tuple[bool, str]:
    """Whether an officer can change the entry for `period` now, and if not, why not."""
    if reason := entry_closed_reason(period):
        return False, reason
    if entry is not None and not entry.is_editable:
        return False, _no_longer_editable(entry)
    return True, ""


def _round_open_or_correction(period: Period, user, reason: str) -> bool:
    """Whether saving an entry for `period` is a correction to a locked round (True) or an
    ordinary save in an open round (False); refused when there is no round, or the round is
    locked and the correction not allowed (`require_correction_allowed`)."""
    rounds = _entry_rounds(period)
    if not rounds:
        raise WorkflowError(closed_reason_for(None, _named_round(period)))
    if not any(r.is_locked for r in rounds):
        return False
    require_correction_allowed(period, user, reason)
    return True


def recallable(period: Period, entry: Reviewable | None) -> bool:
    """Whether `entry` (for `period`) is a submission still waiting for a decision in an open
    round, which its officer may take back to change (`recall_entry`)."""
    return entry is not None and entry.state == ReviewState.SUBMITTED and not entry_closed_reason(period)


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
    """The status `value` would have against the target `period` is judged by (its own, else its
    year's: `Indicator.target_for`)."""
    applied = indicator.target_for(period)
    return indicator_status(value, applied.rule if applied else None, indicator.polarity_enum)


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


# Review -----------------------------------------------------------------------------------------


def is_own_entry(entry: Reviewable, user) -> bool:
    """Whether `user` submitted `entry` or wrote its current version."""
    return user.pk is not None and user.pk in (entry.submitted_by_id, getattr(entry, "author_id", None))


def approval_refused(entry: Reviewable, user, self_approval_allowed: bool) -> str:
    """Why `user` may not approve `entry` (separation of duties), or "" if they may.

    Nobody approves an entry they submitted or wrote, unless the council allows it
    (`WorkflowSettings.allow_self_approval`). Returning one's own entry is always allowed.
    """
    if is_own_entry(entry, user) and not self_approval_allowed:
        return "You submitted or wrote this update, so someone else must approve it (separation of duties)."
    return ""


def _submission(entry: Reviewable, version: int, refusal: str) -> Reviewable:
    """`entry` locked for a decision on it: its round still open, the version the person saw,
    and still submitted (else `refusal`, with its state)."""
    current = type(entry).objects.select_for_update().get(pk=entry.pk)
    require_entry_open(current.period)
    if current.version != version:
        raise Conflict(current)
    if current.state != ReviewState.SUBMITTED:
        raise WorkflowError(f"{refusal}; this one is {current.get_state_display().lower()}.")
    return current


@transaction.atomic
def review_entry(entry: Reviewable, version: int, user, approve: bool, comment: str = "") -> Reviewable:
    """Approve a submitted entry, or return it to the officer with a comment.

    Refused once the entry's round is locked (or if it has none open), and for approving one's
    own entry unless the council allows it. An approved risk review becomes the risk's current
    assessment in the same transaction.
    """
    current = _submission(entry, version, "Only submitted updates can be reviewed")
    if approve and (refused := approval_refused(current, user, WorkflowSettings.current().allow_self_approval)):
        raise WorkflowError(refused)
    if not approve and not comment.strip():
        raise WorkflowError("Say what needs to change when you return an update.")
    current.state = ReviewState.APPROVED if approve else ReviewState.RETURNED
    current.reviewed_at, current.reviewed_by = timezone.now(), user
    current.review_comment = comment.strip()
    current.version += 1
    current._change_reason = "Approved" if approve else history_reason(f"Returned: {comment.strip()}")
    current._history_user = user
    current.save()
    if approve and isinstance(current, RiskReview):
        apply_risk_review(current, user)
    return current


@transaction.atomic
def recall_entry(entry: Reviewable, version: int, user) -> Reviewable:
    """Take a submission back to draft before anyone has decided on it, so it can be changed.

    Only while its round is open and it is still waiting for a decision; version-checked like
    every save. Who may recall it is asked of `permissions.entry_for_recall`.
    """
    current = _submission(entry, version, "Only a submission still waiting for a decision can be recalled")
    current.state = ReviewState.DRAFT
    current.submitted_at = current.submitted_by = None
    current.version += 1
    current._change_reason = "Recalled before review, to be changed"
    current._history_user = user
    current.save()
    return current


def set_self_approval(user, allowed: bool, reason: str) -> WorkflowSettings:
    """Allow or stop approvers approving their own entries, for the whole council.

    Off by default. A reason is required; it is kept with who and when in the audit history.
    """
    if not reason.strip():
        raise WorkflowError("Say why; the reason is kept in the audit history.")
    current = WorkflowSettings.current()
    if current.allow_self_approval == allowed:
        return current
    current.allow_self_approval, current.reason = allowed, reason.strip()
    change = "Approvers may approve their own entries" if allowed else "Approvers may not approve their own entries"
    current._change_reason = history_reason(f"{change}: {reason.strip()}")
    current._history_user = user
    current.save()
    return current


def apply_risk_review(review: RiskReview, user) -> None:
    """An approved review becomes the risk's current assessment (kept in the risk's history)."""
    risk = review.risk
    risk.likelihood, risk.impact, risk.latest_position = review.likelihood, review.impact, review.latest_position
    risk.review_date = review.period.next().end
    risk._change_reason = f"Review {review.period.label} approved"
    risk._history_user = user
    risk.save()
