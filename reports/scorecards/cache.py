"""Caching rendered scorecards safely, block by block.

A scorecard depends only on the data it reads, never on who is looking. Every write to that data
moves a data version (`indicators.versions`): "plan:<id>" for a plan's updates, values, targets
and exception reports; "all" for everything else a scorecard shows (plans, actions, indicators,
outcomes, services, committees, rounds, status words, issued reports). So:

- a page (scope, period, filters: `page_key`) is cached with the versions it was built from
  (one query reads the current ones: `scope_versions`), and served while they still hold;
- beside it, each plan's block with its share of the summaries, stamped with its plan's version
  and "all" (`block_stamp`): when versions move, only the blocks whose stamp no longer holds are
  built again (`page.scorecard_page`). The block of indicators in no plan of the scope depends
  on the versions of "all", "plan:none" and the plans outside the scope its indicators belong to.
  The worker keeps each block's rows, unfiltered, by the same stamp (`remember`), so another
  filtered view of the scope and period filters those rather than building them again.

One cache entry per page, not one per block: the database cache (used where there is no Redis)
costs a few queries per key written.

Entries are stored compressed: a council-wide scorecard is about 2 MB of HTML, which zlib's
fastest level makes about a tenth of that in a few milliseconds.

Each worker process also keeps what it last served (`recall`, `remember`), keyed on the data
versions it was built from, so a warm page costs neither the shared cache's query nor unpacking
the entry: the versions are read for every request, and what they name never changes.
"""

from __future__ import annotations

import hashlib
import pickle
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from indicators.models import DataVersion
from indicators.versions import EVERYTHING, NO_PLAN, plan_key, versions

from .scope import Scope

TIMEOUT = 60 * 60
# What one worker keeps of the pages it served: about 25 council-wide scorecards.
RECENT_BYTES = 64 * 1024 * 1024
_recent: OrderedDict[str, tuple[int, float, Any]] = OrderedDict()  # size, when, value
_versions_sql: dict[str, tuple[str, tuple]] = {}  # by `Scope.ident`


def _plan_keys(ids_of_plans) -> Any:
    """`ids_of_plans` (a queryset with a `plan_key_id` annotation) as version keys, in SQL."""
    return ids_of_plans.annotate(version_key=Concat(Value("plan:"), Cast("plan_key_id", CharField()))).values(
        "version_key"
    )


def scope_versions(scope: Scope) -> dict[str, int]:
    """The versions a scorecard of `scope` depends on: "all", "plan:none" and those of the plans
    in scope and of its indicators' plans (one query; versions never moved are left out, as 0).
    Its SQL is compiled once per scope in each process: compiling took longer than running it."""
    compiled = _versions_sql.get(scope.ident) if scope.ident else None
    if compiled is None:
        compiled = _versions_query(scope).query.sql_with_params()
        if scope.ident:
            _versions_sql[scope.ident] = compiled
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return dict(cursor.fetchall())


def _versions_query(scope: Scope) -> QuerySet:
    plans = _plan_keys(scope.plans.order_by().annotate(plan_key_id=F("id")))
    indicator_plans = _plan_keys(
        scope.indicators.order_by().filter(plan__isnull=False).annotate(plan_key_id=F("plan_id"))
    )
    return DataVersion.objects.filter(
        Q(key__in=[EVERYTHING, NO_PLAN]) | Q(key__in=plans) | Q(key__in=indicator_plans)
    ).values_list("key", "version")


def version_text(versions: dict[str, int]) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(versions.items()))


def block_stamp(plan_id: int | None, versions: dict[str, int], scope_plan_ids: Iterable[int]) -> str:
    """What one block depends on: its plan's version and "all". The block of indicators in no
    plan of the scope (`plan_id` None) depends on "all", "plan:none" and the versions of the
    plans outside the scope that its indicators belong to (those of `versions` not in
    `scope_plan_ids`), so a change to a plan in scope leaves it standing."""
    if plan_id is not None:
        return f"{versions.get(EVERYTHING, 0)}:{versions.get(plan_key(plan_id), 0)}"
    inside = {plan_key(i) for i in scope_plan_ids}
    return version_text({key: value for key, value in versions.items() if key not in inside})


def page_key(parts: Iterable[str]) -> str:
    """The cache key of one scorecard page (scope, period, filters); its entry says which
    versions it was built from."""
    # The version of what a page entry holds, so that a release never serves one made by another:
    # "2": pieces compressed as joinable deflate (`deflate.squeeze`); "3": "Only red and amber"
    # asks for actions too; "4": tolerances and the reconciliation notice in new words.
    return "scorecard:4:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def pack(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)


def unpack(stored: Any) -> Any:
    """What `pack` stored (anything else, e.g. from an older release, is taken as it is)."""
    if isinstance(stored, bytes):
        return pickle.loads(zlib.decompress(stored))  # noqa: S301 - written by `pack` only
    return stored


def get(key: str) -> Any:
    stored = cache.get(key)
    return None if stored is None else unpack(stored)


def put(key: str, value: Any, *, compress: bool = True) -> None:
    """Store `value` (compressed, unless its large parts already are)."""
    cache.set(key, pack(value) if compress else value, TIMEOUT)


def recall(key: str) -> Any:
    """What this process `remember`ed under `key` (which must name the versions it was built
    from) within `TIMEOUT`, as the shared cache would have it, or None."""
    found = _recent.get(key)
    if found is None or time.monotonic() - found[1] > TIMEOUT:
        return None
    _recent.move_to_end(key)
    return found[2]


def remember(key: str, value: Any, size: int) -> None:
    """Keep `value` (about `size` bytes) in this process, forgetting the least recently used
    beyond `RECENT_BYTES`."""
    _recent[key] = (size, time.monotonic(), value)
    _recent.move_to_end(key)
    total = sum(kept for kept, _, _ in _recent.values())
    while total > RECENT_BYTES and len(_recent) > 1:
        total -= _recent.popitem(last=False)[1][0]


def forget_recent() -> None:
    """Forget what this process kept (the tests roll the database back, and versions with it)."""
    _recent.clear()


def cached_on(name: str, keys: list[str], build: Callable[[], Any], *, size: Callable[[Any], int]) -> Any:
    """`build()`'s result, cached under `name` and the current values of the data versions
    `keys` (one query to read them): built again whenever one of them moves. This process keeps
    it too (`remember`), at the `size` its result is said to have."""
    current = versions(keys)
    # "2": moved on with what the pages keep (the timeline's figure changes), so that a release
    # never serves markup another made.
    key = "cached:2:" + hashlib.sha256(f"{name}|{version_text(current)}".encode()).hexdigest()
    found = recall(key)
    if found is not None:
        return found
    found = get(key)
    if found is None:
        found = build()
        put(key, found)
    remember(key, found, size(found))
    return found
