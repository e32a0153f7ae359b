"""Table-driven tests for the number rules in indicators/numbers.py: a value from numerator and denominator."""

from decimal import Decimal as D

import pytest

from indicators.numbers import (
    FiguresDisagree,
    NumberError,
    agrees_with_ratio,
    check_decimal_places,
    missing_ratio_part,
    percent_sign_problem,
    reconciled_value,
    storable,
    typed_figure,
    unit_scale,
    value_from_ratio,
)


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
        (D(1), D(8), "", 2, D("0.13")),  # half up, as every page rounds (not half to even: 0.12)
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
    ("value", "numerator", "denominator", "unit", "places", "expected"),
    [
        (D("9.9"), None, None, "%", 1, D("9.9")),  # a value alone
        (None, D(42), D(424), "%", 1, D("9.91")),  # a ratio alone is worked out
        (None, None, None, "%", 1, None),  # nothing given
        (D("9.9"), D(42), D(424), "%", 1, D("9.91")),  # agree to the place shown: the division is kept
        (D("9.94"), D(42), D(424), "%", 1, D("9.91")),  # both shown as 9.9
        (D(26), D(39), D(150), "%", 0, D("26.00")),
        (D("26.4"), D(39), D(150), "%", 0, D("26.00")),  # shown as 26 either way
        (D(75), D(300), D(4), "days", 0, D("75.00")),
        (D("3.5"), D(12), D(3400), "per 1,000", 1, D("3.53")),
        (D("0.3"), D(1), D(4), "", 1, D("0.25")),  # 0.25 and 0.3 are both 0.3 to one place
        (D(12), D(5), None, "%", 0, D(12)),  # a lone part: `missing_ratio_part`, asked by form and import
        (D("0.13"), D(1), D(8), "", 2, D("0.13")),  # 0.125, half up as pages show it: not "give 0.12"
        (D(9), D(1899), D(20000), "%", 0, D("9.50")),  # 9.495% is 9 rounded once...
        (D(10), D(1899), D(20000), "%", 0, D("9.50")),  # ...and 10 as stored (9.50) and shown
    ],
)
def test_reconciled_value(value, numerator, denominator, unit, places, expected):
    assert reconciled_value(value, numerator, denominator, unit, places) == expected


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "unit", "places", "message"),
    [
        # the correction the ratio once silently replaced
        (D("10.6"), D(42), D(424), "%", 1, r"The value 10.6 does not match the numerator and denominator, "
         r"which give 9.9 \(42 ÷ 424\)"),
        (D(30), D(10), D(40), "%", 0, r"The value 30 does not match .* which give 25 \(10 ÷ 40\)"),
        (D("9.95"), D(42), D(424), "%", 1, "does not match"),  # shown as 10.0 against 9.9
        (D(27), D(39), D(150), "%", 0, "does not match"),
        (D(1), D(1), D(4), "", 0, "does not match"),  # 0.25 of a count against 1
    ],
)  # fmt: skip
def test_a_value_that_disagrees_with_its_numerator_and_denominator_is_refused(
    value, numerator, denominator, unit, places, message
):
    with pytest.raises(FiguresDisagree, match=message):
        reconciled_value(value, numerator, denominator, unit, places)


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "agrees"),
    [
        (D("9.9"), D(42), D(424), True),  # the figure they give, as shown
        (D("9.91"), D(42), D(424), True),
        (D("12.5"), D(42), D(424), False),  # changed: the ratio no longer gives it
        (None, D(42), D(424), False),  # no value: nothing to keep it for
        (D("9.9"), None, None, False),  # no ratio stored
        (D("9.9"), D(42), D(0), False),
    ],
)
def test_agrees_with_ratio(value, numerator, denominator, agrees):
    assert agrees_with_ratio(value, numerator, denominator, "%", 1) is agrees


def test_a_zero_denominator_beside_a_value_is_still_refused():
    with pytest.raises(NumberError, match="The denominator cannot be zero."):
        reconciled_value(D(5), D(1), D(0), "%", 1)


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


@pytest.mark.parametrize(
    ("number", "stored"),
    [
        (D("26"), D("26")),  # kept as given
        (D("26.0000"), D("26.0000")),
        (D("41.833333333333336"), D("41.8333")),  # a spreadsheet's float: four places are stored
        (D("0.00005"), D("0.0001")),  # half up
        (D("-0.00005"), D("-0.0001")),
        (D("999999999999.999"), D("999999999999.999")),  # the largest SQLite reads back exactly
        (D("-999999999999.9994"), D("-999999999999.9994")),
    ],
)
def test_storable_rounds_to_four_places(number, stored):
    assert storable(number) == stored and str(storable(number)) == str(stored)


@pytest.mark.parametrize(
    "number",
    [
        D("1000000000000"),
        D("-1000000000000"),
        D("100000000000000000000"),
        D("1E+21"),
        D("999999999999.99995"),  # rounds up to 10^12
        D("999999999999.9995"),  # SQLite would read it back as 10^12
    ],
)
def test_storable_refuses_figures_of_ten_to_the_twelve_or_more(number):
    with pytest.raises(NumberError, match="is too large: a figure must be smaller than 1,000,000,000,000"):
        storable(number)


def test_a_ratio_too_large_to_store_is_refused():
    with pytest.raises(NumberError, match="too large to store"):
        value_from_ratio(D("999999999999"), D("0.001"), "%")


@pytest.mark.parametrize(
    ("number", "places", "unit", "refused"),
    [
        (D("1234.5"), 0, "children", True),  # a count cannot be half a child
        (D("1234"), 0, "children", False),
        (D("1234.0000"), 0, "households", False),  # as the database keeps a whole number
        (D("-3.25"), 0, "days", True),
        (D("41.8"), 0, "%", False),  # a percentage is a ratio: kept as typed, shown rounded
        (D("2.75"), 0, "per 1,000 population", False),
        (D("12.5"), 0, "", False),  # no unit: nothing says it is a count
        (D("1234.5"), 1, "children", False),  # the indicator has a decimal place
        (D("41.8333"), 1, "%", False),
    ],
)
def test_whole_number_indicators_refuse_fractions(number, places, unit, refused):
    if refused:
        with pytest.raises(NumberError, match="is not a whole number"):
            check_decimal_places(number, places, unit)
    else:
        assert check_decimal_places(number, places, unit) == number


def test_the_refusal_says_what_to_type_instead():
    with pytest.raises(NumberError) as error:
        check_decimal_places(D("1234.5"), 0, "children")
    assert str(error.value) == (
        "1,234.5 is not a whole number. This indicator is counted in whole numbers: enter, for example, 1,235."
    )


@pytest.mark.parametrize(
    ("stored", "places", "typed"),
    [
        (D("1234.0000"), 0, "1234"),
        (D("1234.5000"), 0, "1234.5"),  # never fewer digits than are stored
        (D("41.8000"), 1, "41.8"),
        (D("41.0000"), 1, "41.0"),
        (D("41.8333"), 1, "41.8333"),
        (D("1000.0000"), 0, "1000"),  # not "1E+3"
        (D("-0.5000"), 2, "-0.50"),
    ],
)
def test_stored_figures_go_back_into_a_box_with_the_indicators_places(stored, places, typed):
    assert typed_figure(stored, places) == typed


@pytest.mark.parametrize(
    ("numerator", "denominator", "missing"),
    [(D(5), None, "denominator"), (None, D(5), "numerator"), (D(5), D(6), None), (None, None, None)],
)
def test_missing_ratio_part(numerator, denominator, missing):
    assert missing_ratio_part(numerator, denominator) == missing


@pytest.mark.parametrize(
    ("text", "unit", "refused"),
    [
        ("45%", "children", True),  # a slip: not 45 children
        (" 3.5 % ".strip(), "per 1,000", True),
        ("45", "children", False),
        ("41.8%", "%", False),
        ("41.8", "%", False),
        ("41.8%", "", False),  # no unit set: it could be anything
        (None, "children", False),
    ],
)
def test_percent_sign_problem(text, unit, refused):
    assert (percent_sign_problem(text, unit) is not None) is refused
