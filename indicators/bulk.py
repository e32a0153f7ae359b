"""Writing many rows at once, each with its audit-history row.

Imports write tens of thousands of rows. Django's `bulk_create`/`bulk_update` spend most of
their time preparing every field of every row in Python and, for updates, building one large
CASE expression; on PostgreSQL we stream the rows with COPY instead (new rows take their ids
from the table's sequence first, so their history rows can name them) and update changed rows
from a temporary table. Other databases (SQLite for a first run) use django-simple-history's
bulk helpers. Either way every written row gets exactly one history row, with the user and the
reason, as a save through the ORM would.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .fields import PeriodField
from .periods import Period
from .versions import note_writes

CREATED, CHANGED = "+", "~"
ANALYZE_FROM = 10_000


def write_with_history(
    model: type[models.Model],
    new: Sequence[models.Model],
    changed: Sequence[models.Model],
    changed_fields: Sequence[str],
    user: Any,
    reason: str,
) -> None:
    """Insert `new`, update `changed_fields` of `changed`, and record one history row for each
    (and move the data versions they belong to, `versions.note_writes`, as a save would)."""
    if connection.vendor != "postgresql":
        if new:
            bulk_create_with_history(new, model, batch_size=2000, default_user=user, default_change_reason=reason)
        if changed:
            bulk_update_with_history(
                changed, model, list(changed_fields), batch_size=2000, default_user=user, default_change_reason=reason
            )
        note_writes(model, [*new, *changed])  # after the rows: a reader never pairs new versions with old rows
        return
    now = timezone.now()
    for obj in [*new, *changed]:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or (getattr(field, "auto_now_add", False) and obj.pk is None):
                setattr(obj, field.attname, now)
    if new:
        _assign_ids(model, new)
        _copy(model._meta.db_table, model._meta.concrete_fields, new)
    if changed:
        touched = [*changed_fields, *(f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False))]
        _update_from_copy(model, [model._meta.get_field(name) for name in dict.fromkeys(touched)], changed)
    _copy_history(model, new, CREATED, user, reason, now)
    _copy_history(model, changed, CHANGED, user, reason, now)
    note_writes(model, [*new, *changed])
    if len(new) + len(changed) >= ANALYZE_FROM:
        # Fresh planner statistics, so the scorecards' next queries are planned for the new size
        # rather than waiting for autovacuum. (The history table is read one record at a time,
        # by its indexes: autovacuum's statistics serve it.)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _assign_ids(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False


def _copy(table: str, fields: Sequence[models.Field], objs: Sequence[models.Model], **fixed: Any) -> None:
    """COPY the rows into `table`; `fixed` gives columns with one value for every row.

    Converted a column at a time (one converter call per value, no per-row generator): for
    100,000 rows of a dozen columns this is most of the write's Python time."""
    columns_text = [list(map(_converter(field), map(attrgetter(field.attname), objs))) for field in fields]
    columns_text.extend([_text(value)] * len(objs) for value in fixed.values())
    buffer = io.StringIO()
    if objs:
        buffer.write("\n".join(map("\t".join, zip(*columns_text, strict=True))))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(c) for c in [*(f.column for f in fields), *fixed])
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", buffer)


def _update_from_copy(model: type[models.Model], fields: Sequence[models.Field], objs: Sequence[models.Model]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    staging = connection.ops.quote_name(f"staging_{model._meta.db_table}")
    pk = model._meta.pk
    column_list = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        # Same column types, none of the table's constraints: only the changed columns are given.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 - names from the model
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
    _copy(f"staging_{model._meta.db_table}", [pk, *fields], objs)
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = staging.{connection.ops.quote_name(f.column)}" for f in fields
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} AS staging "  # noqa: S608 - names from the model
            f"WHERE {table}.{connection.ops.quote_name(pk.column)} = staging.{connection.ops.quote_name(pk.column)}"
        )


def _copy_history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    history_type: str,
    user: Any,
    reason: str,
    when: datetime.datetime,
) -> None:
    """One history row per written row, copied inside the database from the rows as they now
    stand (just inserted or updated): nothing goes through Python a second time."""
    if not objs:
        return
    history = model.history.model
    # The historical model copies the tracked model's fields under the same column names.
    tracked = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in tracked)
    extra = ", ".join(quote(c) for c in ("history_date", "history_change_reason", "history_type", "history_user_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {extra}) "  # noqa: S608 - names from the model
            f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = ANY(%s)",
            [when, reason, history_type, user.pk if user is not None else None, [obj.pk for obj in objs]],
        )


def _converter(field: models.Field) -> Callable[[Any], str]:
    if isinstance(field, PeriodField):
        return lambda value: r"\N" if value is None else (value.key if isinstance(value, Period) else _text(value))
    if isinstance(field, models.DateTimeField):
        # An import stamps every row with the same moment: convert each distinct one once.
        return functools.cache(lambda value: r"\N" if value is None else value.isoformat())
    return _text


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal, float)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Period):
        return value.key
    return str(value).translate(_ESCAPES)
