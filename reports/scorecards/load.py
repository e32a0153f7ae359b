"""The scorecard's queries: each reads one kind of thing for the whole scope at once, so a
scorecard takes the same number of queries however many plans, actions and indicators it shows.

Only approved updates and values are read: drafts and submissions waiting for approval stay with
the officers and approvers until they are approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, CharField, ExpressionWrapper, F, IntegerField, Value, When

from indicators.models import (
    Action,
    ActionUpdate,
    ExceptionReport,
    Indicator,
    IndicatorRules,
    IndicatorValue,
    Outcome,
    Plan,
    ReportingRound,
    ReviewState,
    Target,
)
from indicators.periods import Period, period_from_key
from indicators.progress import LatestUpdate, latest_updates
from indicators.status import Target as TargetRule
from indicators.status import ToleranceType

from .scope import Scope


@dataclass(slots=True)
class IndicatorFacts(IndicatorRules):
    """What the scorecard reads of each indicator (not the long definition text), with the
    indicator's own rules (`IndicatorRules`): a plain object, as a thousand model instances took
    four times as long to read."""

    id: int
    code: str
    title: str
    unit: str
    decimal_places: int
    polarity: str
    frequency: str
    aggregation: str
    source: str
    part_of_year: str
    owner_id: int | None
    plan_id: int | None
    outcome_id: int | None
    active: bool


INDICATOR_FIELDS = tuple(IndicatorFacts.__dataclass_fields__)


@dataclass(slots=True)
class ActionFacts:
    """What the scorecard reads of each action: a plain object, as for indicators."""

    id: int
    plan_id: int
    outcome_id: int | None
    parent_id: int | None
    code: str
    title: str
    priority: int | None
    desired_outcome: str
    start_date: dt.date | None
    due_date: dt.date | None
    assigned_to_id: int | None
    weight: Decimal


ACTION_FIELDS = tuple(ActionFacts.__dataclass_fields__)


class ValueRecord(NamedTuple):
    """An approved indicator value, as much of it as the scorecard shows (a tuple: thousands
    are read for a council-wide scorecard)."""

    value: Decimal | None
    not_available: bool
    not_available_reason: str
    commentary: str


# The stored period key as it is, without a `Period` made for each row: the loaders key their
# rows by the periods they were asked for.
_PERIOD_KEY = ExpressionWrapper(F("period"), output_field=CharField())

# Keyed by (indicator id, period).
Values = dict[tuple[int, Period], ValueRecord]
Targets = dict[tuple[int, Period], TargetRule]


@dataclass(frozen=True)
class PeriodChoices:
    """The periods a scope's scorecard offers, latest first, and the one it opens on."""

    periods: list[Period]
    default: Period | None  # None: no data and no open round (the caller picks today's quarter)
    open_rounds: frozenset[Period]


_ENTRY, _OPEN_ROUND, _LOCKED_ROUND, _NOT_AVAILABLE = 0, 1, 2, 3


def period_choices(scope: Scope, plans: Sequence[Plan]) -> PeriodChoices:
    """The periods with any approved entry in scope — values ("not available" ones included) and
    action updates — and the open rounds in the years of the scope's `plans`. One query.

    The scorecard opens on the latest period with approved data (a figure or an action update);
    with none yet, on the latest open round in its plans' years; else on the latest period with a
    "not available" entry. Periods ending on the same day are ordered with a round's
    period first (H1 for a council reporting by half years, Q2 for a quarterly one), then the
    shorter first.
    """
    rows = _period_kinds_postgresql(scope) if connection.vendor == "postgresql" else _period_kinds(scope)
    with_data = {period for period, found in rows if found == _ENTRY}
    not_available = {period for period, found in rows if found == _NOT_AVAILABLE}
    round_periods = {period for period, found in rows if found in (_OPEN_ROUND, _LOCKED_ROUND)}
    open_rounds = frozenset(
        period
        for period, found in rows
        if found == _OPEN_ROUND and any(plan.first_year <= period.year <= plan.last_year for plan in plans)
    )

    def latest_first(period: Period) -> tuple:
        return (period.end, period in round_periods, -period.frequency.months)

    periods = sorted(with_data | not_available | open_rounds, key=latest_first, reverse=True)
    # A figure "not available" yet (a national one published later) is listed, but does not make
    # the scorecard open on a year still to come; only where there is nothing else does it.
    first_choice = with_data or open_rounds or not_available
    default = max(first_choice, key=latest_first) if first_choice else None
    return PeriodChoices(periods, default, open_rounds)


def _period_kinds(scope: Scope) -> list[tuple[Period, int]]:
    """(period, kind) for every approved entry in scope and every round: a plain UNION over all
    history (SQLite; PostgreSQL uses `_period_kinds_postgresql`)."""
    kind = {"output_field": IntegerField()}
    entries = (
        IndicatorValue.objects.approved()
        .filter(indicator__in=scope.indicators)
        .order_by()
        .annotate(kind=Case(When(not_available=True, then=Value(_NOT_AVAILABLE)), default=Value(_ENTRY), **kind))
        .values_list("period", "kind")
    )
    updates = (
        ActionUpdate.objects.approved()
        .filter(action__plan__in=scope.plans)
        .order_by()
        .annotate(kind=Value(_ENTRY, **kind))
        .values_list("period", "kind")
    )
    rounds = (
        ReportingRound.objects.order_by()
        .annotate(
            kind=Case(When(locked_at__isnull=True, then=Value(_OPEN_ROUND)), default=Value(_LOCKED_ROUND), **kind)
        )
        .values_list("period", "kind")
    )
    return list(entries.union(updates, rounds))


def _skip_scan(name: str, table: str) -> str:
    """A recursive CTE `name(period)` listing the distinct periods of `table`'s approved rows, one
    index probe each on its (state, period) index: its cost follows the number of periods, not
    the length of the history (a DISTINCT reads every row)."""
    # The table comes from our models, never from input.
    return (
        f"{name}(period) AS ("  # noqa: S608
        f"(SELECT period FROM {table} WHERE state = %s ORDER BY period LIMIT 1) UNION ALL "
        f"SELECT (SELECT t.period FROM {table} t WHERE t.state = %s AND t.period > {name}.period "
        f"ORDER BY t.period LIMIT 1) FROM {name} WHERE {name}.period IS NOT NULL)"
    )


def _period_kinds_postgresql(scope: Scope) -> list[tuple[Period, int]]:
    """As `_period_kinds`, in one query whose cost does not grow with the history: the distinct
    approved periods by skip scans (`_skip_scan`), then for each an EXISTS of an entry in scope."""
    quote = connection.ops.quote_name
    values, updates = quote(IndicatorValue._meta.db_table), quote(ActionUpdate._meta.db_table)
    actions, rounds = quote(Action._meta.db_table), quote(ReportingRound._meta.db_table)
    indicators_sql, indicators_params = scope.indicators.order_by().values("id").query.sql_with_params()
    plans_sql, plans_params = scope.plans.order_by().values("id").query.sql_with_params()
    approved = ReviewState.APPROVED.value

    # Each "is there one in scope?" must probe an index: as a plain EXISTS the planner may scan the
    # table instead, betting on finding one early, which takes milliseconds a period once the rows
    # lie in period order. Values: the first row in the (state, period, ...) index's order; action
    # updates: each action in scope probed on its (action, period) key until one is found.
    def value_exists(not_available: bool) -> str:
        return (
            f"(SELECT v.id FROM {values} v WHERE v.state = %s AND v.period = vp.period "  # noqa: S608
            f"AND v.not_available = {'TRUE' if not_available else 'FALSE'} "
            f"AND v.indicator_id IN ({indicators_sql}) ORDER BY v.state, v.period, v.not_available LIMIT 1) IS NOT NULL"
        )

    # Table names come from our models and the scope's SQL from the ORM, never from input.
    sql = (
        f"WITH RECURSIVE {_skip_scan('vp', values)}, {_skip_scan('up', updates)} "  # noqa: S608
        f"SELECT vp.period, CASE WHEN {value_exists(False)} THEN %s WHEN {value_exists(True)} THEN %s END "
        f"FROM vp WHERE vp.period IS NOT NULL "
        f"UNION ALL SELECT up.period, CASE WHEN (SELECT 1 FROM {actions} a WHERE a.plan_id IN ({plans_sql}) "
        f"AND (SELECT u.id FROM {updates} u WHERE u.action_id = a.id AND u.period = up.period AND u.state = %s) "
        f"IS NOT NULL LIMIT 1) IS NOT NULL THEN %s END FROM up WHERE up.period IS NOT NULL "
        f"UNION ALL SELECT period, CASE WHEN locked_at IS NULL THEN %s ELSE %s END FROM {rounds}"
    )
    params = [
        approved, approved, approved, approved,
        approved, *indicators_params, _ENTRY, approved, *indicators_params, _NOT_AVAILABLE,
        *plans_params, approved, _ENTRY,
        _OPEN_ROUND, _LOCKED_ROUND,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [(period_from_key(key), kind) for key, kind in found if kind is not None]


def load_plans(scope: Scope) -> list[Plan]:
    return list(scope.plans.select_related("service").order_by("service__name", "title"))


def load_actions(plan_ids: Sequence[int]) -> list[ActionFacts]:
    rows = Action.objects.filter(plan__in=plan_ids).order_by("order", "code").values_list(*ACTION_FIELDS)
    return [ActionFacts(*row) for row in rows]


def load_updates(plan_ids: Sequence[int], periods: Sequence[Period]) -> list[dict[int, LatestUpdate]]:
    """For each of `periods`, each action's latest approved update by then (one query)."""
    return latest_updates(periods, with_narrative=True, action__plan__in=plan_ids, state=ReviewState.APPROVED)


def load_outcomes(plan_ids: Sequence[int]) -> dict[int, Outcome]:
    return {o.id: o for o in Outcome.objects.filter(plan__in=plan_ids)}


def load_indicators(scope: Scope) -> list[IndicatorFacts]:
    return [IndicatorFacts(*row) for row in scope.indicators.order_by("order", "code").values_list(*INDICATOR_FIELDS)]


def load_values(scope: Scope, periods: Collection[Period]) -> Values:
    """The approved values of the scope's indicators for the given periods."""
    rows = (
        IndicatorValue.objects.approved()
        .filter(indicator__in=scope.indicators.values("id"), period__in=[p.key for p in periods])
        .order_by()
        .values_list("indicator_id", _PERIOD_KEY, "value", "not_available", "not_available_reason", "commentary")
    )
    by_key = {period.key: period for period in periods}
    return {(indicator_id, by_key[key]): ValueRecord(*record) for indicator_id, key, *record in rows}


def load_targets(scope: Scope, periods: Collection[Period]) -> Targets:
    """The targets (with their tolerance) of the scope's indicators for the given periods."""
    rows = (
        Target.objects.filter(indicator__in=scope.indicators.values("id"), period__in=[p.key for p in periods])
        .order_by()
        .values_list("indicator_id", _PERIOD_KEY, "value", "tolerance", "tolerance_type")
    )
    by_key = {period.key: period for period in periods}
    kinds = {kind.value: kind for kind in ToleranceType}
    return {
        (indicator_id, by_key[key]): TargetRule(value, tolerance, kinds[kind])
        for indicator_id, key, value, tolerance, kind in rows
    }


def load_people(user_ids: Iterable[int | None]) -> dict[int | None, str]:
    """Display names of the given users, and "" for nobody (one query)."""
    names: dict[int | None, str] = {None: ""}
    rows = (
        get_user_model()
        .objects.filter(id__in=[i for i in user_ids if i])
        .values_list("id", "first_name", "last_name", "username")
    )
    for user_id, first, last, username in rows:
        names[user_id] = f"{first} {last}".strip() or username
    return names


def load_exception_reports(keys: Collection[tuple[int, Period]]) -> dict[tuple[int, Period], ExceptionReport]:
    """The exception reports for these (indicator id, period) pairs (one query, none for no pairs)."""
    reports = ExceptionReport.objects.filter(
        indicator__in=[indicator_id for indicator_id, _ in keys], period__in={period.key for _, period in keys}
    )
    return {
        (report.indicator_id, report.period): report
        for report in reports
        if (report.indicator_id, report.period) in keys
    }


def load_indicator_values(indicator: Indicator) -> dict[Period, IndicatorValue]:
    """Every approved value of one indicator, by period."""
    return {v.period: v for v in IndicatorValue.objects.approved().filter(indicator=indicator)}


def load_indicator_targets(indicator: Indicator) -> dict[Period, Target]:
    """Every target of one indicator, by period."""
    return {t.period: t for t in Target.objects.filter(indicator=indicator)}
