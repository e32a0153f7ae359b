"""The approver's review queue with the context to decide: for a value, its target and tolerance,
the status it would have and the figures for the previous period and the same period last year;
for an action update, the previous approved progress (a fall of 20 points or more flagged), the
due date and the status it would have. Every status comes from the scorecard's own helpers and
`indicators/status.py`; nothing is judged here.

A fixed number of queries (twelve, with the user's roles and a chosen service), however long the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.models import (
    ActionUpdate,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    Plan,
    ReportingRound,
    RiskReview,
    Service,
    WorkflowSettings,
)
from indicators.periods import Period
from indicators.permissions import entries_awaiting_review
from indicators.progress import LatestUpdate, latest_updates, update_status
from indicators.status import ActionStatus, AppliedTarget, IndicatorStatus, Trend, progress_fall, trend
from indicators.workflow import approval_refused, entry_closed_reason_among

from .scorecards.load import ValueRecord, load_targets, load_values
from .scorecards.rows import target_at, value_status
from .scorecards.scope import Scope


@dataclass
class Decision:
    """What the approver can do with an entry: nothing if its round is closed (`closed_reason`),
    return only if it is their own (`approval_refused`)."""

    closed_reason: str
    approval_refused: str

    @property
    def can_approve(self) -> bool:
        return not self.closed_reason and not self.approval_refused


@dataclass
class UpdateReview:
    entry: ActionUpdate
    decision: Decision
    previous: LatestUpdate | None  # the latest approved update before this one's period
    fall: int | None  # points progress fell since `previous`, when flagged
    status: ActionStatus | None  # the status the action would have; None for a group

    @property
    def kind(self) -> str:
        return "action"


@dataclass
class ValueReview:
    entry: IndicatorValue
    decision: Decision
    report: ExceptionReport | None
    target: AppliedTarget | None  # the target it is judged against: its period's own, else its year's
    status: IndicatorStatus  # the status the value would have, by the scorecard's rule
    previous_period: Period
    previous: ValueRecord | None
    last_year_period: Period
    last_year: ValueRecord | None
    short_trend: Trend  # against the previous period
    long_trend: Trend  # against the same period last year
    target_note: str = ""  # "against the 2022/23 target" when the year's target applies

    @property
    def kind(self) -> str:
        return "indicator"


@dataclass
class RiskReviewReview:
    entry: RiskReview
    decision: Decision

    @property
    def kind(self) -> str:
        return "risk"


@dataclass
class ReviewQueue:
    updates: list[UpdateReview]
    values: list[ValueReview]
    risk_reviews: list[RiskReviewReview]
    service: Service | None  # the service the queue is narrowed to, if any

    @property
    def approvable(self) -> int:
        return sum(1 for row in [*self.updates, *self.values, *self.risk_reviews] if row.decision.can_approve)


def build_review_queue(user, service_id: int | None = None) -> ReviewQueue:
    """The submitted entries `user` may decide on (of one service if `service_id`), with context."""
    service = Service.objects.filter(pk=service_id).first() if service_id is not None else None
    updates = entries_awaiting_review(user, "action").select_related("submitted_by")
    values = entries_awaiting_review(user, "indicator").select_related("submitted_by")
    risk_reviews = entries_awaiting_review(user, "risk").select_related("submitted_by")
    if service_id is not None:
        updates = updates.filter(action__plan__service=service_id)
        values = values.filter(indicator__service=service_id)
        risk_reviews = risk_reviews.filter(risk__service=service_id)
    updates = list(updates.order_by("action__plan__title", "action__order", "action__code"))
    values = list(values.order_by("indicator__code", "period"))
    risk_reviews = list(risk_reviews.order_by("risk__reference"))

    rounds = {r.period: r for r in ReportingRound.objects.all()}
    self_approval = WorkflowSettings.current().allow_self_approval

    def decision(entry) -> Decision:
        return Decision(entry_closed_reason_among(entry.period, rounds), approval_refused(entry, user, self_approval))

    return ReviewQueue(
        updates=_update_rows(updates, decision),
        values=_value_rows(values, decision),
        risk_reviews=[RiskReviewReview(entry, decision(entry)) for entry in risk_reviews],
        service=service,
    )


def _update_rows(updates: list[ActionUpdate], decision) -> list[UpdateReview]:
    """Each update with the action's previous approved one (one query for the whole queue)."""
    before = sorted({update.period.previous() for update in updates}, key=lambda p: (p.end, p.start))
    latest = dict(
        zip(
            before,
            latest_updates(
                before,
                updates=ActionUpdate.objects.approved(),
                action__in=[update.action_id for update in updates],
            )
            if updates
            else [],
            strict=True,
        )
    )
    rows = []
    for update in updates:
        previous = latest[update.period.previous()].get(update.action_id)
        # A group's progress is rolled up from its actions: it has no figure or status of its own.
        status = (
            None
            if update.progress is None and not update.set_status
            else update_status(update.action, update, update.period, update.action.plan.start_date)
        )
        fall = progress_fall(previous.progress if previous else None, update.progress)
        rows.append(UpdateReview(update, decision(update), previous, fall, status))
    return rows


def _value_rows(values: list[IndicatorValue], decision) -> list[ValueReview]:
    """Each value with its target and its neighbours' approved figures (two queries in all)."""
    if not values:
        return []
    scope = Scope("review", "", Plan.objects.none(), Indicator.objects.filter(pk__in={v.indicator_id for v in values}))
    # Each value's own period and its year: a part of the year without its own target is judged
    # against the year's (`rows.target_at`, as on the scorecard).
    targets = load_targets(scope, {p for v in values for p in (v.period, v.period.financial_year_period())})
    around = {p for v in values for p in (v.period.previous(), v.period.same_period_last_year())}
    approved = load_values(scope, around)
    rows = []
    for value in values:
        indicator = value.indicator
        target = target_at(indicator, value.period, targets)
        previous, last_year = value.period.previous(), value.period.same_period_last_year()
        before, year_ago = approved.get((indicator.id, previous)), approved.get((indicator.id, last_year))
        polarity = indicator.polarity_enum
        rows.append(
            ValueReview(
                entry=value,
                decision=decision(value),
                report=None,
                target=target,
                status=value_status(value, target, polarity, published_nationally=indicator.published_nationally),
                target_note=target.note(value.period) if target else "",
                previous_period=previous,
                previous=before,
                last_year_period=last_year,
                last_year=year_ago,
                short_trend=trend(value.value, before.value if before else None, polarity),
                long_trend=trend(value.value, year_ago.value if year_ago else None, polarity),
            )
        )
    reports = ExceptionReport.objects.filter(
        indicator__in={v.indicator_id for v in values}, period__in={v.period.key for v in values}
    )
    by_key = {(r.indicator_id, r.period): r for r in reports}
    for row in rows:
        row.report = by_key.get((row.entry.indicator_id, row.entry.period))
    return rows
