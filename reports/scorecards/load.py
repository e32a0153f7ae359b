"""The scorecard's queries: each reads one kind of thing for the whole scope at once, so a
scorecard takes the same number of queries however many plans, actions and indicators it shows.

Only approved updates and values are read: drafts and submissions waiting for approval stay with
the officers and approvers until they are approved.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from indicators.models import (
    Action,
    ActionUpdate,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReviewState,
    Target,
)
from indicators.periods import Period
from indicators.progress import LatestUpdate, latest_updates
from indicators.status import Target as TargetRule
from indicators.status import ToleranceType

from .scope import Scope

# What the scorecard reads of each indicator (not the long definition text).
INDICATOR_FIELDS = (
    "id",
    "code",
    "title",
    "unit",
    "decimal_places",
    "polarity",
    "frequency",
    "aggregation",
    "source",
    "part_of_year",
    "owner_id",
    "plan_id",
    "outcome_id",
    "active",
)


@dataclass(frozen=True)
class ValueRecord:
    """An approved indicator value, as much of it as the scorecard shows."""

    value: Decimal | None
    not_available: bool
    not_available_reason: str
    commentary: str


# Keyed by (indicator id, period).
Values = dict[tuple[int, Period], ValueRecord]
Targets = dict[tuple[int, Period], TargetRule]


def available_periods(scope: Scope) -> list[Period]:
    """Every period with an indicator value or action update in scope, latest first (one query)."""
    value_periods = (
        IndicatorValue.objects.approved()
        .filter(indicator__in=scope.indicators, not_available=False)
        .order_by()
        .values_list("period", flat=True)
    )
    update_periods = (
        ActionUpdate.objects.approved().filter(action__plan__in=scope.plans).order_by().values_list("period", flat=True)
    )
    periods = set(value_periods.union(update_periods))
    return sorted(periods, key=lambda p: (p.end, -p.frequency.months), reverse=True)


def load_plans(scope: Scope) -> list[Plan]:
    return list(scope.plans.select_related("service").order_by("service__name", "title"))


def load_actions(plan_ids: Sequence[int]) -> list[Action]:
    return list(Action.objects.filter(plan__in=plan_ids).order_by("order", "code"))


def load_updates(plan_ids: Sequence[int], periods: Sequence[Period]) -> list[dict[int, LatestUpdate]]:
    """For each of `periods`, each action's latest approved update by then (two queries)."""
    return latest_updates(periods, with_narrative=True, action__plan__in=plan_ids, state=ReviewState.APPROVED)


def load_outcomes(plan_ids: Sequence[int]) -> dict[int, Outcome]:
    return {o.id: o for o in Outcome.objects.filter(plan__in=plan_ids)}


def load_indicators(scope: Scope) -> list[Indicator]:
    return list(scope.indicators.only(*INDICATOR_FIELDS).order_by("order", "code"))


def load_values(scope: Scope, period_keys: Collection[str]) -> Values:
    """The approved values of the scope's indicators for the given periods."""
    rows = (
        IndicatorValue.objects.approved()
        .filter(indicator__in=scope.indicators.values("id"), period__in=period_keys)
        .order_by()
        .values_list("indicator_id", "period", "value", "not_available", "not_available_reason", "commentary")
    )
    return {(indicator_id, period): ValueRecord(*record) for indicator_id, period, *record in rows}


def load_targets(scope: Scope, period_keys: Collection[str]) -> Targets:
    """The targets (with their tolerance) of the scope's indicators for the given periods."""
    rows = (
        Target.objects.filter(indicator__in=scope.indicators.values("id"), period__in=period_keys)
        .order_by()
        .values_list("indicator_id", "period", "value", "tolerance", "tolerance_type")
    )
    return {
        (indicator_id, period): TargetRule(value, tolerance, ToleranceType(kind))
        for indicator_id, period, value, tolerance, kind in rows
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
