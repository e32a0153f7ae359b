"""Spreadsheet imports (CSV or XLSX): indicator definitions, targets and values.

Every row is checked before anything is written; all problems are listed with their row number
(as the spreadsheet shows it, the header being row 1) and column. A valid file gives a preview:
what is new, what changes (old → new) and what is unchanged. Writing happens only on
confirmation, in one transaction, with the audit history recording the import. Importing the
same file again changes nothing.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import transaction

from .bulk import write_with_history
from .models import Indicator, IndicatorValue, ReviewState, Target
from .numbers import NumberError, parse_number
from .periods import Frequency, Period, PeriodError
from .status import ToleranceType


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


KINDS: dict[str, list[Column]] = {
    "values": [
        Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
        Column("period", True, 'As councils write it: "Q2 2022/23", "2022/23", "Sep 2022"', "Q2 2022/23"),
        Column("value", False, 'A number ("41.8", "1,234", "41.8%"); empty if not available', "26"),
        Column("numerator", False, "Optional", "39"),
        Column("denominator", False, "Optional", "150"),
        Column("not_available_reason", False, "Why there is no value (when value is empty)", ""),
        Column("commentary", False, "Optional commentary", "Two new kinship carers approved."),
    ],
    "targets": [
        Column("indicator_code", True, "The indicator's code", "CFSW-LAC01"),
        Column("period", True, 'The period the target is for, e.g. "Q3 2022/23" or "2022/23"', "Q3 2022/23"),
        Column("target", True, "A number", "30"),
        Column("tolerance", False, "The amber band; empty means none", "2"),
        Column("tolerance_type", False, '"absolute" (default) or "percent" (of the target)', "absolute"),
        Column("rationale", False, "How the target was set", "Return to the 2021/22 level."),
    ],
}
KINDS["indicators"] = [
    Column("code", True, "Unique code", "CFSW-LAC06"),
    Column("title", True, "What is measured", "Care leavers in employment, education or training"),
    Column("service", True, "The service's name", "Children and Families and Justice Social Work"),
    Column("unit", False, '"%", "days", "children"…', "%"),
    Column("decimal_places", False, "0 to 4 (default 0)", "1"),
    Column("polarity", False, '"higher" (default), "lower" or "data_only"', "higher"),
    Column("frequency", False, '"quarterly" (default), "monthly", "half_yearly" or "annual"', "quarterly"),
    Column("aggregation", False, '"latest" (default), "mean" or "sum": how the year\'s figure is made', "latest"),
    Column("source", False, '"local" (default), "national" or "lgbf"', "local"),
    Column("plan_code", False, "The plan it belongs to, if any", "CFSW SP2023"),
    Column("definition", False, "What is counted and how", ""),
    Column("benchmark_code", False, "Its code in published benchmarking data, e.g. LGBF's CHN9", ""),
]
KINDS["comparators"] = [
    Column(
        "council", True, "The council's name as the publisher writes it (or the national row, e.g. Scotland)", "Moray"
    ),
    Column("indicator_code", True, "Our indicator's code, or its benchmarking code (e.g. LGBF's CHN9)", "CHN9"),
    Column("year", True, 'The financial year: "2021/22" or "2021-22"', "2021/22"),
    Column("value", False, "The published figure; empty rows are skipped", "89.4"),
]
KINDS["actions"] = [
    Column("plan_code", True, "The plan's code", "CFSW SP2023"),
    Column("action_code", True, "The action's code in the plan", "STRAT1.4"),
    Column("title", False, "Required for a new action; empty keeps the current title", "Review kinship care support"),
    Column("group_code", False, "The action group it belongs to (an earlier row or an existing action)", "STRAT1"),
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
]
LABELS = {
    "values": "Indicator values",
    "targets": "Targets",
    "indicators": "Indicator definitions",
    "comparators": "Benchmarking figures (comparator councils)",
    "actions": "Actions with their latest update",
}
CHOICES = {
    "polarity": {"higher", "lower", "data_only"},
    "frequency": {"monthly", "quarterly", "half_yearly", "annual"},
    "aggregation": {"latest", "mean", "sum"},
    "source": {"local", "national", "lgbf"},
}
DEFAULTS = {"polarity": "higher", "frequency": "quarterly", "aggregation": "latest", "source": "local"}


# Checking keeps every row of the file in memory (about 2 KB a row with its preview, measured by
# bench/imports.py), so files are limited to this many rows: 200,000 rows take about 450 MB.
MAX_ROWS = 200_000


class ImportFileError(ValueError):
    """The file itself cannot be read (not CSV/XLSX, no header, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Change:
    code: str
    period: Period
    field: str
    old: Any
    new: Any


@dataclass
class ImportPlan:
    kind: str
    rows: int
    errors: list[RowError] = field(default_factory=list)
    new: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    changes: list[Change] = field(default_factory=list)
    new_councils: list[Any] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)  # what each new row is, where counts alone are unclear

    @property
    def valid(self) -> bool:
        return not self.errors


def template_csv(kind: str) -> str:
    columns = KINDS[kind]
    return ",".join(c.name for c in columns) + "\n" + ",".join(_csv_cell(c.example) for c in columns) + "\n"


def template_xlsx(kind: str) -> bytes:
    """The template as a workbook: the columns with an example row, and a sheet explaining each."""
    columns = KINDS[kind]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame([[c.example for c in columns]], columns=[c.name for c in columns]).to_excel(
            writer, sheet_name=kind.capitalize(), index=False
        )
        pd.DataFrame(
            [[c.name, "Yes" if c.required else "No", c.help, c.example] for c in columns],
            columns=["column", "required", "what to put", "example"],
        ).to_excel(writer, sheet_name="About the columns", index=False)
    return buffer.getvalue()


def _csv_cell(text: str) -> str:
    return f'"{text}"' if ("," in text or '"' in text) else text


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """All cells as text; the header row names the columns."""
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl")
        elif filename.lower().endswith((".csv", ".txt")):
            frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            raise ImportFileError("Upload a .csv or .xlsx file.")
    except ImportFileError:
        raise
    except Exception as error:  # pandas raises many kinds for unreadable files
        raise ImportFileError(f"The file could not be read as a spreadsheet: {error}") from error
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    return frame


@functools.lru_cache(maxsize=4096)
def _period(text: str) -> Period:
    return Period.parse(text)


def _number(row_errors: list, row: int, column: str, text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NumberError as error:
        row_errors.append(RowError(row, column, str(error)))
        return None


def _check_columns(frame: pd.DataFrame, kind: str) -> None:
    missing = [c.name for c in KINDS[kind] if c.required and c.name not in frame.columns]
    if missing:
        raise ImportFileError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Download the template to see the columns expected."
        )


def _rows(frame: pd.DataFrame, kind: str) -> Iterable[tuple[int, dict[str, str]]]:
    names = [c.name for c in KINDS[kind]]
    present = [n for n in names if n in frame.columns]
    columns = {n: frame[n].tolist() for n in present}
    for index in range(len(frame)):
        yield index + 2, {n: (columns[n][index] or "").strip() if n in columns else "" for n in names}


def plan_import(kind: str, content: bytes, filename: str) -> ImportPlan:
    """Validate every row and work out what would change. Writes nothing."""
    if kind not in KINDS:
        raise ImportFileError(f"Unknown kind of import: {kind}")
    frame = read_table(content, filename)
    if len(frame) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(frame):,} rows; import at most {MAX_ROWS:,} at a time "
            "by splitting it into smaller files."
        )
    _check_columns(frame, kind)
    if kind == "indicators":
        return _plan_definitions(frame)
    if kind == "comparators":
        return _plan_comparators(frame)
    if kind == "actions":
        return _plan_actions(frame)
    indicators = {i.code: i for i in Indicator.objects.only("id", "code", "frequency", "decimal_places")}
    plan = ImportPlan(kind, len(frame))
    seen: dict[tuple[str, Period], int] = {}
    parsed: list[tuple[Indicator, Period, dict]] = []
    for row, cells in _rows(frame, kind):
        if kind == "values" and not any(
            cells[n] for n in ("value", "numerator", "denominator", "not_available_reason")
        ):
            plan.skipped += 1  # e.g. an exported scorecard's rows with no figure yet
            continue
        errors: list[RowError] = []
        code = cells["indicator_code"]
        indicator = indicators.get(code)
        if not code:
            errors.append(RowError(row, "indicator_code", "The indicator code is missing."))
        elif indicator is None:
            errors.append(RowError(row, "indicator_code", f'There is no indicator with the code "{code}".'))
        period = None
        try:
            period = _period(cells["period"])
        except PeriodError as error:
            errors.append(RowError(row, "period", str(error)))
        if indicator and period and kind == "values" and period.frequency != indicator.frequency_enum:
            errors.append(
                RowError(
                    row,
                    "period",
                    f"{code} is reported {indicator.get_frequency_display().lower()}, so it has no value for "
                    f"{period.label}.",
                )
            )
        if indicator and period:
            first = seen.setdefault((code, period), row)
            if first != row:
                errors.append(RowError(row, "period", f"{code} {period.label} is already in row {first}."))
        fields = (_value_fields if kind == "values" else _target_fields)(errors, row, cells)
        if errors:
            plan.errors.extend(errors)
        elif indicator and period:
            parsed.append((indicator, period, fields))
    if plan.errors:
        return plan
    _compare(plan, parsed)
    return plan


def _value_fields(errors: list, row: int, cells: dict[str, str]) -> dict:
    value = _number(errors, row, "value", cells["value"])
    numerator = _number(errors, row, "numerator", cells["numerator"])
    denominator = _number(errors, row, "denominator", cells["denominator"])
    reason = cells["not_available_reason"]
    if value is None and numerator is not None and denominator:
        value = numerator / denominator
    if value is None and not reason and not cells["value"]:
        errors.append(RowError(row, "value", "Give a value, or say why it is not available."))
    if denominator == 0:
        errors.append(RowError(row, "denominator", "The denominator cannot be zero."))
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "not_available": value is None,
        "not_available_reason": reason if value is None else "",
        "commentary": cells["commentary"],
    }


def _target_fields(errors: list, row: int, cells: dict[str, str]) -> dict:
    target = _number(errors, row, "target", cells["target"])
    if target is None and not cells["target"]:
        errors.append(RowError(row, "target", "The target is missing."))
    tolerance = _number(errors, row, "tolerance", cells["tolerance"]) or Decimal(0)
    if tolerance < 0:
        errors.append(RowError(row, "tolerance", "The tolerance cannot be negative."))
    kind = (cells["tolerance_type"] or "absolute").lower()
    if kind not in {t.value for t in ToleranceType}:
        errors.append(RowError(row, "tolerance_type", 'Write "absolute" or "percent".'))
    return {"value": target, "tolerance": tolerance, "tolerance_type": kind, "rationale": cells["rationale"]}


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None and new is None) or (old is not None and new is not None and Decimal(old) == Decimal(new))
    return old == new


def _compare(plan: ImportPlan, parsed: list[tuple[Indicator, Period, dict]]) -> None:
    model = IndicatorValue if plan.kind == "values" else Target
    ids = {indicator.id for indicator, _, _ in parsed}
    keys = {period.key for _, period, _ in parsed}
    existing = {
        (obj.indicator_id, obj.period): obj for obj in model.objects.filter(indicator_id__in=ids, period__in=keys)
    }
    for indicator, period, fields in parsed:
        current = existing.get((indicator.id, period))
        if current is None:
            plan.new.append(model(indicator=indicator, period=period, **fields, **_extra(plan.kind)))
            continue
        differences = [name for name, new in fields.items() if not _same(getattr(current, name), new)]
        if not differences:
            plan.unchanged += 1
            continue
        for name in differences:
            plan.changes.append(Change(indicator.code, period, name, getattr(current, name), fields[name]))
            setattr(current, name, fields[name])
        plan.changed.append(current)


COLUMN_OF = {"plan": "plan_code"}  # indicator fields named differently in the file


def _plan_definitions(frame: pd.DataFrame) -> ImportPlan:
    from .models import Plan, Service

    services = {s.name.casefold(): s for s in Service.objects.all()} | {
        s.slug.casefold(): s for s in Service.objects.all()
    }
    plans = {p.code: p for p in Plan.objects.all()}
    existing = {i.code: i for i in Indicator.objects.all()}
    plan = ImportPlan("indicators", len(frame))
    seen: dict[str, int] = {}
    for row, cells in _rows(frame, "indicators"):
        errors: list[RowError] = []
        code, title = cells["code"], cells["title"]
        if not code:
            errors.append(RowError(row, "code", "The code is missing."))
        elif seen.setdefault(code, row) != row:
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
        fields = {
            "title": title,
            "unit": cells["unit"],
            "definition": cells["definition"],
            "benchmark_code": cells["benchmark_code"],
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
        plan.new, plan.changed, plan.changes, plan.unchanged = [], [], [], 0
    return plan


def _plan_comparators(frame: pd.DataFrame) -> ImportPlan:
    from .models import ComparatorCouncil, ComparatorValue

    by_code: dict[str, Indicator] = {}
    ambiguous: set[str] = set()
    for indicator in Indicator.objects.only("id", "code", "benchmark_code"):
        by_code[indicator.code] = indicator
        if indicator.benchmark_code:
            if (
                indicator.benchmark_code in by_code
                and by_code[indicator.benchmark_code].code != indicator.benchmark_code
            ):
                ambiguous.add(indicator.benchmark_code)
            by_code.setdefault(indicator.benchmark_code, indicator)
    councils = {c.name.casefold(): c for c in ComparatorCouncil.objects.all()}
    plan = ImportPlan("comparators", len(frame))
    seen: dict[tuple[str, int, Period], int] = {}
    parsed = []
    for row, cells in _rows(frame, "comparators"):
        if not cells["value"]:
            plan.skipped += 1  # not published for that council
            continue
        errors: list[RowError] = []
        name, code = " ".join(cells["council"].split()), cells["indicator_code"]
        if not name:
            errors.append(RowError(row, "council", "The council is missing."))
        indicator = by_code.get(code)
        if not code:
            errors.append(RowError(row, "indicator_code", "The indicator code is missing."))
        elif code in ambiguous:
            errors.append(RowError(row, "indicator_code", f"More than one indicator has the benchmarking code {code}."))
        elif indicator is None:
            errors.append(RowError(row, "indicator_code", f'No indicator has the code or benchmarking code "{code}".'))
        period = None
        try:
            period = _period(cells["year"])
        except PeriodError as error:
            errors.append(RowError(row, "year", str(error)))
        if period and period.frequency != Frequency.ANNUAL:
            errors.append(
                RowError(
                    row,
                    "year",
                    f'Benchmarking figures are yearly: write a year such as "2021/22", not "{cells["year"]}".',
                )
            )
            period = None
        value = _number(errors, row, "value", cells["value"])
        if name and indicator and period:
            first = seen.setdefault((name.casefold(), indicator.id, period), row)
            if first != row:
                errors.append(RowError(row, "council", f"{name}, {code}, {period.label} is already in row {first}."))
        if errors:
            plan.errors.extend(errors)
        elif indicator and period and value is not None:
            parsed.append((name, indicator, period, value))
    if plan.errors:
        return plan
    for name, *_ in parsed:
        if name.casefold() not in councils:
            councils[name.casefold()] = ComparatorCouncil(name=name)
            plan.new_councils.append(councils[name.casefold()])
    existing = {
        (v.indicator_id, v.council_id, v.period): v
        for v in ComparatorValue.objects.filter(indicator_id__in={i.id for _, i, _, _ in parsed})
    }
    for name, indicator, period, value in parsed:
        council = councils[name.casefold()]
        current = existing.get((indicator.id, council.id, period)) if council.pk else None
        if current is None:
            plan.new.append(ComparatorValue(indicator=indicator, council=council, period=period, value=value))
        elif _same(current.value, value):
            plan.unchanged += 1
        else:
            plan.changes.append(Change(indicator.code, period, f"value for {council.name}", current.value, value))
            current.value = value
            plan.changed.append(current)
    return plan


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y")


def _date(errors: list, row: int, column: str, text: str) -> datetime.date | None:
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors.append(RowError(row, column, f'"{text}" is not a date. Write it as 31/03/2023, 2023-03-31 or 31 Mar 2023.'))
    return None


def _plan_actions(frame: pd.DataFrame) -> ImportPlan:
    """Actions (new or changed) and, where a period is given, their update for that period."""
    from django.contrib.auth import get_user_model

    from .html import sanitise
    from .models import Action, ActionUpdate, Plan

    plans = {p.code: p for p in Plan.objects.all()}
    actions = {(a.plan_id, a.code): a for a in Action.objects.all()}
    groups = set(Action.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    keys = set()
    for text in frame["period"].unique() if "period" in frame.columns else []:
        try:
            keys.add(_period(str(text).strip()).key)
        except PeriodError:
            continue  # reported with its row below
    updates = {(u.action_id, u.period): u for u in ActionUpdate.objects.filter(period__in=keys)}
    people: dict[str, Any] = {}
    for user in get_user_model().objects.filter(is_active=True):
        people[user.username.casefold()] = user
        if user.email:
            people.setdefault(user.email.casefold(), user)
    plan = ImportPlan("actions", len(frame))
    in_file: dict[tuple[int, str], int] = {}
    seen_updates: set[tuple[int, str, Period]] = set()
    for row, cells in _rows(frame, "actions"):
        errors: list[RowError] = []
        owning_plan = plans.get(cells["plan_code"])
        code = cells["action_code"]
        if not cells["plan_code"]:
            errors.append(RowError(row, "plan_code", "The plan code is missing."))
        elif owning_plan is None:
            errors.append(RowError(row, "plan_code", f'There is no plan with the code "{cells["plan_code"]}".'))
        if not code:
            errors.append(RowError(row, "action_code", "The action code is missing."))
        if owning_plan is None or not code:
            plan.errors.extend(errors)
            continue
        key = (owning_plan.id, code)
        if key in in_file:
            errors.append(RowError(row, "action_code", f"{code} is already in row {in_file[key]}."))
        in_file.setdefault(key, row)
        action = actions.get(key)
        is_new = action is None or action.pk is None
        if action is None:
            if not cells["title"]:
                errors.append(RowError(row, "title", f"{code} is a new action, so it needs a title."))
            action = Action(plan=owning_plan, code=code, title=cells["title"])
        fields: dict[str, Any] = {}
        if cells["title"]:
            fields["title"] = cells["title"]
        if cells["group_code"]:
            group = actions.get((owning_plan.id, cells["group_code"]))
            if group is None:
                errors.append(
                    RowError(
                        row,
                        "group_code",
                        f"{cells['group_code']} is not an action of {owning_plan.code} "
                        "(a new group must come in an earlier row).",
                    )
                )
            elif cells["group_code"] == code:
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
                fields[name] = _date(errors, row, name, cells[name])
        if cells["owner"]:
            owner = people.get(cells["owner"].casefold())
            if owner is None:
                errors.append(RowError(row, "owner", f'No active user has the username or email "{cells["owner"]}".'))
            fields["owner"] = owner
        start, due = fields.get("start_date", action.start_date), fields.get("due_date", action.due_date)
        if start and due and due < start:
            errors.append(RowError(row, "due_date", "The due date is before the start date."))

        update_fields: dict[str, Any] | None = None
        period = None
        if cells["period"]:
            try:
                period = _period(cells["period"])
            except PeriodError as error:
                errors.append(RowError(row, "period", str(error)))
        elif any(cells[n] for n in ("progress", "update", "status", "revised_due_date")):
            errors.append(RowError(row, "period", "Say which period the update is for."))
        if period:
            if (owning_plan.id, code, period) in seen_updates:
                errors.append(RowError(row, "period", f"{code} {period.label} is already in an earlier row."))
            seen_updates.add((owning_plan.id, code, period))
            progress = None
            if cells["progress"]:
                text = cells["progress"].rstrip("%").strip()
                if action.pk in groups:
                    errors.append(
                        RowError(
                            row, "progress", f"{code} is an action group: its progress is worked out from its actions."
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
            update_fields = {
                "progress": progress,
                "narrative": sanitise(cells["update"]),
                "set_status": ActionUpdate.SetStatus.CANCELLED if status == "cancelled" else "",
                "status_reason": cells["update"] if status == "cancelled" else "",
                "revised_due_date": _date(errors, row, "revised_due_date", cells["revised_due_date"]),
            }
            current = updates.get((action.pk, period)) if action.pk else None
            if current and current.state != ReviewState.APPROVED:
                errors.append(
                    RowError(
                        row,
                        "period",
                        f"{code} has a {current.get_state_display().lower()} update for "
                        f"{period.label}; approve or return it before importing over it.",
                    )
                )
        if errors:
            plan.errors.extend(errors)
            continue
        actions[key] = action
        action._import_row = row
        if is_new:
            for name, new in fields.items():
                setattr(action, name, new)
            plan.new.append(action)
            plan.new_labels.append(f"New action {code}: {action.title}")
        else:
            differences = [name for name, new in fields.items() if getattr(action, name) != new]
            for name in differences:
                plan.changes.append(Change(code, None, name, getattr(action, name), fields[name]))
                setattr(action, name, fields[name])
            if differences:
                plan.changed.append(action)
            else:
                plan.unchanged += 1
        if update_fields is not None:
            current = updates.get((action.pk, period)) if action.pk else None
            if current is None:
                update = ActionUpdate(action=action, period=period, state=ReviewState.APPROVED, **update_fields)
                update._import_row = row
                plan.new.append(update)
                progress = "" if update.progress is None else f", {update.progress}%"
                plan.new_labels.append(f"New update for {code}, {period.label}{progress}")
            else:
                differences = [name for name, new in update_fields.items() if getattr(current, name) != new]
                for name in differences:
                    plan.changes.append(Change(code, period, name, getattr(current, name), update_fields[name]))
                    setattr(current, name, update_fields[name])
                if differences:
                    current._import_row = row
                    plan.changed.append(current)
                else:
                    plan.unchanged += 1
    if plan.errors:
        plan.new, plan.changed, plan.changes, plan.unchanged, plan.new_labels = [], [], [], 0, []
    return plan


def _apply_actions(plan: ImportPlan, user, reason: str) -> None:
    """Saved one by one in file order (actions before updates) so that new groups exist before their
    actions; action files are hundreds of rows, not hundreds of thousands."""
    from .models import Action

    writes = sorted([*plan.new, *plan.changed], key=lambda obj: (not isinstance(obj, Action), obj._import_row))
    for obj in writes:
        if not isinstance(obj, Action):
            obj.action = obj.action  # the action may have been saved just now: take its id
        obj._change_reason = reason
        obj._history_user = user
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()


def _extra(kind: str) -> dict:
    # Imported values are the performance team's record of published figures.
    return {"state": ReviewState.APPROVED} if kind == "values" else {}


@transaction.atomic
def apply_import(plan: ImportPlan, user, filename: str) -> tuple[int, int]:
    """Write a validated plan in one transaction, recording the import in the audit history."""
    if not plan.valid:
        raise ImportFileError("The file has errors; nothing was written.")
    from .models import ComparatorCouncil, ComparatorValue

    if plan.kind == "actions":
        _apply_actions(plan, user, f"Imported from {filename}")
        return len(plan.new), len(plan.changed)
    model = {"values": IndicatorValue, "targets": Target, "indicators": Indicator, "comparators": ComparatorValue}[
        plan.kind
    ]
    if plan.new_councils:
        write_with_history(ComparatorCouncil, plan.new_councils, [], [], user, f"Imported from {filename}")
        for value in plan.new:
            value.council_id = value.council.pk
    names = ["value"] if plan.kind == "comparators" else sorted({change.field for change in plan.changes})
    write_with_history(model, plan.new, plan.changed, names, user, f"Imported from {filename}")
    return len(plan.new), len(plan.changed)
