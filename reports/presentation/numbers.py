"""Figures as people read them ("1,234.5", "41.8%") and as spreadsheets store them ("1234.5")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NO_FIGURE = "–"


def format_number(value: Decimal | int | float | None, places: int = 0, unit: str = "") -> str:
    """1234.5 -> "1,234.5"; with unit "%" -> "41.8%"; other units follow after a space; None -> "–"."""
    if value is None:
        return NO_FIGURE
    number = shown_value(value, places)
    text = f"{number:,.{places}f}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def shown_value(value: Decimal | int | float, places: int = 0) -> Decimal:
    """The figure as pages and PDFs show it: rounded to `places` decimal places, half up (41.75 -> 41.8)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain_number(value: Decimal | None) -> str:
    """A figure as exports write it: every significant digit, no grouping, no unit ("" for none),
    so an exported scorecard can be imported again."""
    return "" if value is None else format(value.normalize(), "f")
