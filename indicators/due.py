"""What is due from whom in a reporting round: the one answer My updates, the email reminders
and the warning before a round is locked all use.

- An **action** is due from the person it is assigned to, or from its owner while nobody is
  assigned, in each round whose year lies within its plan's years and not before the action
  starts, until it is finished: completed or cancelled in an approved update before the round
  (`progress.finished_action_ids`), after which it is never asked for, nor reminded about, again.
- An **indicator** is due from its owner while it is active, in each round at whose end one of its
  periods ends, for that period (`workflow.period_in_round`): in quarterly rounds a monthly
  measure's last month of the quarter, a half-yearly one at Q2 and Q4, an annual one at Q4; in a
  half-year round a quarterly measure's quarter ending with the half (Q2 in H1), a half-yearly
  one's half, an annual one only in H2; in an annual round every measure's period ending on
  31 March; and, if it belongs to a plan, while the round's year lies within the plan's years.
  A measure published nationally is never due from an officer: its figure comes out months after
  the round has closed and comes in with the national data (`reported_in_round`).
  Action updates are due for the round's own period (a quarter, half year or year).
- A due item is **outstanding** until it is handed in: not started, a draft, or returned to the
  officer. Submitted and approved items are not outstanding.

Each call is a fixed number of queries whatever the size of the council.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q, QuerySet

from .models import (
    EDITABLE_STATES,
    Action,
    ActionUpdate,
    Indicator,
    IndicatorValue,
    ReportingRound,
    Reviewable,
    ReviewState,
    Risk,
    RiskReview,
)
from .periods import Frequency, Period
from .progress import finished_action_ids
from .workflow import period_in_round

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "Not started", **dict(ReviewState.choices)}
# Still to be handed in: not started, a draft, or returned to the officer. Every count of what is
# outstanding (My updates, reminders, a round's progress, the home page) asks this.
OUTSTANDING_STATES = frozenset({NOT_STARTED, *EDITABLE_STATES})


class _EntryState:
    """An item's state in words: its entry's, or "not started" when there is none yet."""

    entry: Reviewable | None

    @property
    def state(self) -> str:
        return self.entry.state if self.entry else NOT_STARTED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class DueItem(_EntryState):
    """One action update or indicator value due from one person in a round."""

    kind: Literal["action", "indicator"]
    obj: Action | Indicator
    period: Period  # the entry's own period (a monthly measure's month, a half-yearly one's half)
    person_id: int
    entry: ActionUpdate | IndicatorValue | None

    @property
    def outstanding(self) -> bool:
        """Still to be handed in (`OUTSTANDING_STATES`)."""
        return self.state in OUTSTANDING_STATES


def responsible_person(action: Action) -> int | None:
    """Who an action's updates are due from: whoever it is assigned to, else its owner."""
    return action.assigned_to_id or action.owner_id


def due_actions(period: Period, people: Collection[int] | None = None) -> QuerySet[Action]:
    """The actions whose update for round `period` is due from someone in `people` (anyone if None),
    finished ones included (see `due_in_round`)."""
    actions = Action.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=period.end),
        plan__first_year__lte=period.year,
        plan__last_year__gte=period.year,
    )
    if people is None:
        return actions.filter(Q(assigned_to__isnull=False) | Q(owner__isnull=False))
    return actions.filter(Q(assigned_to__in=people) | Q(assigned_to__isnull=True, owner__in=people))


def reported_in_round(period: Period, indicators: QuerySet[Indicator] | None = None) -> QuerySet[Indicator]:
    """Of `indicators` (all by default), the active ones an officer reports in round `period`: with
    a period ending at the round's end (`workflow.period_in_round`), in their plan's years if they
    belong to one, and not published nationally (their figure comes out months after the round
    has closed, with the national data, and is "not yet available" until then:
    `status.reported_period`)."""
    frequencies = [f.value for f in Frequency if period_in_round(period, f) is not None]
    found = Indicator.objects.all() if indicators is None else indicators
    return found.filter(
        Q(plan__isnull=True) | Q(plan__first_year__lte=period.year, plan__last_year__gte=period.year),
        active=True,
        frequency__in=frequencies,
    ).exclude(source__in=Indicator.NATIONAL_SOURCES)


def due_indicators(period: Period, people: Collection[int] | None = None) -> QuerySet[Indicator]:
    """The indicators reported in round `period` (`reported_in_round`), owned by someone in `people`."""
    indicators = reported_in_round(period)
    if people is None:
        return indicators.filter(owner__isnull=False)
    return indicators.filter(owner__in=people)


def due_in_round(reporting_round: ReportingRound, people: Collection[int] | None = None) -> list[DueItem]:
    """Every item due in `reporting_round` from `people` (user ids; everyone when None), with its
    entry if one has been started. Actions first (by plan, order, code), then indicators by code.

    Six queries, whatever the number of people, actions and indicators.
    """
    period = reporting_round.period
    actions_in_scope = due_actions(period, people)
    finished = finished_action_ids(actions_in_scope.values("pk"), before=period)
    actions = [
        action
        for action in actions_in_scope.select_related("plan").order_by("plan__title", "order", "code")
        if action.id not in finished
    ]
    indicators = list(due_indicators(period, people).select_related("plan").order_by("code"))
    updates = {
        update.action_id: update
        for update in ActionUpdate.objects.filter(action__in=actions_in_scope.values("pk"), period=period).defer(
            "narrative", "narrative_source"
        )
    }
    own = {indicator.id: period_in_round(period, indicator.frequency_enum) for indicator in indicators}
    values = {
        (value.indicator_id, value.period): value
        for value in IndicatorValue.objects.filter(
            indicator__in=due_indicators(period, people).values("pk"), period__in={p.key for p in own.values()}
        )
    }
    items = [
        DueItem("action", action, period_in_round(period), responsible_person(action), updates.get(action.id))
        for action in actions
    ]
    for indicator in indicators:
        period_of_value = own[indicator.id]
        value = values.get((indicator.id, period_of_value))
        items.append(DueItem("indicator", indicator, period_of_value, indicator.owner_id, value))
    return items


@dataclass(frozen=True)
class RiskReviewDue:
    """The review of one owned risk due from its owner in a round, and how far it has got."""

    risk_id: int
    reference: str
    title: str
    plan: str  # the plan's title, "" for a risk of no plan
    service_id: int
    owner_id: int
    state: str

    @property
    def outstanding(self) -> bool:
        return self.state in OUTSTANDING_STATES


def risk_reviews_due(reporting_round: ReportingRound, people: Collection[int] | None = None) -> list[RiskReviewDue]:
    """A review of every owned risk (of `people`, if given) is due in every round (two queries)."""
    period = period_in_round(reporting_round.period)
    reviews = dict(RiskReview.objects.filter(period=period).values_list("risk_id", "state"))
    risks = Risk.objects.filter(owner__isnull=False).order_by("reference")
    if people is not None:
        risks = risks.filter(owner__in=people)
    return [
        RiskReviewDue(risk_id, reference, title, plan or "", service_id, owner_id, reviews.get(risk_id, NOT_STARTED))
        for risk_id, reference, title, plan, service_id, owner_id in risks.values_list(
            "id", "reference", "title", "plan__title", "service_id", "owner_id"
        )
    ]


def outstanding_by_person(
    reporting_round: ReportingRound, people: Collection[int] | None = None
) -> dict[int, list[DueItem]]:
    """What each person (of `people`, if given) has still to hand in for the round (for the
    reminders, with their risk reviews: `reminders.outstanding_reviews`)."""
    found: dict[int, list[DueItem]] = {}
    for item in due_in_round(reporting_round, people):
        if item.outstanding and (people is None or item.person_id in people):
            found.setdefault(item.person_id, []).append(item)
    return found


# Before a round is locked ---------------------------------------------------------------------


def periods_in_round(period: Period) -> list[Period]:
    """Every period whose entries are made in round `period` (see `workflow.entry_round_periods`):
    the round's own, the shorter periods ending within it (months first), and the longer ones
    ending with it. Q2: Q2, Jul-Sep, H1; H1: H1, Apr-Sep, Q1, Q2."""
    shorter = [f for f in Frequency if f.months < period.frequency.months]
    longer = [f for f in Frequency if f.months > period.frequency.months]
    found = [period, *(p for f in shorter for p in period.subperiods(f))]
    return found + [p for f in longer if (p := period.as_frequency(f)) is not None]


@dataclass(frozen=True)
class UnfinishedEntry(_EntryState):
    """An entry in a round that has not been approved, described for the lock warning."""

    kind: str  # "Action", "Indicator", "Risk review"
    code: str
    title: str
    plan: str
    period: Period
    entry: Reviewable | None  # None: due but not started


# The order the lock warning lists them in: waiting for a decision first.
UNFINISHED_ORDER = (ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.DRAFT, NOT_STARTED)


def unfinished_in_round(reporting_round: ReportingRound) -> list[UnfinishedEntry]:
    """Every entry of the round not yet approved — submitted (waiting for a decision), returned,
    draft — and every due item not started (risk reviews too: `risk_reviews_due`), by state, then
    plan and code. Eleven queries."""
    period = reporting_round.period
    keys = [p.key for p in periods_in_round(period)]
    found: list[UnfinishedEntry] = []
    not_approved = ~Q(state=ReviewState.APPROVED)
    for update in (
        ActionUpdate.objects.filter(not_approved, period=period)
        .select_related("action__plan")
        .defer("narrative", "narrative_source")
    ):
        action = update.action
        found.append(UnfinishedEntry("Action", action.code, action.title, action.plan.title, update.period, update))
    for value in IndicatorValue.objects.filter(not_approved, period__in=keys).select_related("indicator__plan"):
        indicator = value.indicator
        plan = indicator.plan.title if indicator.plan else ""
        found.append(UnfinishedEntry("Indicator", indicator.code, indicator.title, plan, value.period, value))
    for review in RiskReview.objects.filter(not_approved, period=period).select_related("risk__plan"):
        risk = review.risk
        plan = risk.plan.title if risk.plan else ""
        found.append(UnfinishedEntry("Risk review", risk.reference, risk.title, plan, review.period, review))
    for item in due_in_round(reporting_round):
        if item.entry is None:
            obj = item.obj
            plan = obj.plan.title if obj.plan else ""
            kind = "Action" if item.kind == "action" else "Indicator"
            found.append(UnfinishedEntry(kind, obj.code, obj.title, plan, item.period, None))
    review_period = period_in_round(period)
    for review in risk_reviews_due(reporting_round):
        if review.state == NOT_STARTED:
            found.append(
                UnfinishedEntry("Risk review", review.reference, review.title, review.plan, review_period, None)
            )
    rank = {state: i for i, state in enumerate(UNFINISHED_ORDER)}
    found.sort(key=lambda e: (rank[e.state], e.plan, e.code))
    return found
