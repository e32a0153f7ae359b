"""Spreadsheet imports (CSV or XLSX): indicator definitions, targets and values.

Every row is checked before anything is written; all problems are listed with their row number
(as the spreadsheet shows it, the header being row 1) and column. A valid file gives a preview:
what is new, what changes (old → new) and what is unchanged. Writing happens only on
confirmation, in one transaction, with the audit history recording the import. Importing the
same file again changes nothing.
"""

from __future__ import annotations

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
from .periods import Period, PeriodError
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
]
LABELS = {"values": "Indicator values", "targets": "Targets", "indicators": "Indicator definitions"}
CHOICES = {
    "polarity": {"higher", "lower", "data_only"},
    "frequency": {"monthly", "quarterly", "half_yearly", "annual"},
    "aggregation": {"latest", "mean", "sum"},
    "source": {"local", "national", "lgbf"},
}
DEFAULTS = {"polarity": "higher", "frequency": "quarterly", "aggregation": "latest", "source": "local"}


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

    @property
    def valid(self) -> bool:
        return not self.errors


def template_csv(kind: str) -> str:
    columns = KINDS[kind]
    return ",".join(c.name for c in columns) + "\n" + ",".join(_csv_cell(c.example) for c in columns) + "\n"


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
    _check_columns(frame, kind)
    if kind == "indicators":
        return _plan_definitions(frame)
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
        fields = {"title": title, "unit": cells["unit"], "definition": cells["definition"]}
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
        differences = [name for name, new in fields.items() if getattr(current, name) != new]
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


def _extra(kind: str) -> dict:
    # Imported values are the performance team's record of published figures.
    return {"state": ReviewState.APPROVED} if kind == "values" else {}


@transaction.atomic
def apply_import(plan: ImportPlan, user, filename: str) -> tuple[int, int]:
    """Write a validated plan in one transaction, recording the import in the audit history."""
    if not plan.valid:
        raise ImportFileError("The file has errors; nothing was written.")
    model = {"values": IndicatorValue, "targets": Target, "indicators": Indicator}[plan.kind]
    names = sorted({change.field for change in plan.changes})
    write_with_history(model, plan.new, plan.changed, names, user, f"Imported from {filename}")
    return len(plan.new), len(plan.changed)
