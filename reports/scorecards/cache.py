"""Caching rendered scorecards safely.

A scorecard depends only on the data it reads, never on who is looking. Every change to that data
(a saved, submitted, approved or returned update; a new target; an edited plan; a round opened or
locked; a report issued or withdrawn, which moves the "revised since" marks) writes an audit history row, so the highest
history id of each table it reads is a version of the data: when any of them moves, the cache
key changes and the scorecard is built afresh. One query.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib

from django.core.cache import cache
from django.db import connection

from indicators.models import (
    Action,
    ActionUpdate,
    Committee,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReportingRound,
    Service,
    StatusWording,
    Target,
)
from reports.models import IssuedReport

SOURCES = [
    Action, ActionUpdate, Committee, ExceptionReport, Indicator, IndicatorValue, Outcome, Plan, Service, Target,
    IssuedReport, ReportingRound,  # rounds: the period picker offers, and may open on, an open round
    StatusWording,
]  # fmt: skip
TIMEOUT = 60 * 60


def data_version() -> str:
    tables = [model.history.model._meta.db_table for model in SOURCES]
    # Table names come from our own models, never from input.
    columns = ", ".join(f"(SELECT MAX(history_id) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # noqa: S608
        row = cursor.fetchone()
    return "-".join(str(v or 0) for v in row)


def cached(parts: list[str], build):
    """`build()`'s result, cached under `parts` and the current data version.

    Stored compressed: a council-wide scorecard is about 2 MB of HTML, which zlib's fastest level
    makes about a tenth of that in a few milliseconds, and the cache (Redis or the database) then
    moves a tenth of the bytes on every read and write."""
    raw = "|".join([*parts, data_version()])
    key = "scorecard:" + hashlib.sha256(raw.encode()).hexdigest()
    stored = cache.get(key)
    if stored is not None:
        return pickle.loads(zlib.decompress(stored))  # noqa: S301 - written by this function only
    found = build()
    cache.set(key, zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL), 1), TIMEOUT)
    return found
