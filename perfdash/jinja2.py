"""The Jinja2 environment for our pages and PDFs: `static`, `url` and our formatting filters."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from jinja2 import Environment

from indicators.periods import Period
from indicators.permissions import user_roles
from perfdash.sso import sign_in_options
from reports.presentation.arrows import direction_glyph, trend_glyph, trend_tone
from reports.presentation.colours import print_palette_css
from reports.presentation.numbers import NO_FIGURE, format_number, plain_number, plural, tolerance_text
from reports.presentation.status import (
    OUTLOOK_STATUS_CODES,
    RISK_BAND_STATUS_CODES,
    SHAPES,
    action_badge_html,
    indicator_status_cells,
    print_icon_css,
    progress_bar_html,
    status_icon,
    status_tone,
)
from reports.presentation.svg import sparkline_alt, sparkline_image


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


_SENTINEL = 987654321


@functools.lru_cache(maxsize=64)
def _url_template(name: str) -> tuple[str, str]:
    prefix, _, suffix = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return prefix, suffix


def url_for_id(name: str, pk: int) -> str:
    """`url(name, pk)` for a route taking one integer, without a full reverse() per row.

    Large tables link every row; reversing the route once and filling in the id is much faster.
    """
    return id_url(pk, name)


def id_url(pk: int, name: str, query: str = "") -> str:
    """`url_for_id` as a filter, with an optional query string: `{{ row.id|id_url("reports:action") }}`.

    Jinja calls a filter directly, where a global function goes through `context.call`: in a
    table of thousands of rows that is worth having."""
    prefix, suffix = _url_template(name)
    return f"{prefix}{int(pk)}{suffix}{query}"


def format_date(value: dt.date | dt.datetime | None, style: str = "short") -> str:
    """Dates as UK committee papers write them: "31 Mar 2023" (or "31 March 2023")."""
    if value is None:
        return ""
    if type(value) is dt.date:
        return _day_text(value, style)
    return _date_text(value, style)


def _date_text(value: dt.date | dt.datetime, style: str) -> str:
    fmt = "%d %B %Y" if style == "long" else "%d %b %Y"
    return value.strftime(fmt).lstrip("0")


@functools.lru_cache(maxsize=1024)
def _day_text(day: dt.date, style: str) -> str:
    """A day's text, made once: a large scorecard shows the same few due dates on hundreds of rows.
    (Only plain dates: equal aware datetimes in different zones would share an entry.)"""
    return _date_text(day, style)


def period_label(value: Period | str | None) -> str:
    if value is None:
        return ""
    return value.label if isinstance(value, Period) else Period.parse(value).label


def float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def as_typed(value: Any) -> str:
    """A field's value as a person would type it: figures without the database's trailing zeros
    (29.0000 -> "29", as `plain_number` writes them), anything else as text, nothing as "–"."""
    if value is None:
        return NO_FIGURE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return plain_number(value) if isinstance(value, Decimal) else str(value)


def combine(first: dict, second: dict) -> dict:
    return {**first, **second}


def environment(**options: Any) -> Environment:
    # Django's backend passes autoescape=True already; it is never to be turned off.
    options.pop("autoescape", None)
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(autoescape=True, **options)
    env.globals.update(
        {
            "static": staticfiles_storage.url,
            "url": url,
            "url_for_id": url_for_id,
            "status_icon": status_icon,
            "status_tone": status_tone,
            "print_icon_css": print_icon_css,
            "print_palette_css": print_palette_css,
            "ICON_CODES": frozenset(SHAPES),
            "OUTLOOK_STATUS_CODES": OUTLOOK_STATUS_CODES,
            "RISK_BAND_STATUS_CODES": RISK_BAND_STATUS_CODES,
            "trend_glyph": trend_glyph,
            "trend_tone": trend_tone,
            "direction_glyph": direction_glyph,
        }
    )
    env.globals.update(
        {
            "get_messages": get_messages,
            "user_roles": user_roles,
            "sparkline_image": sparkline_image,
            "sign_in_options": sign_in_options,
            "sparkline_alt": sparkline_alt,
        }
    )
    env.filters.update(
        {
            "number": format_number,
            "tolerance": tolerance_text,
            "date": format_date,
            "period": period_label,
            "combine": combine,
            "float_or_none": float_or_none,
            "plural": plural,
            "as_typed": as_typed,
            # For the scorecard's thousands of rows: links, and the web macros' markup made once per
            # status (`macros/status.html`). Filters rather than globals: Jinja calls a filter
            # directly, a global function through `context.call`.
            "id_url": id_url,
            "action_badge_html": action_badge_html,
            "progress_bar_html": progress_bar_html,
            "indicator_status_cells": indicator_status_cells,
        }
    )
    return env
