"""Scorecard data for a scope (council, committee, service or plan) and a period.

Only approved updates and values count: drafts and submissions waiting for approval stay with
the officers and approvers until they are approved.

Built once, in a fixed number of queries whatever the number of items, into plain dataclasses
that the web scorecard, its exports and the committee PDFs all render. Every status comes from
`indicators/status.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from indicators.html import plain_text, truncate
from indicators.models import (
    Action,
    ActionUpdate,
    Committee,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReviewState,
    Service,
    Target,
)
from indicators.periods import Frequency, Period, ReportingPeriods
from indicators.progress import PlanProgress, latest_updates, plan_progress
from indicators.status import (
    RAG_LABELS,
    ActionStatus,
    IndicatorStatus,
    Outlook,
    Polarity,
    Rag,
    ToleranceType,
    Trend,
    indicator_status,
    outlook,
    trend,
)
from indicators.status import Target as TargetRule

INDICATOR_STATUS_ORDER = [Rag.GREEN, Rag.AMBER, Rag.RED, Rag.DATA_ONLY, Rag.NOT_MEASURED, Rag.NOT_AVAILABLE]
ACTION_STATUS_ORDER = [
    ActionStatus.COMPLETED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.NOT_STARTED,
    ActionStatus.CHECK_PROGRESS,
    ActionStatus.NEGLECTED,
    ActionStatus.UNASSIGNED,
    ActionStatus.OVERDUE,
    ActionStatus.CANCELLED,
]
NEEDS_ATTENTION = frozenset(
    {
        Rag.RED.value,
        Rag.AMBER.value,
        ActionStatus.OVERDUE.value,
        ActionStatus.CHECK_PROGRESS.value,
        ActionStatus.NEGLECTED.value,
        ActionStatus.UNASSIGNED.value,
    }
)
SOURCE_LABELS = dict(Indicator.Source.choices)
STATUS_LABELS = {s.value: s.label for s in ActionStatus} | {r.value: label for r, label in RAG_LABELS.items()}


@dataclass(frozen=True)
class Scope:
    """What a scorecard covers: the whole council, a committee, a service or a plan."""

    kind: str
    title: str
    plans: QuerySet
    indicators: QuerySet
    slug: str = ""


def council_scope() -> Scope:
    return Scope("council", "All services", Plan.objects.all(), Indicator.objects.all())


def committee_scope(committee: Committee) -> Scope:
    services = committee.services.all()
    return Scope(
        "committee",
        committee.name,
        Plan.objects.filter(service__in=services),
        Indicator.objects.filter(service__in=services),
        committee.slug,
    )


def service_scope(service: Service) -> Scope:
    return Scope(
        "service",
        service.name,
        Plan.objects.filter(service=service),
        Indicator.objects.filter(service=service),
        service.slug,
    )


def plan_scope(plan: Plan) -> Scope:
    return Scope("plan", plan.title, Plan.objects.filter(pk=plan.pk), Indicator.objects.filter(plan=plan), str(plan.pk))


@dataclass(frozen=True)
class Filters:
    statuses: frozenset[str] = frozenset()
    owner: int | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.statuses or self.owner or self.query)

    def matches(self, code: str, title: str, status: str | None, owner_id: int | None) -> bool:
        if self.statuses and status not in self.statuses:
            return False
        if self.owner and owner_id != self.owner:
            return False
        if self.query:
            needle = self.query.casefold()
            return needle in code.casefold() or needle in title.casefold()
        return True


@dataclass
class ActionRow:
    id: int
    code: str
    title: str
    depth: int
    is_group: bool
    priority: int | None
    desired_outcome: str
    due_date: dt.date | None
    revised_due_date: dt.date | None
    owner: str
    owner_id: int | None
    progress: int | None
    status: ActionStatus | None
    update_period: Period | None
    narrative_html: str = ""
    narrative_summary: str = ""
    narrative_is_long: bool = False

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else "No actions"


@dataclass
class IndicatorRow:
    id: int
    code: str
    title: str
    unit: str
    decimal_places: int
    polarity: Polarity
    frequency: Frequency
    source: str
    owner: str
    owner_id: int | None
    reported_period: Period | None
    value: Decimal | None
    target: Decimal | None
    status: IndicatorStatus
    short_trend: Trend
    long_trend: Trend
    outlook: Outlook
    last_year_value: Decimal | None
    previous_value: Decimal | None
    commentary: str
    not_available_reason: str = ""
    # (period label, value, target, far edge of the tolerance band), oldest first; PDFs only.
    series: list[tuple[str, Decimal | None, Decimal | None, Decimal | None]] = field(default_factory=list)
    exception: dict[str, str] | None = None

    @property
    def rag(self) -> Rag:
        return self.status.rag


@dataclass
class Section:
    title: str
    category: str
    actions: list[ActionRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.actions and not self.indicators


@dataclass
class PlanBlock:
    id: int | None
    code: str
    title: str
    service: str
    progress: int | None
    status: ActionStatus | None
    sections: list[Section]
    narrative_html: str = ""

    @property
    def empty(self) -> bool:
        return all(section.empty for section in self.sections)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    last_year: int | None


@dataclass
class Completeness:
    indicators_due: int
    indicators_missing: int
    actions_due: int
    actions_missing: int

    @property
    def complete(self) -> bool:
        return not self.indicators_missing and not self.actions_missing


@dataclass
class Scorecard:
    scope_kind: str
    title: str
    period: Period
    last_year_period: Period
    indicator_summary: list[StatusCount]
    action_summary: list[StatusCount]
    plans: list[PlanBlock]
    completeness: Completeness
    filters: Filters
    owners: list[tuple[int, str]]
    periods: list[Period]
    shown_actions: int = 0
    shown_indicators: int = 0

    @property
    def indicator_total(self) -> int:
        return sum(c.count for c in self.indicator_summary)

    @property
    def action_total(self) -> int:
        return sum(c.count for c in self.action_summary)

    def rows(self) -> Iterable[tuple[PlanBlock, Section, ActionRow | IndicatorRow]]:
        for plan in self.plans:
            for section in plan.sections:
                for row in section.actions:
                    yield plan, section, row
                for row in section.indicators:
                    yield plan, section, row


def _names(user_ids: set[int | None]) -> dict[int | None, str]:
    """Display names of the given users (one query)."""
    names: dict[int | None, str] = {None: ""}
    rows = (
        get_user_model()
        .objects.filter(id__in=[i for i in user_ids if i])
        .values_list("id", "first_name", "last_name", "username")
    )
    for user_id, first, last, username in rows:
        names[user_id] = f"{first} {last}".strip() or username
    return names


def available_periods(scope: Scope) -> list[Period]:
    """Every period with an indicator value or action update in scope, latest first (two queries)."""
    value_periods = (
        IndicatorValue.objects.approved()
        .filter(indicator__in=scope.indicators, not_available=False)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    update_periods = (
        ActionUpdate.objects.approved()
        .filter(action__plan__in=scope.plans)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    periods = set(value_periods) | set(update_periods)
    return sorted(periods, key=lambda p: (p.end, -p.frequency.months), reverse=True)


def _periods_by_frequency(period: Period, history: int = 0) -> dict[str, ReportingPeriods | None]:
    return {frequency.value: ReportingPeriods.at(period, frequency, history) for frequency in Frequency}


def _needed_keys(contexts: Iterable[ReportingPeriods | None]) -> tuple[set[str], set[str]]:
    """Period keys whose values and targets the scorecard needs."""
    value_keys: set[str] = set()
    target_keys: set[str] = set()
    for c in contexts:
        if c is not None:
            value_keys.update(p.key for p in (c.previous, c.last_year, *c.year_to_date, *c.history))
            target_keys.update({c.reported.key, c.last_year.key, c.year.key, *(p.key for p in c.history)})
    return value_keys, target_keys


@dataclass(frozen=True)
class _Value:
    value: Decimal | None
    not_available: bool
    reason: str
    commentary: str


def _indicator_row(
    indicator: Indicator,
    periods: ReportingPeriods | None,
    values: dict[tuple[int, Period], _Value],
    targets: dict[tuple[int, Period], TargetRule],
    people: dict[int | None, str],
) -> IndicatorRow:
    polarity = indicator.polarity_enum
    frequency = indicator.frequency_enum
    reported = periods.reported if periods else None

    def value_at(p: Period | None) -> Decimal | None:
        found = values.get((indicator.id, p)) if p else None
        return found.value if found else None

    record = values.get((indicator.id, reported)) if reported else None
    target = targets.get((indicator.id, reported)) if reported else None
    status = _status_at(indicator, reported, values, targets)
    short = long = Trend.NO_COMPARISON
    forecast = Outlook.UNKNOWN
    last_year = previous = None
    if periods is not None:
        current = value_at(reported)
        previous = value_at(periods.previous)
        last_year = value_at(periods.last_year)
        short = trend(current, previous, polarity)
        long = trend(current, last_year, polarity)
        annual = targets.get((indicator.id, periods.year))
        forecast = outlook(
            [value_at(p) for p in periods.year_to_date],
            frequency.per_year,
            annual,
            polarity,
            indicator.aggregation,
        )
    series = []
    if periods is not None:
        for p in periods.history:
            rule = targets.get((indicator.id, p))
            edge = None
            if rule is not None and polarity != Polarity.DATA_ONLY:
                band = rule.band()
                edge = rule.value - band if polarity == Polarity.HIGHER_IS_BETTER else rule.value + band
            series.append((p.label, value_at(p), rule.value if rule else None, edge))
    return IndicatorRow(
        series=series,
        id=indicator.id,
        code=indicator.code,
        title=indicator.title,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        polarity=polarity,
        frequency=frequency,
        source=SOURCE_LABELS.get(indicator.source, indicator.source),
        owner=people.get(indicator.owner_id, ""),
        owner_id=indicator.owner_id,
        reported_period=reported,
        value=record.value if record else None,
        target=target.value if target else None,
        status=status,
        short_trend=short,
        long_trend=long,
        outlook=forecast,
        last_year_value=last_year,
        previous_value=previous,
        commentary=record.commentary if record else "",
        not_available_reason=record.reason if record and record.not_available else "",
    )


def _status_at(indicator: Indicator, reported: Period | None, values, targets) -> IndicatorStatus:
    """The indicator's status for its own `reported` period (None: not measured this period)."""
    record = values.get((indicator.id, reported)) if reported else None
    target = targets.get((indicator.id, reported)) if reported else None
    status = indicator_status(
        record.value if record else None, target, indicator.polarity_enum, measured_this_period=reported is not None
    )
    if record and record.not_available:
        return IndicatorStatus(Rag.NOT_AVAILABLE, record.reason or status.reason)
    return status


def _counts(order, this_year: Counter, last_year: Counter | None) -> list[StatusCount]:
    return [
        StatusCount(
            status.value,
            status.label,
            this_year.get(status, 0),
            None if last_year is None else last_year.get(status, 0),
        )
        for status in order
    ]


def build_scorecard(
    scope: Scope,
    period: Period | None = None,
    filters: Filters | None = None,
    *,
    history: int = 0,
    with_exceptions: bool = False,
) -> Scorecard:
    """The scorecard for `scope` at `period` (default: the latest period with data).

    `history` adds that many periods of values and targets to each indicator (for charts);
    `with_exceptions` attaches exception reports to red indicators. Neither adds per-item queries.
    """
    filters = filters or Filters()
    periods = available_periods(scope)
    if period is None:
        period = periods[0] if periods else Period.containing(dt.date.today(), Frequency.QUARTERLY)
    last_year_period = period.same_period_last_year()

    plans = list(scope.plans.select_related("service").order_by("service__name", "title"))
    plan_ids = [plan.id for plan in plans]
    actions = list(Action.objects.filter(plan__in=plan_ids).order_by("order", "code"))
    latest_now, latest_then = latest_updates(
        [period, last_year_period], with_narrative=True, action__plan__in=plan_ids, state=ReviewState.APPROVED
    )
    outcomes = {o.id: o for o in Outcome.objects.filter(plan__in=plan_ids)}

    indicators = list(
        scope.indicators.only(
            "id",
            "code",
            "title",
            "unit",
            "decimal_places",
            "polarity",
            "frequency",
            "aggregation",
            "source",
            "owner_id",
            "plan_id",
            "outcome_id",
            "active",
        ).order_by("order", "code")
    )
    now = _periods_by_frequency(period, history)
    then = _periods_by_frequency(last_year_period)
    value_keys, target_keys = _needed_keys(now.values())
    in_scope = scope.indicators.values("id")
    values = {
        (row[0], row[1]): _Value(row[2], row[3], row[4], row[5])
        for row in IndicatorValue.objects.filter(
            indicator__in=in_scope, period__in=value_keys, state=ReviewState.APPROVED
        )
        .order_by()
        .values_list("indicator_id", "period", "value", "not_available", "not_available_reason", "commentary")
    }
    targets = {
        (row[0], row[1]): TargetRule(row[2], row[3], ToleranceType(row[4]))
        for row in Target.objects.filter(indicator__in=in_scope, period__in=target_keys)
        .order_by()
        .values_list("indicator_id", "period", "value", "tolerance", "tolerance_type")
    }
    indicators = [
        ind
        for ind in indicators
        if ind.active or (now[ind.frequency] and (ind.id, now[ind.frequency].reported) in values)
    ]
    people = _names({a.assigned_to_id for a in actions} | {i.owner_id for i in indicators})

    # Actions: this period and the same period last year, from the same update summaries.
    actions_by_plan: dict[int, list[Action]] = {}
    for action in actions:
        actions_by_plan.setdefault(action.plan_id, []).append(action)
    progress_now: dict[int, PlanProgress] = {}
    action_counts, action_counts_last_year = Counter(), Counter()
    for plan in plans:
        plan_actions = actions_by_plan.get(plan.id, [])
        progress_now[plan.id] = plan_progress(plan, period, plan_actions, latest_now)
        action_counts.update(node.status for node in progress_now[plan.id].leaf_actions())
        if plan.start_date <= last_year_period.end:
            before = plan_progress(plan, last_year_period, plan_actions, latest_then)
            action_counts_last_year.update(node.status for node in before.leaf_actions())

    indicator_rows = [_indicator_row(ind, now[ind.frequency], values, targets, people) for ind in indicators]
    if with_exceptions:
        red = {(row.id, row.reported_period): row for row in indicator_rows if row.rag == Rag.RED}
        reports = ExceptionReport.objects.filter(indicator__in=[i for i, _ in red], period__in={p.key for _, p in red})
        for report in reports:
            row = red.get((report.indicator_id, report.period))
            if row is not None:
                row.exception = {
                    "performance": report.performance,
                    "improvement_actions": report.improvement_actions,
                    "timescale": report.timescale,
                    "resource_implications": report.resource_implications,
                }
    indicator_counts = Counter(row.rag for row in indicator_rows)
    indicator_counts_last_year = Counter(
        _status_at(ind, then[ind.frequency].reported if then[ind.frequency] else None, values, targets).rag
        for ind in indicators
    )

    owners = {user_id: name for user_id, name in people.items() if user_id is not None}

    blocks: list[PlanBlock] = []
    shown_actions = shown_indicators = 0
    rows_by_plan: dict[int | None, list[tuple[Indicator, IndicatorRow]]] = {}
    for indicator, row in zip(indicators, indicator_rows, strict=True):
        rows_by_plan.setdefault(indicator.plan_id if indicator.plan_id in progress_now else None, []).append(
            (indicator, row)
        )
    for plan in plans:
        sections: dict[object, Section] = {}
        used = {a.outcome_id for a in actions_by_plan.get(plan.id, [])} | {
            ind.outcome_id for ind, _ in rows_by_plan.get(plan.id, [])
        }
        for outcome in sorted((o for o in outcomes.values() if o.plan_id == plan.id), key=lambda o: (o.order, o.id)):
            if outcome.id in used:
                sections[outcome.id] = Section(outcome.title, outcome.category)
        progress = progress_now[plan.id]
        for item in progress.items:
            section = sections.setdefault(
                item.action.outcome_id if item.action.outcome_id in sections else None, Section("Other actions", "")
            )
            for node, depth in _walk(item):
                row = _action_row(node, depth, people)
                if filters.matches(row.code, row.title, row.status.value if row.status else None, row.owner_id):
                    section.actions.append(row)
                    shown_actions += not row.is_group
        for indicator, row in rows_by_plan.get(plan.id, []):
            key = indicator.outcome_id if indicator.outcome_id in sections else "indicators"
            section = sections.setdefault(key, Section("Indicators", ""))
            if filters.matches(row.code, row.title, row.rag.value, row.owner_id):
                section.indicators.append(row)
                shown_indicators += 1
        blocks.append(
            PlanBlock(
                plan.id,
                plan.code,
                plan.title,
                plan.service.name,
                progress.percent,
                progress.status,
                [s for s in sections.values() if not s.empty],
            )
        )
    orphans = rows_by_plan.get(None, [])
    if orphans:
        section = Section("Indicators not in a plan", "")
        for _indicator, row in orphans:
            if filters.matches(row.code, row.title, row.rag.value, row.owner_id):
                section.indicators.append(row)
                shown_indicators += 1
        blocks.append(PlanBlock(None, "", "Other indicators", "", None, None, [section] if not section.empty else []))

    leaf_count = sum(len(p.leaf_actions()) for p in progress_now.values())
    missing_updates = sum(
        1
        for p in progress_now.values()
        for node in p.leaf_actions()
        if node.status in (ActionStatus.NEGLECTED, ActionStatus.UNASSIGNED)
    )
    due = [row for row in indicator_rows if row.rag != Rag.NOT_MEASURED]
    completeness = Completeness(
        indicators_due=len(due),
        indicators_missing=sum(1 for row in due if row.rag == Rag.NOT_AVAILABLE),
        actions_due=leaf_count,
        actions_missing=missing_updates,
    )
    return Scorecard(
        scope_kind=scope.kind,
        title=scope.title,
        period=period,
        last_year_period=last_year_period,
        indicator_summary=_counts(INDICATOR_STATUS_ORDER, indicator_counts, indicator_counts_last_year),
        action_summary=_counts(ACTION_STATUS_ORDER, action_counts, action_counts_last_year),
        plans=[b for b in blocks if not (filters.active and b.empty)],
        completeness=completeness,
        filters=filters,
        owners=sorted(owners.items(), key=lambda item: item[1]),
        periods=periods,
        shown_actions=shown_actions,
        shown_indicators=shown_indicators,
    )


def _walk(node, depth: int = 0):
    yield node, depth
    for child in node.children:
        yield from _walk(child, depth + 1)


def _action_row(node, depth: int, people: dict[int | None, str]) -> ActionRow:
    action = node.action
    update = node.latest_update
    narrative = update.narrative if update else ""  # sanitised when saved (ActionUpdate.save)
    words = plain_text(narrative, sanitised=True)
    summary = truncate(words)
    return ActionRow(
        id=action.id,
        code=action.code,
        title=action.title,
        depth=depth,
        is_group=node.is_group,
        priority=action.priority,
        desired_outcome=action.desired_outcome,
        due_date=action.due_date,
        revised_due_date=update.revised_due_date if update else None,
        owner=people.get(action.assigned_to_id, ""),
        owner_id=action.assigned_to_id,
        progress=node.percent,
        status=node.status,
        update_period=update.period if update else None,
        narrative_html=narrative,
        narrative_summary=summary,
        narrative_is_long=summary != words,
    )


def parse_filters(params) -> Filters:
    """Filters from a query string: ?status=red&status=amber&owner=12&q=kinship (or status=attention)."""
    statuses = set(params.getlist("status"))
    if "attention" in statuses:
        statuses = (statuses - {"attention"}) | NEEDS_ATTENTION
    statuses &= set(STATUS_LABELS)
    owner = params.get("owner", "")
    return Filters(
        statuses=frozenset(statuses),
        owner=int(owner) if owner.isdigit() else None,
        query=params.get("q", "").strip()[:100],
    )
