"""Plan progress for a period: each action's latest update, its derived status, and roll-ups.

Many plans and several periods are computed from one fixed set of queries; the rules
themselves are in `status.py`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from .models import Action, ActionUpdate, Plan
from .periods import Period, period_from_key
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
    """For each of `periods`, every action's most recent update reported by the period's end.

    Two queries whatever the history: a light one of (id, action, period) to choose, then the
    chosen rows. `updates` (all by default, e.g. `ActionUpdate.objects.approved()`) and
    `filters` (e.g. `action__plan__in=[...]`) select the updates.
    """
    chosen_from = ActionUpdate.objects.all() if updates is None else updates
    light = chosen_from.filter(**filters).order_by().values_list("id", "action_id", "period")
    # Every update of every action in scope passes through here: read the tuples straight from
    # the cursor, which is several times faster than the ORM's row conversion.
    try:
        sql, params = light.query.sql_with_params()
    except EmptyResultSet:  # e.g. no plans in scope
        return [{} for _ in periods]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Order the updates by (period end, period start, id): for each period, the updates ending by
    # its end are then a prefix, and a dict built from that prefix keeps each action's last one,
    # its latest (dict building and sorting run in C, not a loop per row in Python).
    keys = sorted({key for _, _, key in rows}, key=lambda key: _dates(period_from_key(key)))
    place = {key: index for index, key in enumerate(keys)}
    end_of = {key: period_from_key(key).end for key in keys}
    rows.sort(key=lambda row: (place[row[2]], row[0]))
    update_ids, action_ids, ends = [row[0] for row in rows], [row[1] for row in rows], [end_of[row[2]] for row in rows]
    chosen = []
    for period in periods:
        prefix = bisect.bisect_right(ends, period.end)
        chosen.append(dict(zip(action_ids[:prefix], update_ids[:prefix], strict=True)))
    ids = {update_id for best in chosen for update_id in best.values()}
    fields = ["id", "action_id", "period", "progress", "set_status", "status_reason", "revised_due_date"]
    rows = (
        ActionUpdate.objects.filter(id__in=ids).order_by().values_list(*fields, "narrative" if with_narrative else "id")
    )
    by_id = {row[0]: LatestUpdate(*row[:7], row[7] if with_narrative else "") for row in rows}
    return [{action_id: by_id[update_id] for action_id, update_id in best.items()} for best in chosen]


def _dates(period: Period) -> tuple[dt.date, dt.date]:
    return (period.end, period.start)


def finished_action_ids(actions, before: Period) -> set[int]:
    """The actions among `actions` completed or cancelled before `before`: no more updates are asked for.

    Finished means the latest approved update reported by the end of the previous period had
    100% progress or cancelled the action. `actions` is anything `action__in` accepts (ids,
    actions or a queryset of them). Two queries.
    """
    [latest] = latest_updates([before.previous()], updates=ActionUpdate.objects.approved(), action__in=actions)
    return {
        action_id
        for action_id, update in latest.items()
        if is_finished(update.progress, update.set_status == ActionUpdate.SetStatus.CANCELLED)
    }


@dataclass
class ActionProgress:
    action: Action
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


class _UpdateLike(Protocol):
    period: Period
    progress: int | None
    set_status: str


def update_status(
    action: Action, update: _UpdateLike | None, period: Period, plan_start: dt.date | None
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
        updated_this_period=bool(update and update.period.end >= period.start),
    )


def plan_progress(
    plan: Plan,
    period: Period,
    actions: list[Action] | None = None,
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
    children: dict[int | None, list[Action]] = {}
    for action in actions:
        children.setdefault(action.parent_id, []).append(action)
    plan_start = plan.start_date

    def build(action: Action) -> ActionProgress:
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
