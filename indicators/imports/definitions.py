"""Indicator definitions: what is measured, by which service, in what unit and how it is judged."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..models import Indicator, Plan, Service
from .base import Change, Column, ImportOptions, ImportPlan, Kind, RowError, rows, text, write_in_bulk

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
    existing = {i.code: i for i in Indicator.objects.all()}
    plan = ImportPlan(KIND.name, len(frame))
    seen: dict[str, int] = {}
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
        if errors:
            plan.errors.extend(errors)
            continue
        fields |= {"service": service, "plan": owning_plan}
        current = existing.get(code)
        if current is None:
            plan.new.append(Indicator(code=code, **fields))
            continue
        # An existing indicator keeps what the file has no column for (e.g. an older template
        # without benchmark_code does not clear it).
        given = {name: new for name, new in fields.items() if COLUMN_OF.get(name, name) in frame.columns}
        differences = [name for name, new in given.items() if getattr(current, name) != new]
        if not differences:
            plan.unchanged += 1
            continue
        for name in differences:
            plan.changes.append(Change(code, None, name, getattr(current, name), fields[name]))
            setattr(current, name, fields[name])
        plan.changed.append(current)
    if plan.errors:
        plan.forget_changes()
    return plan


KIND = Kind("indicators", "Indicator definitions", COLUMNS, check, write_in_bulk(Indicator))
