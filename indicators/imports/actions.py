"""Actions of a plan (new or changed), each with its latest update for a period.

Imported updates are approved: they are the performance team's record, as for values. An update
still in an officer's or approver's hands is not imported over unless the performance team chooses
to replace it (`workflow.require_import_may_replace`), nor one for a locked period unless it is a
correction (`workflow.require_correction_allowed`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import prefetch_related_objects
from django.utils import timezone

from ..html import sanitise
from ..models import Action, ActionUpdate, Plan, ReviewState
from ..periods import Period, PeriodError
from .base import (
    Change,
    Column,
    ImportOptions,
    ImportPlan,
    Kind,
    RowError,
    Sections,
    WorkflowChecks,
    date,
    not_begun,
    order_number,
    parse_period,
    people_by_name,
    rows,
    save_new_sections,
    text,
)

COLUMNS = (
    Column("plan_code", True, "The plan's code", "CFSW SP2023"),
    Column("action_code", True, "The action's code in the plan", "STRAT1.4"),
    Column("title", False, "Required for a new action; empty keeps the current title", "Review kinship care support"),
    Column("group_code", False, "The action group it belongs to (an earlier row or an existing action)", "STRAT1"),
    Column(
        "outcome",
        False,
        "The plan's section (outcome or priority) it sits in; a title the plan does not have yet adds that "
        "section to the plan. Empty keeps the current section",
        "Improved outcomes for looked after and care experienced young people",
    ),
    Column("order", False, "Its place within its section or group, a whole number: shown by order, then code", "4"),
    Column("priority", False, "1 is the highest", "1"),
    Column("desired_outcome", False, "What success looks like", "More children cared for by family"),
    Column("start_date", False, 'A date: "31/03/2023", "2023-03-31" or "31 Mar 2023"', "01/04/2022"),
    Column("due_date", False, "A date", "31/03/2023"),
    Column("owner", False, "The accountable manager's username or email", "officer"),
    Column("period", False, 'The latest update\'s period, e.g. "Q2 2022/23"; empty for no update', "Q2 2022/23"),
    Column("progress", False, "0 to 100 (a % sign is fine)", "40"),
    Column(
        "update", False, "The latest update's text (basic HTML is kept, anything else removed)", "Scoping complete."
    ),
    Column("status", False, '"Cancelled", or empty: other statuses are worked out from progress and dates', ""),
    Column("revised_due_date", False, "If the due date has moved", ""),
)
UPDATE_CELLS = ("progress", "update", "status", "revised_due_date")


@dataclass
class Known:
    """What the rows are checked against, loaded once for the whole file."""

    plans: dict[str, Plan]
    actions: dict[tuple[int, str], Action]  # by plan id and code; new actions join as their rows are read
    groups: set[int]  # ids of the actions that have actions of their own
    updates: dict[tuple[int, Period], ActionUpdate]  # by action id and period, for the file's periods
    people: dict[str, Any]  # active users by username and by email, casefolded
    sections: Sections  # the plans' sections by title


def load_known(frame: pd.DataFrame) -> Known:
    keys = set()
    for written in frame["period"].unique() if "period" in frame.columns else []:
        try:
            keys.add(parse_period(str(written).strip()).key)
        except PeriodError:
            continue  # reported with its row
    in_periods = list(ActionUpdate.objects.filter(period__in=keys))
    in_progress = [u for u in in_periods if u.state != ReviewState.APPROVED]
    prefetch_related_objects(in_progress, "author", "submitted_by", "reviewed_by")  # to say who holds them
    return Known(
        plans={p.code: p for p in Plan.objects.all()},
        actions={(a.plan_id, a.code): a for a in Action.objects.select_related("outcome", "owner", "parent", "plan")},
        groups=set(Action.objects.filter(parent__isnull=False).values_list("parent_id", flat=True)),
        updates={(u.action_id, u.period): u for u in in_periods},
        people=people_by_name(),
        sections=Sections(),
    )


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    known = load_known(frame)
    checks = WorkflowChecks(options)
    plan = ImportPlan(KIND.name, len(frame), options=options)
    in_file: dict[tuple[int, str], int] = {}
    seen_updates: set[tuple[int, str, Period]] = set()
    today = timezone.localdate()
    for row, cells in rows(frame, COLUMNS):
        errors: list[RowError] = []
        owning_plan = known.plans.get(cells["plan_code"])
        code = cells["action_code"]
        if not cells["plan_code"]:
            errors.append(RowError(row, "plan_code", "The plan code is missing."))
        elif owning_plan is None:
            errors.append(RowError(row, "plan_code", f'There is no plan with the code "{cells["plan_code"]}".'))
        if not code:
            errors.append(RowError(row, "action_code", "The action code is missing."))
        text(errors, row, "action_code", code, Action, "code")
        if owning_plan is None or not code:
            plan.errors.extend(errors)
            continue
        key = (owning_plan.id, code)
        if key in in_file:
            errors.append(RowError(row, "action_code", f"{code} is already in row {in_file[key]}."))
        in_file.setdefault(key, row)
        action = known.actions.get(key)
        is_new = action is None or action.pk is None
        if action is None:
            if not cells["title"]:
                errors.append(RowError(row, "title", f"{code} is a new action, so it needs a title."))
            action = Action(plan=owning_plan, code=code, title=cells["title"])
        fields = action_fields(errors, row, cells, owning_plan, action, known, plan)

        update_fields: dict[str, Any] | None = None
        period = None
        replacing = None
        if cells["period"]:
            try:
                period = parse_period(cells["period"])
            except PeriodError as error:
                errors.append(RowError(row, "period", str(error)))
            if period and (why := not_begun(period, today)):
                errors.append(RowError(row, "period", why))
                period = None
        elif any(cells[n] for n in UPDATE_CELLS):
            errors.append(RowError(row, "period", "Say which period the update is for."))
        if period:
            if (owning_plan.id, code, period) in seen_updates:
                errors.append(RowError(row, "period", f"{code} {period.label} is already in an earlier row."))
            seen_updates.add((owning_plan.id, code, period))
            due_date = fields.get("due_date", action.due_date)
            update_fields = update_fields_of(errors, row, cells, action, known, due_date)
            current = known.updates.get((action.pk, period)) if action.pk else None
            if current is not None and current.state != ReviewState.APPROVED:
                refusal = checks.in_progress(current, f"The update of {code} for {period.label}")
                if refusal:
                    errors.append(RowError(row, "period", refusal))
                else:
                    update_fields["state"] = ReviewState.APPROVED
                    replacing = current
            if current is None or any(getattr(current, n) != new for n, new in update_fields.items()):
                checks.writing(plan, errors, row, period)
        if errors:
            plan.errors.extend(errors)
            continue
        if replacing is not None:
            plan.replaced.append(replacing)
        known.actions[key] = action
        action._import_row = row
        plan_action(plan, action, fields, is_new)
        if update_fields is not None:
            plan_update(plan, action, period, update_fields, known, row)
    if plan.errors:
        plan.forget_changes()
    return plan


def action_fields(
    errors: list[RowError],
    row: int,
    cells: dict[str, str],
    owning_plan: Plan,
    action: Action,
    known: Known,
    plan: ImportPlan,
) -> dict[str, Any]:
    """The action's own fields the row sets (an empty cell keeps what is stored)."""
    fields: dict[str, Any] = {}
    if cells["title"]:
        fields["title"] = text(errors, row, "title", cells["title"], Action, "title")
    if cells["outcome"]:
        fields["outcome"] = known.sections.named(errors, row, "outcome", owning_plan, cells["outcome"], plan)
    order = order_number(errors, row, "order", cells["order"])
    if order is not None:
        fields["order"] = order
    if cells["group_code"]:
        group = known.actions.get((owning_plan.id, cells["group_code"]))
        if group is None:
            errors.append(
                RowError(
                    row,
                    "group_code",
                    f"{cells['group_code']} is not an action of {owning_plan.code} "
                    "(a new group must come in an earlier row).",
                )
            )
        elif cells["group_code"] == action.code:
            errors.append(RowError(row, "group_code", "An action cannot be its own group."))
        else:
            fields["parent"] = group
    if cells["priority"]:
        if cells["priority"].isdigit() and 1 <= int(cells["priority"]) <= 9:
            fields["priority"] = int(cells["priority"])
        else:
            errors.append(RowError(row, "priority", "Write a whole number from 1 (highest) to 9."))
    if cells["desired_outcome"]:
        fields["desired_outcome"] = cells["desired_outcome"]
    for name in ("start_date", "due_date"):
        if cells[name]:
            fields[name] = date(errors, row, name, cells[name])
    if cells["owner"]:
        owner = known.people.get(cells["owner"].casefold())
        if owner is None:
            errors.append(RowError(row, "owner", f'No active user has the username or email "{cells["owner"]}".'))
        fields["owner"] = owner
    start, due = fields.get("start_date", action.start_date), fields.get("due_date", action.due_date)
    if start and due and due < start:
        errors.append(RowError(row, "due_date", "The due date is before the start date."))
    return fields


def update_fields_of(
    errors: list[RowError], row: int, cells: dict[str, str], action: Action, known: Known, due_date: dt.date | None
) -> dict[str, Any]:
    """The fields of the action's update for the row's period."""
    progress = None
    if cells["progress"]:
        text = cells["progress"].rstrip("%").strip()
        if action.pk in known.groups:
            errors.append(
                RowError(
                    row, "progress", f"{action.code} is an action group: its progress is worked out from its actions."
                )
            )
        elif text.isdigit() and int(text) <= 100:
            progress = int(text)
        else:
            errors.append(RowError(row, "progress", "Write a whole number from 0 to 100."))
    status = cells["status"].casefold()
    if status not in ("", "cancelled"):
        errors.append(
            RowError(
                row,
                "status",
                'Write "Cancelled" or leave it empty: other statuses are worked out from progress and dates.',
            )
        )
    if status == "cancelled" and not cells["update"]:
        errors.append(RowError(row, "update", "Say in the update why the action is cancelled."))
    return {
        "progress": progress,
        "narrative": sanitise(cells["update"]),
        "set_status": ActionUpdate.SetStatus.CANCELLED if status == "cancelled" else "",
        "status_reason": cells["update"] if status == "cancelled" else "",
        "revised_due_date": revised_due_date(
            errors, row, cells["revised_due_date"], known.plans[cells["plan_code"]], due_date
        ),
    }


def revised_due_date(
    errors: list[RowError], row: int, cell: str, plan: Plan, due_date: dt.date | None
) -> dt.date | None:
    """The row's revised due date for an action of `plan` due on `due_date`, checked as the update
    form checks it."""
    revised = date(errors, row, "revised_due_date", cell)
    if revised and (problem := plan.revised_due_date_problem(revised, due_date)):
        errors.append(RowError(row, "revised_due_date", problem))
    return revised


def plan_action(plan: ImportPlan, action: Action, fields: dict[str, Any], is_new: bool) -> None:
    if is_new:
        for name, new in fields.items():
            setattr(action, name, new)
        plan.new.append(action)
        plan.new_labels.append(f"New action {action.code}: {action.title}")
        return
    differences = [name for name, new in fields.items() if getattr(action, name) != new]
    for name in differences:
        plan.changes.append(Change(action.code, None, name, getattr(action, name), fields[name]))
        setattr(action, name, fields[name])
    if differences:
        plan.changed.append(action)
    else:
        plan.unchanged += 1


def plan_update(
    plan: ImportPlan, action: Action, period: Period, fields: dict[str, Any], known: Known, row: int
) -> None:
    current = known.updates.get((action.pk, period)) if action.pk else None
    if current is None:
        update = ActionUpdate(action=action, period=period, state=ReviewState.APPROVED, **fields)
        update._import_row = row
        plan.new.append(update)
        progress = "" if update.progress is None else f", {update.progress}%"
        plan.new_labels.append(f"New update for {action.code}, {period.label}{progress}")
        return
    differences = [name for name, new in fields.items() if getattr(current, name) != new]
    for name in differences:
        old, new = getattr(current, name), fields[name]
        if name == "state":
            old, new = current.get_state_display(), ReviewState(new).label
        plan.changes.append(Change(action.code, period, name, old, new))
        setattr(current, name, fields[name])
    if differences:
        current._import_row = row
        plan.changed.append(current)
    else:
        plan.unchanged += 1


def apply(plan: ImportPlan, user: Any, reason: str) -> None:
    """Saved one by one in file order (actions before updates) so that new groups exist before their
    actions; action files are hundreds of rows, not hundreds of thousands."""
    writes = sorted([*plan.new, *plan.changed], key=lambda obj: (not isinstance(obj, Action), obj._import_row))
    now = timezone.now()
    save_new_sections(plan, user, reason)
    for obj in writes:
        if isinstance(obj, Action) and obj.outcome is not None:
            obj.outcome = obj.outcome  # a section saved just now: take its id
        if not isinstance(obj, Action):
            obj.action = obj.action  # the action may have been saved just now: take its id
            if obj.pk:  # a changed update: a form open on its old version meets a conflict
                obj.version += 1
            if obj in plan.replaced:
                obj.reviewed_by, obj.reviewed_at = user, now
        obj._change_reason = reason
        obj._history_user = user
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()


KIND = Kind("actions", "Actions with their latest update", COLUMNS, check, apply)
