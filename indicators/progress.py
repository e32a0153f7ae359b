"""Plan progress for a period: each action's latest update, its derived status, and roll-ups.

Reads a plan's actions and updates in two queries and applies the rules in `status.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .models import Action, ActionUpdate, Plan
from .periods import Period
from .status import ActionStatus, Weighted, action_status, rollup_progress, rollup_status, whole_percent


@dataclass
class ActionProgress:
    action: Action
    latest_update: ActionUpdate | None
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
        found: list[ActionProgress] = []
        stack = list(reversed(self.items))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found


def _latest_updates(actions: list[Action], period: Period) -> dict[int, ActionUpdate]:
    latest: dict[int, ActionUpdate] = {}
    for update in ActionUpdate.objects.filter(action__in=actions):
        if update.period.end > period.end:
            continue
        current = latest.get(update.action_id)
        if current is None or update.period.end > current.period.end:
            latest[update.action_id] = update
    return latest


def plan_progress(plan: Plan, period: Period) -> PlanProgress:
    """Progress and status of every action of `plan` as reported up to the end of `period`."""
    actions = list(Action.objects.filter(plan=plan).order_by("order", "code"))
    updates = _latest_updates(actions, period)
    children: dict[int | None, list[Action]] = {}
    for action in actions:
        children.setdefault(action.parent_id, []).append(action)

    def build(action: Action) -> ActionProgress:
        update = updates.get(action.id)
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
        progress = Decimal(update.progress) if update else None
        return ActionProgress(action, update, progress, status)

    items = [build(action) for action in children.get(None, [])]
    progress = rollup_progress(Weighted(item.progress, item.action.weight, item.cancelled) for item in items)
    status = rollup_status(item.status for item in items if item.status is not None)
    return PlanProgress(plan, period, items, progress, status)
