"""Scorecard data for a scope (council, committee, service or plan) and a period.

Built once, in a fixed number of queries whatever the number of items (`load.py`), into plain
dataclasses that the web scorecard, its exports and the committee PDFs all render. Every status
comes from `indicators/status.py`, through the rows (`rows.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from indicators.models import Outcome, Plan
from indicators.periods import Frequency, Period, ReportingPeriods
from indicators.progress import LatestUpdate, PlanProgress, leaf_statuses, plan_progress
from indicators.status import ActionStatus, Rag, reported_period
from reports.presentation.status import DEFAULT_WORDS, StatusWords, status_words

from .filters import Filters
from .load import (
    ActionFacts,
    IndicatorFacts,
    PeriodChoices,
    Values,
    load_actions,
    load_exception_reports,
    load_indicators,
    load_outcomes,
    load_people,
    load_plans,
    load_targets,
    load_updates,
    load_values,
    period_choices,
)
from .revisions import attach_revisions, frozen_for_scorecard
from .rows import ActionRow, IndicatorRow, action_row, indicator_row, status_at, walk
from .scope import Scope

# The order of the summary tables.
INDICATOR_STATUS_ORDER = [
    Rag.GREEN,
    Rag.AMBER,
    Rag.RED,
    Rag.DATA_ONLY,
    Rag.NOT_MEASURED,
    Rag.NOT_AVAILABLE,
    Rag.MISSING,
]
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


@dataclass
class Section:
    title: str
    category: str
    actions: list[ActionRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.actions and not self.indicators


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    last_year: int | None


@dataclass(frozen=True)
class Reconciliation:
    """A plan's measures: how many it declares, how many the scorecard covers, which have no entry."""

    plan_code: str
    plan_title: str
    declared: int | None  # `Plan.declared_measures`, if the performance team recorded it
    covered: int  # the plan's measures on the scorecard for the period, every category
    no_entry: list[str]  # codes of measures due this period with no approved entry (a figure or "not available")

    @property
    def gap(self) -> int | None:
        """Declared minus covered (positive: measures the plan names that perfdash does not hold)."""
        return None if self.declared is None else self.declared - self.covered

    @property
    def reconciled(self) -> bool:
        return not self.gap and not self.no_entry


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
class BlockSummary:
    """What a plan's block adds to the scorecard's summaries, whatever the filters: the page's
    counts are the sums of its blocks' (`assemble`), so a cached block carries its share."""

    indicators_now: Counter = field(default_factory=Counter)
    indicators_last_year: Counter = field(default_factory=Counter)
    actions_now: Counter = field(default_factory=Counter)
    actions_last_year: Counter = field(default_factory=Counter)
    completeness: Completeness | None = None
    reconciliation: Reconciliation | None = None
    owners: dict[int, str] = field(default_factory=dict)


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

    def __post_init__(self) -> None:
        # Its share of the summaries: an attribute, not a field, so the data issued reports
        # freeze (`committee.pdf.snapshot`, every field) stays as it was.
        self.summary: BlockSummary = BlockSummary()

    @property
    def empty(self) -> bool:
        return all(section.empty for section in self.sections)

    @property
    def shown_actions(self) -> int:
        return sum(not row.is_group for s in self.sections for row in s.actions)

    @property
    def shown_indicators(self) -> int:
        return sum(len(s.indicators) for s in self.sections)


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
    open_periods: frozenset[Period] = frozenset()  # open rounds among `periods`
    shown_actions: int = 0
    shown_indicators: int = 0
    indicators_covered: int = 0  # every measure the summary covers, listed categories or not
    indicators_covered_last_year: int = 0
    reconciliation: list[Reconciliation] = field(default_factory=list)
    words: StatusWords = DEFAULT_WORDS
    # Every category's counts, listed in summaries or not (exports).
    indicator_counts: list[StatusCount] = field(default_factory=list)

    @property
    def indicator_total(self) -> int:
        return self.indicators_covered

    @property
    def indicators_not_listed(self) -> int:
        """Measures in categories the council's summaries do not list (still in the total)."""
        return self.indicators_covered - sum(c.count for c in self.indicator_summary)

    @property
    def indicators_not_listed_last_year(self) -> int:
        return self.indicators_covered_last_year - sum(c.last_year or 0 for c in self.indicator_summary)

    def unreconciled(self) -> list[Reconciliation]:
        """Plans whose declared count differs from the measures covered, or with measures that
        have no entry for the period: for the scorecard's notice and a report's data check."""
        return [r for r in self.reconciliation if not r.reconciled]

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

    def indicator_rows(self) -> Iterator[IndicatorRow]:
        """The indicators shown, in the order of the page."""
        for plan in self.plans:
            for section in plan.sections:
                yield from section.indicators


def build_scorecard(
    scope: Scope,
    period: Period | None = None,
    filters: Filters | None = None,
    *,
    history: int = 0,
    with_exceptions: bool = False,
    with_revisions: bool = False,
) -> Scorecard:
    """The scorecard for `scope` at `period` (default: the latest period with data).

    `history` adds that many periods of values and targets to each indicator (for charts);
    `with_exceptions` attaches exception reports to red indicators; `with_revisions` marks the
    figures revised since the latest issued report (`revisions.py`, one query). None adds
    per-item queries.
    """
    filters = filters or Filters()
    plans = load_plans(scope)
    choices = period_choices(scope, plans)
    period = period if period is not None else _default(choices)
    blocks = build_blocks(
        scope,
        plans,
        period,
        filters,
        history=history,
        with_exceptions=with_exceptions,
        with_revisions=with_revisions,
    )
    return assemble(scope, period, choices, blocks, filters, status_words())


def build_blocks(
    scope: Scope,
    plans: Sequence[Plan],
    period: Period,
    filters: Filters,
    *,
    history: int = 0,
    with_exceptions: bool = False,
    with_revisions: bool = False,
) -> list[PlanBlock]:
    """A block for each of `plans` (in scope) and one for the scope's indicators in none of
    them, if any; every block, empty or not, each with its share of the summaries
    (`BlockSummary`), showing the rows that pass `filters` (`filtered`). A fixed number of
    queries, whatever the number of plans."""
    last_year_period = period.same_period_last_year()
    plan_ids = [plan.id for plan in plans]
    actions = load_actions(plan_ids)
    updates_now, updates_then = load_updates(plan_ids, [period, last_year_period])
    outcomes = load_outcomes(plan_ids)

    indicators = load_indicators(scope)
    kind_of = {ind.id: _reporting_kind(ind) for ind in indicators}
    now = _reporting_periods(period, set(kind_of.values()), history)
    then = _reporting_periods(last_year_period, set(kind_of.values()))
    value_periods, target_periods = _needed_periods(now.values(), then.values())
    values = load_values(scope, value_periods)
    targets = load_targets(scope, target_periods)
    indicators = [ind for ind in indicators if _shown(ind, now[kind_of[ind.id]], values)]
    people = load_people({a.assigned_to_id for a in actions} | {i.owner_id for i in indicators})

    actions_by_plan: dict[int, list[ActionFacts]] = {}
    for action in actions:
        actions_by_plan.setdefault(action.plan_id, []).append(action)
    progress = {plan.id: plan_progress(plan, period, actions_by_plan.get(plan.id, []), updates_now) for plan in plans}

    indicator_rows = [indicator_row(ind, now[kind_of[ind.id]], values, targets, people) for ind in indicators]
    if with_exceptions:
        _attach_exception_reports(indicator_rows)
    rags_last_year = [
        status_at(ind, reported.reported if (reported := then[kind_of[ind.id]]) else None, values, targets).rag
        for ind in indicators
    ]

    blocks = _plan_blocks(plans, outcomes, actions_by_plan, progress, indicators, indicator_rows, people)
    last_year = (last_year_period, updates_then)
    _summarise(blocks, plans, actions_by_plan, progress, last_year, indicators, indicator_rows, rags_last_year, people)
    if with_revisions:
        reported = {row.reported_period for row in indicator_rows if row.reported_period}
        every_row = [row for b in blocks for s in b.sections for row in (*s.actions, *s.indicators)]
        attach_revisions(every_row, period, frozen_for_scorecard(scope, period, reported))
    return [filtered(block, filters) for block in blocks]


def filtered(block: PlanBlock, filters: Filters) -> PlanBlock:
    """`block` (built with every row) showing only the rows that pass `filters`, with its
    sections left empty dropped; its share of the summaries is the whole block's. The rows are
    shared, not copied: a page keeps a block's rows once and filters them for each view."""
    if not filters.active:
        return block
    sections = []
    for section in block.sections:
        shown = replace(
            section,
            actions=[
                row
                for row in section.actions
                if filters.matches(row.code, row.title, row.status.value if row.status else None, row.owner_id)
            ],
            indicators=[
                row for row in section.indicators if filters.matches(row.code, row.title, row.rag.value, row.owner_id)
            ],
        )
        if not shown.empty:
            sections.append(shown)
    narrowed = replace(block, sections=sections)
    narrowed.summary = block.summary
    return narrowed


def assemble(
    scope: Scope,
    period: Period,
    choices: PeriodChoices,
    blocks: Sequence[PlanBlock],
    filters: Filters,
    words: StatusWords,
) -> Scorecard:
    """The scorecard of these blocks: its summaries are the sums of the blocks' (so blocks built
    or cached separately add up to the same page)."""

    def total(name: str) -> Counter:
        found: Counter = Counter()
        for block in blocks:
            found.update(getattr(block.summary, name))
        return found

    indicators_now, indicators_then = total("indicators_now"), total("indicators_last_year")
    actions_now, actions_then = total("actions_now"), total("actions_last_year")
    parts = [b.summary.completeness for b in blocks if b.summary.completeness is not None]
    owners = {user_id: name for b in blocks for user_id, name in b.summary.owners.items()}
    return Scorecard(
        scope_kind=scope.kind,
        title=scope.title,
        period=period,
        last_year_period=period.same_period_last_year(),
        indicator_summary=_counts(
            [rag for rag in INDICATOR_STATUS_ORDER if rag in words.listed], indicators_now, indicators_then, words.label
        ),
        action_summary=_counts(ACTION_STATUS_ORDER, actions_now, actions_then),
        plans=[b for b in blocks if not (filters.active and b.empty)],
        completeness=Completeness(
            indicators_due=sum(c.indicators_due for c in parts),
            indicators_missing=sum(c.indicators_missing for c in parts),
            actions_due=sum(c.actions_due for c in parts),
            actions_missing=sum(c.actions_missing for c in parts),
        ),
        filters=filters,
        owners=sorted(owners.items(), key=lambda item: item[1]),
        periods=choices.periods,
        open_periods=choices.open_rounds,
        shown_actions=sum(b.shown_actions for b in blocks),
        shown_indicators=sum(b.shown_indicators for b in blocks),
        indicators_covered=indicators_now.total(),
        indicator_counts=_counts(INDICATOR_STATUS_ORDER, indicators_now, indicators_then, words.label),
        indicators_covered_last_year=indicators_then.total(),
        reconciliation=[b.summary.reconciliation for b in blocks if b.summary.reconciliation is not None],
        words=words,
    )


def _summarise(
    blocks: Sequence[PlanBlock],
    plans: Sequence[Plan],
    actions_by_plan: dict[int, list[ActionFacts]],
    progress: dict[int, PlanProgress],
    last_year: tuple[Period, dict[int, LatestUpdate]],
    indicators: Sequence[IndicatorFacts],
    indicator_rows: Sequence[IndicatorRow],
    rags_last_year: Sequence[Rag],
    people: dict[int | None, str],
) -> None:
    """Give each block its share of the summaries, counted over all its rows, filtered or not."""
    by_block: dict[int | None, list[tuple[IndicatorFacts, IndicatorRow, Rag]]] = {}
    for indicator, row, rag in zip(indicators, indicator_rows, rags_last_year, strict=True):
        block_id = indicator.plan_id if indicator.plan_id in progress else None
        by_block.setdefault(block_id, []).append((indicator, row, rag))
    plan_by_id = {plan.id: plan for plan in plans}
    for block in blocks:
        mine = by_block.get(block.id, [])
        rows = [row for _, row, _ in mine]
        summary = block.summary
        summary.indicators_now = Counter(row.rag for row in rows)
        summary.indicators_last_year = Counter(rag for _, _, rag in mine)
        owner_ids = {indicator.owner_id for indicator, _, _ in mine}
        if block.id is None:
            summary.completeness = _completeness([], rows)
        else:
            plan_progress_ = progress[block.id]
            summary.actions_now = Counter(node.status for node in plan_progress_.leaf_actions())
            summary.completeness = _completeness([plan_progress_], rows)
            plan = plan_by_id[block.id]
            summary.actions_last_year = _action_counts_at([plan], actions_by_plan, *last_year)
            [summary.reconciliation] = _reconcile([plan], [i for i, _, _ in mine], rows)
            owner_ids |= {action.assigned_to_id for action in actions_by_plan.get(block.id, [])}
        summary.owners = {user_id: people[user_id] for user_id in owner_ids if user_id is not None}


def _default(choices: PeriodChoices) -> Period:
    """The latest period with approved data, else the latest open round (`load.period_choices`),
    or (with neither) the quarter we are in."""
    return choices.default or Period.containing(dt.date.today(), Frequency.QUARTERLY)


# What decides which periods an indicator reports: its frequency and its source's publication delay.
ReportingKind = tuple[str, int | None]


def _reporting_kind(indicator: IndicatorFacts) -> ReportingKind:
    return (indicator.frequency, indicator.publication_delay)


def _reporting_periods(
    period: Period, kinds: Iterable[ReportingKind], history: int = 0
) -> dict[ReportingKind, ReportingPeriods | None]:
    """For each kind of indicator, the periods it is judged on at `period` (`status.reported_period`)."""
    found: dict[ReportingKind, ReportingPeriods | None] = {}
    for frequency, delay in kinds:
        reported = reported_period(period, Frequency(frequency), delay)
        found[(frequency, delay)] = ReportingPeriods.at(reported, reported.frequency, history) if reported else None
    return found


def _needed_periods(
    now: Iterable[ReportingPeriods | None], then: Iterable[ReportingPeriods | None]
) -> tuple[set[Period], set[Period]]:
    """The periods whose values and targets the scorecard reads: every figure a row shows or is
    judged on now (`rows.indicator_row`), and only the status a year ago (`rows.status_at`)."""
    values: set[Period] = set()
    judged: set[Period] = set()
    for c in now:
        if c is not None:
            values.update((c.reported, c.previous, c.last_year, *c.year_to_date, *c.history))
            judged.update((c.reported, *c.history))
    for c in then:
        if c is not None:
            values.add(c.reported)
            judged.add(c.reported)
    # A part of a year without its own target is judged against its year's (`applicable_target`),
    # and the outlook against the year's target.
    targets = judged | {p.financial_year_period() for p in judged}
    return values, targets


def _shown(indicator: IndicatorFacts, reporting: ReportingPeriods | None, values: Values) -> bool:
    """Active measures always show; a dropped measure only where it has a value for the period."""
    return indicator.active or bool(reporting and (indicator.id, reporting.reported) in values)


def _action_counts_at(
    plans: Sequence[Plan],
    actions_by_plan: dict[int, list[ActionFacts]],
    period: Period,
    updates: dict[int, LatestUpdate],
) -> Counter:
    """How many actions had each status at `period` (last year's column of the summary)."""
    counts: Counter = Counter()
    for plan in plans:
        if plan.start_date <= period.end:
            counts.update(leaf_statuses(plan, period, actions_by_plan.get(plan.id, []), updates))
    return counts


def _attach_exception_reports(rows: Sequence[IndicatorRow]) -> None:
    """Give each red indicator its exception report for the period reported (one query)."""
    red = {(row.id, row.reported_period): row for row in rows if row.rag == Rag.RED}
    for key, report in load_exception_reports(red).items():
        red[key].exception = {
            "performance": report.performance,
            "improvement_actions": report.improvement_actions,
            "timescale": report.timescale,
            "resource_implications": report.resource_implications,
        }


def _counts(
    order: Sequence, this_year: Counter, last_year: Counter | None, label: Callable[[Any], str] | None = None
) -> list[StatusCount]:
    return [
        StatusCount(
            status.value,
            label(status) if label else status.label,
            this_year.get(status, 0),
            None if last_year is None else last_year.get(status, 0),
        )
        for status in order
    ]


def _reconcile(
    plans: Sequence[Plan], indicators: Sequence[IndicatorFacts], rows: Sequence[IndicatorRow]
) -> list[Reconciliation]:
    """Each plan's declared and covered measures, and those due with no entry (`Reconciliation`)."""
    by_plan: dict[int, list[IndicatorRow]] = {}
    for indicator, row in zip(indicators, rows, strict=True):
        by_plan.setdefault(indicator.plan_id, []).append(row)
    found = []
    for plan in plans:
        mine = by_plan.get(plan.id, [])
        no_entry = sorted(row.code for row in mine if row.rag != Rag.NOT_MEASURED and not row.has_entry)
        found.append(Reconciliation(plan.code, plan.title, plan.declared_measures, len(mine), no_entry))
    return found


def _plan_blocks(
    plans: Sequence[Plan],
    outcomes: dict[int, Outcome],
    actions_by_plan: dict[int, list[ActionFacts]],
    progress: dict[int, PlanProgress],
    indicators: Sequence[IndicatorFacts],
    indicator_rows: Sequence[IndicatorRow],
    people: dict[int | None, str],
) -> list[PlanBlock]:
    """Each plan with its sections (its outcomes, in order) holding all its rows; then a block of
    the indicators that belong to no plan in scope. The filters apply afterwards (`filtered`)."""
    rows_by_plan: dict[int | None, list[tuple[IndicatorFacts, IndicatorRow]]] = {}
    for indicator, row in zip(indicators, indicator_rows, strict=True):
        plan_id = indicator.plan_id if indicator.plan_id in progress else None
        rows_by_plan.setdefault(plan_id, []).append((indicator, row))

    outcomes_by_plan: dict[int, list[Outcome]] = {}
    for outcome in sorted(outcomes.values(), key=lambda o: (o.order, o.id)):
        outcomes_by_plan.setdefault(outcome.plan_id, []).append(outcome)

    blocks: list[PlanBlock] = []
    for plan in plans:
        plan_rows = rows_by_plan.get(plan.id, [])
        sections = _outcome_sections(outcomes_by_plan.get(plan.id, []), actions_by_plan.get(plan.id, []), plan_rows)
        for item in progress[plan.id].items:
            key = item.action.outcome_id if item.action.outcome_id in sections else None
            section = sections.setdefault(key, Section("Other actions", ""))
            section.actions += (action_row(node, depth, people) for node, depth in walk(item))
        for indicator, row in plan_rows:
            key = indicator.outcome_id if indicator.outcome_id in sections else "indicators"
            sections.setdefault(key, Section("Indicators", "")).indicators.append(row)
        blocks.append(
            PlanBlock(
                plan.id,
                plan.code,
                plan.title,
                plan.service.name,
                progress[plan.id].percent,
                progress[plan.id].status,
                [s for s in sections.values() if not s.empty],
            )
        )
    orphans = rows_by_plan.get(None, [])
    if orphans:
        section = Section("Indicators not in a plan", "", indicators=[row for _, row in orphans])
        blocks.append(PlanBlock(None, "", "Other indicators", "", None, None, [section]))
    return blocks


def _outcome_sections(
    outcomes: Sequence[Outcome],
    actions: Sequence[ActionFacts],
    rows: Sequence[tuple[IndicatorFacts, IndicatorRow]],
) -> dict[object, Section]:
    """A section for each of a plan's `outcomes` (in order) that has an action or indicator."""
    used = {a.outcome_id for a in actions} | {indicator.outcome_id for indicator, _ in rows}
    return {outcome.id: Section(outcome.title, outcome.category) for outcome in outcomes if outcome.id in used}


def _completeness(progress: Iterable[PlanProgress], indicator_rows: Sequence[IndicatorRow]) -> Completeness:
    """How many actions and indicators due an update this period have none."""
    leaves = [node for p in progress for node in p.leaf_actions()]
    # A national figure not published yet is not an officer's return that is missing.
    due = [
        row
        for row in indicator_rows
        if row.rag != Rag.NOT_MEASURED and not (row.published_nationally and not row.has_entry)
    ]
    return Completeness(
        indicators_due=len(due),
        indicators_missing=sum(1 for row in due if not row.has_entry),
        actions_due=len(leaves),
        actions_missing=sum(1 for node in leaves if node.status in (ActionStatus.NEGLECTED, ActionStatus.UNASSIGNED)),
    )
