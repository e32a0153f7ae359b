"""Indicator definitions: what is measured, by which service, in what unit and how it is judged."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..bulk import write_with_history
from ..models import Indicator, IndicatorValue, Plan, Service, Target
from ..periods import Frequency
from .base import (
    Change,
    Column,
    ImportOptions,
    ImportPlan,
    Kind,
    RowError,
    Sections,
    order_number,
    people_by_name,
    rows,
    save_new_sections,
    text,
)

COLUMNS = (
    Column("code", True, "Unique code", "CFSW-LAC06"),
    Column("title", True, "What is measured", "Care leavers in employment, education or training"),
    Column("service", True, "The service's name", "Children and Families and Justice Social Work"),
    Column("unit", False, '"%", "days", "children"…', "%"),
    Column("decimal_places", False, "0 to 4 (default 0)", "1"),
    Column("polarity", False, '"higher" (default), "lower" or "data_only"', "higher"),
    Column("frequency", False, '"quarterly" (default), "monthly", "half_yearly" or "annual"', "quarterly"),
    Column("aggregation", False, '"latest" (default), "mean" or "sum": how the year\'s figure is made', "latest"),
    Column("source", False, '"local" (default), "national" or "lgbf"', "local"),
    Column(
        "part_of_year",
        False,
        '"as_it_is" (default) or "pro_rata": how a quarter or half year is judged against the year\'s target',
        "as_it_is",
    ),
    Column("plan_code", False, "The plan it belongs to, if any", "CFSW SP2023"),
    Column("owner", False, "Who reports it: their username or email (empty keeps the current owner)", "officer"),
    Column(
        "outcome",
        False,
        "The plan's section (outcome or priority) it is reported under; a title the plan does not have yet "
        "adds that section to the plan. Needs plan_code. Empty keeps the current section",
        "Improved outcomes for looked after and care experienced young people",
    ),
    Column("order", False, "Its place within its section, a whole number: rows show by order, then code", "10"),
    Column("definition", False, "What is counted and how", ""),
    Column("benchmark_code", False, "Its code in published benchmarking data, e.g. LGBF's CHN9", ""),
)
CHOICES = {
    "polarity": {"higher", "lower", "data_only"},
    "frequency": {"monthly", "quarterly", "half_yearly", "annual"},
    "aggregation": {"latest", "mean", "sum"},
    "source": {"local", "national", "lgbf"},
    "part_of_year": {"as_it_is", "pro_rata"},
}
DEFAULTS = {
    "polarity": "higher",
    "frequency": "quarterly",
    "aggregation": "latest",
    "source": "local",
    "part_of_year": "as_it_is",
}
COLUMN_OF = {"plan": "plan_code"}  # indicator fields named differently in the file


def check(frame: pd.DataFrame, options: ImportOptions) -> ImportPlan:
    services = {s.name.casefold(): s for s in Service.objects.all()} | {
        s.slug.casefold(): s for s in Service.objects.all()
    }
    plans = {p.code: p for p in Plan.objects.all()}
    existing = {i.code: i for i in Indicator.objects.select_related("service", "plan", "owner", "outcome")}
    people = people_by_name()
    sections = Sections()
    plan = ImportPlan(KIND.name, len(frame))
    seen: dict[str, int] = {}
    new_frequencies: dict[int, tuple[int, Indicator, str]] = {}  # indicator id: row, indicator, old frequency
    for row, cells in rows(frame, COLUMNS):
        errors: list[RowError] = []
        code, title = cells["code"], cells["title"]
        if not code:
            errors.append(RowError(row, "code", "The code is missing."))
        else:
            text(errors, row, "code", code, Indicator, "code")
            if seen.setdefault(code, row) != row:
                errors.append(RowError(row, "code", f"{code} is already in row {seen[code]}."))
        if not title:
            errors.append(RowError(row, "title", "The title is missing."))
        service = services.get(cells["service"].casefold())
        if service is None:
            errors.append(RowError(row, "service", f'There is no service called "{cells["service"]}".'))
        owning_plan = None
        if cells["plan_code"]:
            owning_plan = plans.get(cells["plan_code"])
            if owning_plan is None:
                errors.append(RowError(row, "plan_code", f'There is no plan with the code "{cells["plan_code"]}".'))
            elif service and owning_plan.service_id != service.id:
                errors.append(RowError(row, "plan_code", f"{owning_plan.code} belongs to another service."))
        fields: dict[str, Any] = {
            "title": text(errors, row, "title", title, Indicator, "title"),
            "unit": text(errors, row, "unit", cells["unit"], Indicator, "unit"),
            "definition": cells["definition"],
            "benchmark_code": text(errors, row, "benchmark_code", cells["benchmark_code"], Indicator, "benchmark_code"),
        }
        for name, allowed in CHOICES.items():
            value = (cells[name] or DEFAULTS[name]).lower().replace("-", "_").replace(" ", "_")
            if value not in allowed:
                errors.append(RowError(row, name, f"Write one of: {', '.join(sorted(allowed))}."))
            fields[name] = value
        places = cells["decimal_places"] or "0"
        if not (places.isdigit() and int(places) <= 4):
            errors.append(RowError(row, "decimal_places", "Write a whole number from 0 to 4."))
        else:
            fields["decimal_places"] = int(places)
        current = existing.get(code)
        structure = structure_fields(
            errors, row, cells, owning_plan, current, people, sections, plan, "plan_code" in frame.columns
        )
        if errors:
            plan.errors.extend(errors)
            continue
        fields |= {"service": service, "plan": owning_plan}
        if current is None:
            plan.new.append(Indicator(code=code, **fields, **structure))
            plan.new_labels.append(f"New indicator {code}: {fields['title']}")
            continue
        # An existing indicator keeps what the file has no column for (e.g. an older template
        # without benchmark_code does not clear it), and what an empty owner, outcome or order keeps.
        given = {name: new for name, new in fields.items() if COLUMN_OF.get(name, name) in frame.columns}
        given |= structure
        differences = [name for name, new in given.items() if getattr(current, name) != new]
        if not differences:
            plan.unchanged += 1
            continue
        if "frequency" in differences:
            new_frequencies[current.id] = (row, current, current.frequency)
        for name in differences:
            plan.changes.append(Change(code, None, name, getattr(current, name), given[name]))
            setattr(current, name, given[name])
        plan.changed.append(current)
        plan.changed_labels.append(f"{code} {current.title}: {', '.join(differences)} changed")
    if plan.errors:
        plan.forget_changes()
    elif new_frequencies:
        plan.warnings.extend(orphaned_by_frequency(new_frequencies))
    return plan


def structure_fields(
    errors: list[RowError],
    row: int,
    cells: dict[str, str],
    owning_plan: Plan | None,
    current: Indicator | None,
    people: dict[str, Any],
    sections: Sections,
    plan: ImportPlan,
    plan_given: bool,
) -> dict[str, Any]:
    """Where the indicator sits in its plan: owner, section (outcome) and order. An empty cell
    keeps what is stored; a section no longer in the indicator's plan (`plan_given`: the file has a
    plan_code column) is left."""
    found: dict[str, Any] = {}
    if cells["owner"]:
        found["owner"] = people.get(cells["owner"].casefold())
        if found["owner"] is None:
            errors.append(RowError(row, "owner", f'No active user has the username or email "{cells["owner"]}".'))
    if cells["outcome"]:
        if not cells["plan_code"]:
            errors.append(RowError(row, "outcome", "A section belongs to a plan: give the plan_code too."))
        elif owning_plan is not None:
            found["outcome"] = sections.named(errors, row, "outcome", owning_plan, cells["outcome"], plan)
    elif plan_given and current is not None and current.outcome is not None and not _in_plan(current, owning_plan):
        found["outcome"] = None  # it moved out of the plan its section belongs to
    order = order_number(errors, row, "order", cells["order"])
    if order is not None:
        found["order"] = order
    return found


def _in_plan(indicator: Indicator, owning_plan: Plan | None) -> bool:
    return indicator.outcome.plan_id == (owning_plan.id if owning_plan else None)


def _span(periods: list) -> str:
    periods = sorted(periods)
    return periods[0].label if len(periods) == 1 else f"{periods[0].label} to {periods[-1].label}"


def orphaned_by_frequency(changing: dict[int, tuple[int, Indicator, str]]) -> list[RowError]:
    """Warnings for indicators whose new frequency leaves values or targets of the old one unread:
    scorecards, reports and My updates look only for periods of an indicator's own frequency, so
    those figures stay in its history but are no longer shown. Two queries."""
    held: dict[int, dict[str, list]] = {}
    for model, what in ((IndicatorValue, "values"), (Target, "targets")):
        for indicator_id, period in model.objects.filter(indicator__in=changing).values_list("indicator_id", "period"):
            _, indicator, _ = changing[indicator_id]
            # A year's target is read whatever the frequency (the outlook; targets for a year apply to its parts).
            year_target = model is Target and period.frequency is Frequency.ANNUAL
            if period.frequency != Frequency(indicator.frequency) and not year_target:
                held.setdefault(indicator_id, {}).setdefault(what, []).append(period)
    warnings = []
    for indicator_id, kinds in held.items():
        row, indicator, old = changing[indicator_id]
        parts = [
            f"{len(found)} {what if len(found) > 1 else what[:-1]} ({_span(found)})" for what, found in kinds.items()
        ]
        warnings.append(
            RowError(
                row,
                "frequency",
                f"{indicator.code} changes from {Frequency(old).label.lower()} to "
                f"{Frequency(indicator.frequency).label.lower()}: its {' and '.join(parts)} would no longer be "
                "shown on scorecards or in reports (they stay in its history). Keep the frequency, or re-enter them.",
            )
        )
    return warnings


def apply(plan: ImportPlan, user: Any, reason: str) -> None:
    """New sections first, then the indicators in bulk with only the fields that changed."""
    save_new_sections(plan, user, reason)
    for indicator in [*plan.new, *plan.changed]:
        if indicator.outcome is not None:
            indicator.outcome = indicator.outcome  # a section saved just now: take its id
    changed_fields = sorted({change.field for change in plan.changes})
    write_with_history(Indicator, plan.new, plan.changed, changed_fields, user, reason)


KIND = Kind("indicators", "Indicator definitions", COLUMNS, check, apply)
