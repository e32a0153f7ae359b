"""Plan progress for a period: each action's latest update, its derived status, and roll-ups.

Many plans and several periods are computed from one fixed set of queries; the rules
themselves are in `status.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression, RawSQL

from .fields import end_order, period_end_order
from .models import Action, ActionUpdate, Plan
from .periods import Period
from .status import (
    ActionStatus,
    Weighted,
    action_status,
    is_finished,
    rollup_progress,
    rollup_status,
    whole_percent,
)


@dataclass(frozen=True, slots=True)
class LatestUpdate:
    """The parts of an action's latest update that statuses and scorecards need."""

    id: int
    action_id: int
    period: Period
    progress: int | None
    set_status: str
    status_reason: str
    revised_due_date: dt.date | None
    narrative: str


def latest_updates(
    periods: Sequence[Period],
    with_narrative: bool = False,
    updates: QuerySet[ActionUpdate] | None = None,
    **filters,
) -> list[dict[int, LatestUpdate]]:
    """For each of `periods`, every action's most recent update reported by the period's end:
    the one whose period ends latest, then (a quarter and a half year ending together) starts
    latest, then was written last.

    One query whatever the history (one per `PERIODS_PER_QUERY` different periods): the database
    chooses each action's update for each period and returns the chosen rows. `updates` (all by
    default, e.g. `ActionUpdate.objects.approved()`) and `filters` (e.g. `action__plan__in=[...]`)
    select the updates.
    """
    distinct = list(dict.fromkeys(periods))
    chosen: dict[Period, dict[int, LatestUpdate]] = {}
    for first in range(0, len(distinct), PERIODS_PER_QUERY):
        some = distinct[first : first + PERIODS_PER_QUERY]
        chosen.update(zip(some, _latest_updates(some, with_narrative, updates, filters), strict=True))
    return [chosen[period] for period in periods]


# SQLite takes at most 500 terms in a compound SELECT (one per period here).
PERIODS_PER_QUERY = 400


def _latest_updates(
    periods: Sequence[Period], with_narrative: bool, updates: QuerySet[ActionUpdate] | None, filters: dict
) -> list[dict[int, LatestUpdate]]:
    chosen_from = ActionUpdate.objects.all() if updates is None else updates
    candidates = chosen_from.filter(**filters).order_by().annotate(rank=_latest_rank()).values_list("action_id", "rank")
    try:
        candidates_sql, params = candidates.query.sql_with_params()
    except EmptyResultSet:  # e.g. no plans in scope
        return [{} for _ in periods]
    # One pass over the candidates, grouped by action: for each period, the highest rank among
    # the updates ending by its end; the rows with those ids are read in the same query.
    # PostgreSQL would otherwise compute the rank once per use of it.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    latest = ", ".join(f"MAX(u.rank) FILTER (WHERE u.rank < %s) & {_ID_MASK} AS r{n}" for n in range(len(periods)))
    each = " UNION ALL ".join(f"SELECT r{n} FROM chosen" for n in range(len(periods)))  # noqa: S608
    # The SQL is ours and the ORM's; every value is a parameter.
    ids = RawSQL(  # noqa: S611
        f"WITH chosen AS (SELECT {latest} FROM ({candidates_sql}{fence}) u GROUP BY u.action_id) {each}",  # noqa: S608
        (*(_rank_after(period) for period in periods), *params),
    )
    fields = ["id", "action_id", "period", "progress", "set_status", "status_reason", "revised_due_date"]
    narrative = "narrative" if with_narrative else "id"
    rows = ActionUpdate.objects.filter(id__in=ids).order_by().values_list(*fields, narrative)
    # The rows hold each period's choice: of the rows of an action, the one ranking highest below
    # the period's limit (as the database chose it from all of the action's updates).
    limits = [_rank_after(period) for period in periods]
    best: list[dict[int, tuple[int, LatestUpdate]]] = [{} for _ in periods]
    for row in rows:
        update = LatestUpdate(*row[:7], row[7] if with_narrative else "")
        rank = (end_order(update.period) << _ID_BITS) + update.id
        for found, limit in zip(best, limits, strict=True):
            if rank < limit and rank > found.get(update.action_id, (-1, None))[0]:
                found[update.action_id] = (rank, update)
    return [{action_id: update for action_id, (_, update) in found.items()} for found in best]


# An update's place in "latest first" order as one integer, so that the latest is a MAX: the
# month its period ends, then the shorter period (a quarter starts after the half year ending
# with it) (`fields.period_end_order`), then the update written last (ids below 2**40).
_ID_BITS = 40
_ID_MASK = (1 << _ID_BITS) - 1


def _latest_rank() -> CombinedExpression:
    return period_end_order("period") * (1 << _ID_BITS) + F("id")


def _rank_after(period: Period) -> int:
    """Every update ending by the end of `period` ranks below this: the order of a period ending
    a month later, were it 0 months long."""
    return (end_order(period) + period.frequency.months) << _ID_BITS


def finished_action_ids(actions, before: Period) -> set[int]:
    """The actions among `actions` completed or cancelled before `before`: no more updates are asked for.

    Finished means the latest approved update reported by the end of the previous period had
    100% progress or cancelled the action. `actions` is anything `action__in` accepts (ids,
    actions or a queryset of them). One query.
    """
    [latest] = latest_updates([before.previous()], updates=ActionUpdate.objects.approved(), action__in=actions)
    return {
        action_id
        for action_id, update in latest.items()
        if is_finished(update.progress, update.set_status == ActionUpdate.SetStatus.CANCELLED)
    }


@dataclass
class ActionProgress:
    action: ActionLike
    latest_update: LatestUpdate | None
    progress: Decimal | None
    status: ActionStatus | None
    children: list[ActionProgress] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return whole_percent(self.progress)

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    @property
    def cancelled(self) -> bool:
        return self.status == ActionStatus.CANCELLED


@dataclass
class PlanProgress:
    plan: Plan
    period: Period
    items: list[ActionProgress]
    progress: Decimal | None
    status: ActionStatus | None

    @property
    def percent(self) -> int | None:
        return whole_percent(self.progress)

    def all_actions(self) -> list[ActionProgress]:
        """Every action, each group followed by its actions, in plan order."""
        found: list[ActionProgress] = []
        stack = list(reversed(self.items))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found

    def leaf_actions(self) -> list[ActionProgress]:
        return [node for node in self.all_actions() if not node.is_group]


class ActionLike(Protocol):
    """An action as the progress rules read it: the model, or a scorecard's `ActionFacts`."""

    id: int
    parent_id: int | None
    weight: Decimal
    start_date: dt.date | None
    due_date: dt.date | None
    assigned_to_id: int | None


class _UpdateLike(Protocol):
    period: Period
    progress: int | None
    set_status: str


def reports_on(update_period: Period | None, period: Period) -> bool:
    """Whether an action's latest update, made for `update_period`, speaks for `period`: it was made
    for a period ending within it (an update for Q1 speaks for H1 and for the year). Without one the
    action is "Neglected", unless a rule before it applies (`status.action_status`)."""
    return update_period is not None and update_period.end >= period.start


def update_status(
    action: ActionLike, update: _UpdateLike | None, period: Period, plan_start: dt.date | None
) -> ActionStatus:
    """An action's status at the end of `period`, given its latest update by then (a `LatestUpdate`
    or an `ActionUpdate`, e.g. one waiting for approval: the status it would have)."""
    return action_status(
        progress=update.progress if update else None,
        as_of=period.end,
        due_date=action.due_date,
        start_date=action.start_date or plan_start,
        cancelled=bool(update and update.set_status == ActionUpdate.SetStatus.CANCELLED),
        assigned=action.assigned_to_id is not None,
        updated_this_period=reports_on(update.period if update else None, period),
    )


def plan_progress(
    plan: Plan,
    period: Period,
    actions: Sequence[ActionLike] | None = None,
    latest: dict[int, LatestUpdate] | None = None,
) -> PlanProgress:
    """Progress and status of every action of `plan` as reported by the end of `period`.

    Pass `actions` (the plan's, in order) and `latest` (from `latest_updates` for `period`) to
    compute several plans or periods without further queries.
    """
    if actions is None:
        actions = list(Action.objects.filter(plan=plan).order_by("order", "code"))
    if latest is None:
        [latest] = latest_updates([period], action__plan=plan)
    children = _groups(actions)
    plan_start = plan.start_date

    def build(action: ActionLike) -> ActionProgress:
        update = latest.get(action.id)
        kids = [build(child) for child in children.get(action.id, [])]
        if kids:
            progress = rollup_progress(Weighted(kid.progress, kid.action.weight, kid.cancelled) for kid in kids)
            status = rollup_status(kid.status for kid in kids if kid.status is not None)
            return ActionProgress(action, update, progress, status, kids)
        status = update_status(action, update, period, plan_start)
        progress = Decimal(update.progress) if update and update.progress is not None else None
        return ActionProgress(action, update, progress, status)

    items = [build(action) for action in children.get(None, [])]
    progress = rollup_progress(Weighted(item.progress, item.action.weight, item.cancelled) for item in items)
    status = rollup_status(item.status for item in items if item.status is not None)
    return PlanProgress(plan, period, items, progress, status)


def leaf_statuses(
    plan: Plan, period: Period, actions: Sequence[ActionLike], latest: dict[int, LatestUpdate]
) -> list[ActionStatus]:
    """The statuses of `plan_progress(plan, period, actions, latest).leaf_actions()`, in no
    particular order, without working out the groups' progress and status: a scorecard counts
    every plan's a year back."""
    children = _groups(actions)
    found = []
    stack = list(children.get(None, []))
    while stack:
        action = stack.pop()
        if kids := children.get(action.id):
            stack.extend(kids)
        else:
            found.append(update_status(action, latest.get(action.id), period, plan.start_date))
    return found


def _groups(actions: Iterable[ActionLike]) -> dict[int | None, list[ActionLike]]:
    """Each action's id (None: the plan's top level) with the actions directly under it, in order."""
    children: dict[int | None, list[ActionLike]] = {}
    for action in actions:
        children.setdefault(action.parent_id, []).append(action)
    return children
