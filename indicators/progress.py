"""Plan progress for a period: each action's latest update, its derived status, and roll-ups.

Works from light `UpdateSummary` rows (no narrative) so that many plans and several periods can
be computed from one query; the rules themselves are in `status.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Action, ActionUpdate, Plan
from .periods import Period
from .status import ActionStatus, Weighted, action_status, rollup_progress, rollup_status, whole_percent


@dataclass(frozen=True)
class UpdateSummary:
    id: int
    action_id: int
    period: Period
    progress: int | None
    set_status: str
    revised_due_date: object


def update_summaries(actions: Iterable[Action] | None = None, **filters) -> dict[int, list[UpdateSummary]]:
    """Every update of the given actions, oldest first, grouped by action (one query)."""
    queryset = ActionUpdate.objects.filter(**filters)
    if actions is not None:
        queryset = queryset.filter(action__in=[a.id for a in actions])
    rows = queryset.values_list("id", "action_id", "period", "progress", "set_status", "revised_due_date")
    grouped: dict[int, list[UpdateSummary]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(UpdateSummary(*row))
    for updates in grouped.values():
        updates.sort(key=lambda u: (u.period.end, u.period.start))
    return grouped


def latest_update(updates: list[UpdateSummary], period: Period) -> UpdateSummary | None:
    """The most recent update reported by the end of `period`."""
    found = None
    for update in updates:
        if update.period.end <= period.end:
            found = update
    return found


@dataclass
class ActionProgress:
    action: Action
    latest_update: UpdateSummary | None
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


def plan_progress(
    plan: Plan,
    period: Period,
    actions: list[Action] | None = None,
    updates: dict[int, list[UpdateSummary]] | None = None,
) -> PlanProgress:
    """Progress and status of every action of `plan` as reported by the end of `period`.

    Pass `actions` (the plan's, in order) and `updates` (from `update_summaries`) to compute
    several plans or periods without further queries.
    """
    if actions is None:
        actions = list(Action.objects.filter(plan=plan).order_by("order", "code"))
    if updates is None:
        updates = update_summaries(actions)
    children: dict[int | None, list[Action]] = {}
    for action in actions:
        children.setdefault(action.parent_id, []).append(action)

    def build(action: Action) -> ActionProgress:
        update = latest_update(updates.get(action.id, []), period)
        kids = [build(child) for child in children.get(action.id, [])]
        if kids:
            progress = rollup_progress(Weighted(kid.progress, kid.action.weight, kid.cancelled) for kid in kids)
            status = rollup_status(kid.status for kid in kids if kid.status is not None)
            return ActionProgress(action, update, progress, status, kids)
        status = action_status(
            progress=update.progress if update else None,
            as_of=period.end,
            due_date=action.due_date,
            start_date=action.start_date or plan.start_date,
            cancelled=bool(update and update.set_status == ActionUpdate.SetStatus.CANCELLED),
            assigned=action.assigned_to_id is not None,
            updated_this_period=bool(update and update.period.end >= period.start),
        )
        progress = Decimal(update.progress) if update and update.progress is not None else None
        return ActionProgress(action, update, progress, status)

    items = [build(action) for action in children.get(None, [])]
    progress = rollup_progress(Weighted(item.progress, item.action.weight, item.cancelled) for item in items)
    status = rollup_status(item.status for item in items if item.status is not None)
    return PlanProgress(plan, period, items, progress, status)
