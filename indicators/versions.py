"""Data versions: counters that move on every write, so caches are keyed on exactly what they show.

Every write to the performance data leaves an audit-history row: a save or delete through the
ORM (forms, approvals and returns, corrections, the admin) sends simple-history's
`post_create_historical_record`, and the bulk writer of imports (`bulk.write_with_history`,
COPY on PostgreSQL) calls `note_writes` itself. Either way the counters move in the same
transaction as the data:

- a plan's own data (its actions' updates, its indicators' values, targets and exception
  reports) moves "plan:<id>" ("plan:none" for indicators in no plan) and "indicator:<id>";
- anything else a scorecard shows (plans, actions, indicators, outcomes, services, committees,
  rounds, status words, issued reports: `track_globally`) moves "all", which every cache
  includes;
- published comparator figures move "benchmarks".

Reading the counters a page needs is one small query (`versions`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models

from .models import (
    Action,
    ActionUpdate,
    ComparatorCouncil,
    ComparatorValue,
    DataVersion,
    ExceptionReport,
    FamilyGroup,
    Indicator,
    IndicatorValue,
    Target,
)

EVERYTHING = "all"
NO_PLAN = "plan:none"
BENCHMARKS = "benchmarks"  # published comparator figures (indicator and benchmarking pages)
PER_INDICATOR = (IndicatorValue, Target, ExceptionReport)
BATCH = 400  # keys per statement
_GLOBAL: set[type[models.Model]] = set()
_BENCHMARKS = (ComparatorCouncil, ComparatorValue, FamilyGroup)


def plan_key(plan_id: int | None) -> str:
    return NO_PLAN if plan_id is None else f"plan:{plan_id}"


def indicator_key(indicator_id: int) -> str:
    return f"indicator:{indicator_id}"


def track_globally(*tracked: type[models.Model]) -> None:
    """Writes to these models move every version (apps register what their pages show)."""
    _GLOBAL.update(tracked)


def keys_for(model: type[models.Model], objs: Sequence[Any]) -> set[str]:
    """The versions a write of `objs` (instances of `model`) moves (one query at most)."""
    if model is ActionUpdate:
        action_ids = {obj.action_id for obj in objs}
        plans = Action.objects.filter(id__in=action_ids).values_list("plan_id", flat=True).distinct()
        return {plan_key(plan_id) for plan_id in plans}
    if model in PER_INDICATOR:
        indicator_ids = {obj.indicator_id for obj in objs}
        plans = Indicator.objects.filter(id__in=indicator_ids).values_list("plan_id", flat=True).distinct()
        return {plan_key(plan_id) for plan_id in plans} | {indicator_key(i) for i in indicator_ids}
    if model in _GLOBAL:
        return {EVERYTHING}
    if model in _BENCHMARKS:
        return {BENCHMARKS}
    return set()


_deferred = threading.local()


@contextlib.contextmanager
def moved_together() -> Iterator[None]:
    """Inside this block (within one transaction), versions are moved once, at its end, all in
    one sorted pass. A writer that moves versions several times (an import: a bulk write, then
    ORM saves) would otherwise lock counter rows in the order it wrote, and two such writers
    touching the same plans in different orders could deadlock."""
    if getattr(_deferred, "keys", None) is not None:  # already inside one
        yield
        return
    _deferred.keys = set()
    try:
        yield
        keys, _deferred.keys = _deferred.keys, None
        bump(keys)
    finally:
        _deferred.keys = None


def bump(keys: Iterable[str]) -> None:
    """Move each of these versions on (one statement per `BATCH` keys), or inside `moved_together`
    at its end."""
    pending = getattr(_deferred, "keys", None)
    if pending is not None:
        pending.update(keys)
        return
    keys = sorted(set(keys))  # a fixed order, so concurrent writers lock rows in the same order
    if not keys:
        return
    quote = connection.ops.quote_name
    table, key, version = quote(DataVersion._meta.db_table), quote("key"), quote("version")
    # A counter goes up by one, and never below the time in milliseconds: should the data be
    # reset (a restored backup, the demo reloaded) while a shared cache lives on, its counters
    # start above any they had before, so no old page is taken for the new data.
    now = time.time_ns() // 1_000_000
    with connection.cursor() as cursor:
        # In batches: an import of every indicator moves thousands of keys, and databases bound
        # the number of parameters in one statement.
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            rows = ", ".join(["(%s, %s)"] * len(batch))
            # Names are our model's; the keys and the time are parameters.
            sql = (
                f"INSERT INTO {table} ({key}, {version}) VALUES {rows} "  # noqa: S608
                f"ON CONFLICT ({key}) DO UPDATE SET {version} = CASE WHEN {table}.{version} + 1 > %s "
                f"THEN {table}.{version} + 1 ELSE %s END"
            )
            cursor.execute(sql, [value for k in batch for value in (k, now)] + [now, now])


def note_writes(model: type[models.Model], objs: Sequence[Any]) -> None:
    """Record that `objs` of `model` were written (or deleted)."""
    if objs:
        bump(keys_for(model, objs))


def versions(keys: Iterable[str]) -> dict[str, int]:
    """The current value of each of `keys` (0 for one never written); one query."""
    keys = list(keys)
    if not keys:
        return {}
    # Plain SQL: every warm page reads versions, and compiling the ORM's query took longer than running it.
    quote = connection.ops.quote_name
    table, key_column, version_column = quote(DataVersion._meta.db_table), quote("key"), quote("version")
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        sql = f"SELECT {key_column}, {version_column} FROM {table} WHERE {key_column} IN ({marks})"  # noqa: S608
        cursor.execute(sql, keys)
        found = dict(cursor.fetchall())
    return {key: found.get(key, 0) for key in keys}


def on_history_row(sender, instance: models.Model, history_instance: Any, **kwargs) -> None:
    """simple-history's `post_create_historical_record`: a save or delete through the ORM. An
    entry moved to another action or indicator (the admin allows it) moves the versions of where
    it was too, read from its previous history row."""
    written: list[Any] = [instance]
    if history_instance.history_type == "~" and type(instance) in (ActionUpdate, *PER_INDICATOR):
        previous = history_instance.prev_record
        if previous is not None:
            written.append(previous)
    note_writes(type(instance), written)


def on_m2m_change(sender, instance: models.Model, action: str, **kwargs) -> None:
    """A committee's services changed (`m2m_changed`): every scope built from them may change."""
    if action.startswith("post_"):
        bump([EVERYTHING])


SHOWN_NAME_FIELDS = frozenset({"first_name", "last_name", "username"})


def on_user_saved(sender, instance: models.Model, created: bool, update_fields=None, **kwargs) -> None:
    """A person's name is shown as the owner on every page (`post_save` of the user model): a save
    that may change it moves "all". Signing in saves only `last_login`, which pages do not show."""
    if not created and (update_fields is None or SHOWN_NAME_FIELDS & set(update_fields)):
        bump([EVERYTHING])


def on_user_deleted(sender, instance: models.Model, **kwargs) -> None:
    """A person deleted (`post_delete` of the user model): their actions and measures lose their
    owner by an SQL update (SET_NULL) that leaves no history row, so their name leaves every page."""
    bump([EVERYTHING])
