"""Figures as people read them ("1,234.5", "41.8%") and as spreadsheets store them ("1234.5")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NO_FIGURE = "–"
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(10)}  # what `shown_value` rounds to


def format_number(value: Decimal | int | float | None, places: int = 0, unit: str = "") -> str:
    """1234.5 -> "1,234.5"; with unit "%" -> "41.8%"; other units follow after a space; None -> "–"."""
    if value is None:
        return NO_FIGURE
    number = shown_value(value, places)
    text = f"{number:,.{places}f}"
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    return f"{text} {singular(unit) if number == 1 else unit}"


def tolerance_text(tolerance: Decimal | None, tolerance_type: str, places: int = 0, unit: str = "") -> str:
    """A target's tolerance in words: "5% of the target" (percent), "5.0 points" (absolute, on a
    percentage: not 5% of the target), "3 days" (absolute, in the measure's unit), or "None"."""
    if not tolerance:
        return "None"
    if tolerance_type == "percent":
        return f"{format_number(tolerance, places)}% of the target"
    if unit.strip() == "%":
        return f"{format_number(tolerance, places)} {'point' if shown_value(tolerance, places) == 1 else 'points'}"
    return format_number(tolerance, places, unit)


def shown_value(value: Decimal | int | float, places: int = 0) -> Decimal:
    """The figure as pages and PDFs show it: rounded to `places` decimal places, half up (41.75 -> 41.8)."""
    # A Decimal is its own exact text; a large scorecard formats thousands of them.
    number = value if type(value) is Decimal else Decimal(str(value))
    return number.quantize(_QUANTA.get(places) or Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def singular(unit: str) -> str:
    """A counted unit for exactly one: "households" -> "household", "days" -> "day",
    "enquiries" -> "enquiry", "businesses" -> "business". Only a one-word plural ending in "s"
    changes; anything else ("per 1,000", "£", "hours per case") is kept as it is."""
    if " " in unit or not unit.isalpha() or not unit.endswith("s") or unit.endswith("ss") or len(unit) < 3:
        return unit
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    if unit.endswith(("sses", "xes", "ches", "shes")):
        return unit[:-2]
    return unit[:-1]


def plural(word: str, count: int, many: str = "") -> str:
    """`word` for `count` things: "risk" for 1, "risks" otherwise (or `many` when given)."""
    if count == 1:
        return word
    return many or word + "s"


def plain_number(value: Decimal | None) -> str:
    """A figure as exports write it: every significant digit, no grouping, no unit ("" for none),
    so an exported scorecard can be imported again."""
    return "" if value is None else format(value.normalize(), "f")
