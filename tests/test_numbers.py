"""Table-driven tests for the number rules in indicators/numbers.py: a value from numerator and denominator."""

from decimal import Decimal as D

import pytest

from indicators.numbers import NumberError, unit_scale, value_from_ratio


@pytest.mark.parametrize(
    ("numerator", "denominator", "unit", "places", "expected"),
    [
        # a percentage is per hundred
        (D(39), D(150), "%", 1, D("26.00")),
        (D(42), D(424), "%", 1, D("9.91")),
        (D(1), D(3), "%", 0, D("33.33")),  # at least two places are kept
        (D(1), D(3), "%", 3, D("33.333")),  # more when the indicator shows more
        (D(150), D(150), "%", 0, D("100.00")),
        # a count or any other unit is the plain ratio
        (D(39), D(150), "", 2, D("0.26")),
        (D(300), D(4), "days", 0, D("75.00")),
        (D(39), D(150), "children", 0, D("0.26")),
        # a rate per so many
        (D(12), D(3400), "per 1,000", 1, D("3.53")),
        (D(12), D(3400), "per 1000 population", 1, D("3.53")),
        (D(7), D(35000), "per 100,000", 0, D("20.00")),
        (D(0), D(150), "%", 1, D("0.00")),
        # missing parts: there is no value to work out
        (None, D(150), "%", 1, None),
        (D(39), None, "%", 1, None),
        (None, None, "%", 1, None),
    ],
)
def test_value_from_ratio(numerator, denominator, unit, places, expected):
    assert value_from_ratio(numerator, denominator, unit, places) == expected
    if expected is not None:
        assert str(value_from_ratio(numerator, denominator, unit, places)) == str(expected)  # the places kept


@pytest.mark.parametrize(("numerator", "unit"), [(D(39), "%"), (None, "%"), (D(5), "children")])
def test_a_zero_denominator_is_refused(numerator, unit):
    with pytest.raises(NumberError, match="The denominator cannot be zero."):
        value_from_ratio(numerator, D(0), unit)


@pytest.mark.parametrize(
    ("unit", "scale"),
    [
        ("%", 100),
        (" % ", 100),
        ("per 1,000", 1000),
        ("Per 10,000 households", 10000),
        ("per 100000", 100000),
        ("", 1),
        ("children", 1),
        ("days", 1),
        ("per cent", 1),  # written out, not a number: the plain ratio
        ("£", 1),
    ],
)
def test_unit_scale(unit, scale):
    assert unit_scale(unit) == scale
