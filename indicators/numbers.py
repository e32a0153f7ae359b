"""Numbers as officers type them: "1,234", "41.8%", " 12 ", "-3.5", "−3.5"."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# How figures are stored (every figure field: `models.indicators.NUMBER`): 16 digits, 4 after the
# point, so a stored figure is less than 10^12 in size.
MAX_DIGITS, DECIMAL_PLACES = 16, 4
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
# SQLite keeps figures as floats, read back to 15 significant digits: the last half-thousandth
# below 10^12 would come back as 10^12, which no longer fits. So figures stop just short of it.
LARGEST = LIMIT - Decimal("0.0005")

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NumberError(ValueError):
    pass


def parse_number(text: str | None) -> Decimal | None:
    """A Decimal from what an officer typed, or None for an empty box.

    Thousands separators must be in the right places ("1,234" but not "12,34"); a trailing "%"
    and spaces around are ignored.
    """
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if cleaned == "":
        return None
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _PLAIN.match(cleaned):
        raise NumberError(f'"{str(text).strip()}" is not a number. Type a number such as 1,234 or 41.8%.')
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid decimals
        raise NumberError(f'"{text}" is not a number.') from error


def percent_sign_problem(text: str | None, unit: str) -> str | None:
    """Why a figure typed with a "%" does not suit a measure in `unit` (None if it does): "45%"
    for a count of children is a slip, not 45 children. A measure in % may be typed either way, and
    one with no unit set could be anything, so it is not asked."""
    if text is None or not str(text).strip().endswith("%") or unit.strip() in ("%", ""):
        return None
    return f'"{str(text).strip()}" has a % sign, but this measure is counted in {unit.strip()}: type the number alone.'


def storable(number: Decimal) -> Decimal:
    """`number` as it will be stored: with more than four decimal places it is rounded to four
    (half up: a spreadsheet's 41.833333333333336 is 41.8333), and it must be smaller than 10^12 in size
    (`LARGEST`: a hair under).

    Forms and imports pass every figure through here, so what a preview or a form shows is what
    is saved, and saving never fails on a figure that was accepted.
    """
    rounded = number
    if abs(number) < LIMIT and number.as_tuple().exponent < -DECIMAL_PLACES:  # type: ignore[operator]
        rounded = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding=ROUND_HALF_UP)
    if abs(rounded) >= LARGEST:
        raise NumberError(f"{number:,f} is too large: a figure must be smaller than {LIMIT:,}.")
    return rounded


_PER = re.compile(r"^per\s+(\d{1,3}(?:,\d{3})+|\d+)\b", re.IGNORECASE)


def unit_scale(unit: str) -> Decimal:
    """What a numerator/denominator ratio is multiplied by to be in the indicator's unit.

    "%" is per hundred; a rate "per 1,000" (or "per 100,000 population") is per that number;
    any other unit ("children", "days", "") is the plain ratio.
    """
    unit = unit.strip()
    if unit == "%":
        return Decimal(100)
    per = _PER.match(unit)
    return Decimal(per.group(1).replace(",", "")) if per else Decimal(1)


def value_from_ratio(
    numerator: Decimal | None, denominator: Decimal | None, unit: str, decimal_places: int = 0
) -> Decimal | None:
    """The value an officer means by a numerator and denominator: 39 of 150 for a "%" indicator is 26.

    None when either part is missing (the value is then typed, or not available). The division is
    kept to the indicator's decimal places, and at least two, so a figure rounds to what is shown
    without storing the long tail of the division. Both the update form and the values import work
    values out here, so the same figures give the same value whichever way they arrive.
    """
    if denominator is not None and denominator == 0:
        raise NumberError("The denominator cannot be zero.")
    if numerator is None or denominator is None:
        return None
    ratio = numerator / denominator * unit_scale(unit)
    if abs(ratio) >= LARGEST:
        raise NumberError(f"The value worked out from {numerator:,f} ÷ {denominator:,f} is too large to store.")
    return ratio.quantize(Decimal(1).scaleb(-max(decimal_places, 2)), rounding=ROUND_HALF_UP)


def missing_ratio_part(numerator: Decimal | None, denominator: Decimal | None) -> str | None:
    """ "numerator" or "denominator" when only the other is given (a ratio needs both), else None."""
    if (numerator is None) == (denominator is None):
        return None
    return "denominator" if denominator is None else "numerator"


class FiguresDisagree(NumberError):
    """A value given beside a numerator and denominator that work out to a different figure."""


def reconciled_value(
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    unit: str,
    decimal_places: int = 0,
) -> Decimal | None:
    """The value to store from what an officer gave: a value, a numerator and denominator, or both.

    With both, they must be shown the same, rounded half up to the indicator's decimal places as
    pages and papers show them (9.9 beside 42 ÷ 424, which is 9.906, agrees); the division, more
    exact, is stored. A value that disagrees is refused with
    `FiguresDisagree` rather than either silently winning: the update form and the values import
    both ask here, so a correction typed over a stored ratio is never replaced by the ratio, and a
    file's 30 beside 10 ÷ 40 is never stored as either.
    """
    from_ratio = value_from_ratio(numerator, denominator, unit, decimal_places)
    if from_ratio is None or value is None:
        return value if from_ratio is None else from_ratio
    place = Decimal(1).scaleb(-decimal_places)
    typed = value.quantize(place, rounding=ROUND_HALF_UP)
    # The division rounded once (9.495 is 9), or as stored and then shown (9.50, shown as 10):
    # a value typed as either is the figure the ratio gives.
    exact = (numerator / denominator * unit_scale(unit)).quantize(place, rounding=ROUND_HALF_UP)
    shown = from_ratio.quantize(place, rounding=ROUND_HALF_UP)
    if typed not in (exact, shown):
        raise FiguresDisagree(
            f"The value {value:,f} does not match the numerator and denominator, which give {exact:,f} "
            f"({numerator:,f} ÷ {denominator:,f}). Correct one of them, or leave the value empty to have "
            "it worked out, or clear the numerator and denominator to keep the value."
        )
    return from_ratio


def agrees_with_ratio(
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    unit: str,
    decimal_places: int = 0,
) -> bool:
    """Whether `value`, given where its stored numerator and denominator are not shown (the page
    of all values, an import without those columns), is the figure they give (`reconciled_value`'s
    rule). If so, they and the stored value, more exact, stay; if not, the value was changed and
    no longer comes from them, so they go."""
    if value is None or numerator is None or denominator is None:
        return False
    try:
        reconciled_value(value, numerator, denominator, unit, decimal_places)
    except NumberError:
        return False
    return True


def counted_in_whole_numbers(places: int, unit: str) -> bool:
    """Whether an indicator's figures are whole numbers: no decimal places, and a unit that counts things."""
    return places == 0 and bool(unit.strip()) and unit_scale(unit) == 1


def check_decimal_places(number: Decimal, places: int, unit: str = "") -> Decimal:
    """`number` as an indicator with `places` decimal places (`Indicator.decimal_places`) and `unit` takes it.

    A count (no decimal places and a counted unit: children, households, days) refuses a fraction:
    1234.5 is a typing slip there, and rounding it would store a figure nobody typed. Percentages
    and rates ("%", "per 1,000": `unit_scale`) are ratios, not counts, and an indicator without a
    unit says nothing of what it counts: like indicators with decimal places they keep finer
    figures as typed (to the four places `storable` keeps), which pages show rounded to their
    places. Forms, the bulk page and imports all check here.
    """
    if counted_in_whole_numbers(places, unit) and number != number.to_integral_value():
        raise NumberError(
            f"{number:,f} is not a whole number. This indicator is counted in whole numbers: "
            f"enter, for example, {number.quantize(Decimal(1), rounding=ROUND_HALF_UP):,f}."
        )
    return number


def typed_figure(value: Decimal, places: int = 0) -> str:
    """A stored figure as it goes back into a form's box: with the indicator's decimal places,
    not the four the database keeps (1234.0000 -> "1234", 41.8000 -> "41.8" for one place), and
    never fewer digits than are stored (41.8333 stays "41.8333"), so saving again changes nothing."""
    exact = value.quantize(Decimal(1).scaleb(-places))
    return format(exact if exact == value else value.normalize(), "f")
