import datetime as dt

import pytest

from indicators.periods import Frequency, Period, PeriodError

Q, H, M, FY = Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.MONTHLY, Frequency.ANNUAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q2 2022/23", Period(2022, Q, 2)),
        ("2022/23 Q2", Period(2022, Q, 2)),
        ("Quarter 2 2022-23", Period(2022, Q, 2)),
        ("q4 2022/2023", Period(2022, Q, 4)),
        ("  Q1   2020/21 ", Period(2020, Q, 1)),
        ("H1 2022/23", Period(2022, H, 1)),
        ("Half year 2 2017/18", Period(2017, H, 2)),
        ("2022/23", Period(2022, FY, 1)),
        ("2022-2023", Period(2022, FY, 1)),
        ("FY 2022/23", Period(2022, FY, 1)),
        ("2008-09", Period(2008, FY, 1)),
        ("Sep 2022", Period(2022, M, 6)),
        ("September 2022", Period(2022, M, 6)),
        ("Sept 2022", Period(2022, M, 6)),  # as British spreadsheets often write it
        ("2022-09", Period(2022, M, 6)),
        ("Jan 2023", Period(2022, M, 10)),
        ("Mar 2023", Period(2022, M, 12)),
        ("Apr 2022", Period(2022, M, 1)),
        ("2022/23-Q2", Period(2022, Q, 2)),
        ("2022/23-M06", Period(2022, M, 6)),
        ("2022/23-FY", Period(2022, FY, 1)),
        ("2022/23 – Q3", Period(2022, Q, 3)),
    ],
)
def test_parse(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Q5 2022/23", "Q2 2022/24", "H3 2022/23", "sometime", "2022", "Smarch 2022", "M13 2022/23"]
)
def test_parse_rejects_with_a_message(text):
    with pytest.raises(PeriodError) as error:
        Period.parse(text)
    assert str(error.value)


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "key"),
    [
        (Period(2022, Q, 1), dt.date(2022, 4, 1), dt.date(2022, 6, 30), "Q1 2022/23", "2022/23-Q1"),
        (Period(2022, Q, 2), dt.date(2022, 7, 1), dt.date(2022, 9, 30), "Q2 2022/23", "2022/23-Q2"),
        (Period(2022, Q, 3), dt.date(2022, 10, 1), dt.date(2022, 12, 31), "Q3 2022/23", "2022/23-Q3"),
        (Period(2022, Q, 4), dt.date(2023, 1, 1), dt.date(2023, 3, 31), "Q4 2022/23", "2022/23-Q4"),
        (Period(2022, H, 1), dt.date(2022, 4, 1), dt.date(2022, 9, 30), "H1 2022/23", "2022/23-H1"),
        (Period(2022, H, 2), dt.date(2022, 10, 1), dt.date(2023, 3, 31), "H2 2022/23", "2022/23-H2"),
        (Period(2022, FY, 1), dt.date(2022, 4, 1), dt.date(2023, 3, 31), "2022/23", "2022/23-FY"),
        (Period(2022, M, 11), dt.date(2023, 2, 1), dt.date(2023, 2, 28), "Feb 2023", "2022/23-M11"),
        (Period(2023, M, 11), dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Feb 2024", "2023/24-M11"),
        (Period(1999, Q, 4), dt.date(2000, 1, 1), dt.date(2000, 3, 31), "Q4 1999/00", "1999/00-Q4"),
    ],
)
def test_dates_labels_and_keys(period, start, end, label, key):
    assert (period.start, period.end, period.label, period.key) == (start, end, label, key)
    assert Period.parse(period.key) == period
    assert Period.parse(period.label) == period


def test_long_labels():
    assert Period(2022, Q, 2).long_label == "Quarter 2 2022/23 (July to September 2022)"
    assert Period(2022, H, 2).long_label == "Half year 2 2022/23 (October 2022 to March 2023)"
    assert Period(2022, FY, 1).long_label == "Financial year 2022/23 (April 2022 to March 2023)"


@pytest.mark.parametrize(
    ("period", "previous", "last_year"),
    [
        (Period(2022, Q, 2), Period(2022, Q, 1), Period(2021, Q, 2)),
        (Period(2022, Q, 1), Period(2021, Q, 4), Period(2021, Q, 1)),
        (Period(2022, H, 1), Period(2021, H, 2), Period(2021, H, 1)),
        (Period(2022, M, 1), Period(2021, M, 12), Period(2021, M, 1)),
        (Period(2022, FY, 1), Period(2021, FY, 1), Period(2021, FY, 1)),
    ],
)
def test_previous_and_same_period_last_year(period, previous, last_year):
    assert period.previous() == previous
    assert previous.next() == period
    assert period.same_period_last_year() == last_year


@pytest.mark.parametrize(
    ("day", "frequency", "expected"),
    [
        (dt.date(2022, 4, 1), Q, Period(2022, Q, 1)),
        (dt.date(2022, 3, 31), Q, Period(2021, Q, 4)),
        (dt.date(2022, 9, 30), H, Period(2022, H, 1)),
        (dt.date(2022, 10, 1), H, Period(2022, H, 2)),
        (dt.date(2023, 1, 15), FY, Period(2022, FY, 1)),
        (dt.date(2023, 1, 15), M, Period(2022, M, 10)),
    ],
)
def test_containing(day, frequency, expected):
    assert Period.containing(day, frequency) == expected
    assert expected.contains(day)


@pytest.mark.parametrize(
    ("period", "frequency", "expected"),
    [
        (Period(2022, Q, 2), H, Period(2022, H, 1)),
        (Period(2022, Q, 2), M, Period(2022, M, 6)),
        (Period(2022, Q, 2), FY, None),
        (Period(2022, Q, 1), H, None),
        (Period(2022, Q, 4), FY, Period(2022, FY, 1)),
        (Period(2022, H, 1), Q, Period(2022, Q, 2)),
    ],
)
def test_as_frequency(period, frequency, expected):
    assert period.as_frequency(frequency) == expected


def test_year_to_date_and_subperiods():
    assert Period(2022, Q, 3).year_to_date() == [Period(2022, Q, 1), Period(2022, Q, 2), Period(2022, Q, 3)]
    assert Period(2022, Q, 2).subperiods(M) == [Period(2022, M, 4), Period(2022, M, 5), Period(2022, M, 6)]
    with pytest.raises(PeriodError):
        Period(2022, Q, 2).subperiods(FY)


def test_ordering_and_invalid_index():
    assert Period(2022, Q, 1) < Period(2022, Q, 2) < Period(2023, Q, 1)
    assert sorted([Period(2022, Q, 4), Period(2021, Q, 4), Period(2022, Q, 1)])[0] == Period(2021, Q, 4)
    with pytest.raises(PeriodError):
        Period(2022, Q, 5)


def test_periods_are_equal_and_hash_alike_exactly_when_they_are_the_same_period():
    every = [Period(year, frequency, index) for year in (1900, 2022, 2023, 2200) for frequency in Frequency
             for index in range(1, frequency.per_year + 1)]  # fmt: skip
    assert len({hash(p) for p in every}) == len(every)
    for period in every:
        twin = Period(period.year, period.frequency, period.index)
        assert twin == period and hash(twin) == hash(period) and (twin != period) is False
        assert {period: "found"}[twin] == "found"
        assert period != period.key and period != (period.year, period.frequency, period.index)
    assert Period(2022, Q, 2) != Period(2022, H, 2) != Period(2022, M, 2)


def test_frequencies_know_their_months():
    assert [f.months for f in Frequency] == [1, 3, 6, 12] and [f.per_year for f in Frequency] == [12, 4, 2, 1]
    assert Frequency("quarterly") is Q and Frequency["ANNUAL"] is FY
    with pytest.raises(ValueError):
        Frequency("weekly")
