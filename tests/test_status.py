"""Table-driven tests for every rule in indicators/status.py."""

import datetime as dt
from decimal import Decimal as D

import pytest

from indicators.periods import Frequency, Period
from indicators.status import (
    ActionStatus,
    Aggregation,
    AppliedTarget,
    Outlook,
    PartOfYear,
    Polarity,
    Rag,
    Target,
    ToleranceType,
    Trend,
    Weighted,
    action_status,
    applicable_target,
    expected_progress,
    indicator_status,
    is_finished,
    outlook,
    pro_rata_share,
    projected_year_end,
    reported_period,
    rollup_progress,
    rollup_status,
    trend,
    whole_percent,
)

HIGHER, LOWER, DATA = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.DATA_ONLY
ABS, PCT = ToleranceType.ABSOLUTE, ToleranceType.PERCENT


def target(value, tolerance="0", kind=ABS):
    return Target(D(value), D(tolerance), kind)


@pytest.mark.parametrize(
    ("value", "tgt", "polarity", "measured", "expected"),
    [
        # frequency: not measured this period wins over everything
        ("50", target("40"), HIGHER, False, Rag.NOT_MEASURED),
        # missing value
        (None, target("40"), HIGHER, True, Rag.MISSING),  # a local figure simply missing
        (None, None, DATA, True, Rag.MISSING),
        # data only, and no target
        ("50", target("40"), DATA, True, Rag.DATA_ONLY),
        ("50", None, HIGHER, True, Rag.DATA_ONLY),
        # higher is better
        ("40", target("40", "5"), HIGHER, True, Rag.GREEN),
        ("41", target("40", "5"), HIGHER, True, Rag.GREEN),
        ("36", target("40", "5"), HIGHER, True, Rag.AMBER),
        ("35", target("40", "5"), HIGHER, True, Rag.AMBER),  # exactly on the tolerance boundary
        ("34.9999", target("40", "5"), HIGHER, True, Rag.RED),
        ("39.99", target("40"), HIGHER, True, Rag.RED),  # no tolerance: any miss is red
        # lower is better
        ("20", target("20", "2"), LOWER, True, Rag.GREEN),
        ("15", target("20", "2"), LOWER, True, Rag.GREEN),
        ("22", target("20", "2"), LOWER, True, Rag.AMBER),  # boundary
        ("22.01", target("20", "2"), LOWER, True, Rag.RED),
        # percentage tolerance: 10% of 80 = 8
        ("72", target("80", "10", PCT), HIGHER, True, Rag.AMBER),
        ("71.9", target("80", "10", PCT), HIGHER, True, Rag.RED),
        ("88", target("80", "10", PCT), LOWER, True, Rag.AMBER),
        ("88.1", target("80", "10", PCT), LOWER, True, Rag.RED),
        # target zero
        ("0", target("0"), LOWER, True, Rag.GREEN),
        ("1", target("0", "10", PCT), LOWER, True, Rag.RED),  # % of zero is no band
        ("1", target("0", "1"), LOWER, True, Rag.AMBER),  # absolute band still applies
        ("0", target("0"), HIGHER, True, Rag.GREEN),
        # negative targets (e.g. a net change)
        ("-5", target("-4", "1"), LOWER, True, Rag.GREEN),
        ("-3", target("-4", "1"), LOWER, True, Rag.AMBER),
        # floats and ints are taken exactly, via their decimal text
        (35.0, target("40", "5"), HIGHER, True, Rag.AMBER),
        (0.1 + 0.2, target("0.3"), HIGHER, True, Rag.GREEN),
    ],
)
def test_indicator_status(value, tgt, polarity, measured, expected):
    result = indicator_status(None if value is None else value, tgt, polarity, measured)
    assert result.rag == expected
    assert result.reason
    assert result.label == expected.label


@pytest.mark.parametrize(
    ("tgt", "polarity", "edge"),
    [
        # absolute tolerance
        (target("40", "5"), HIGHER, "35"),
        (target("20", "2"), LOWER, "22"),
        (target("40"), HIGHER, "40"),  # no tolerance: the band has no width
        # percentage tolerance: 10% of 80 = 8
        (target("80", "10", PCT), HIGHER, "72"),
        (target("80", "10", PCT), LOWER, "88"),
        # target zero: a percentage of zero is no band; an absolute band still applies
        (target("0", "10", PCT), HIGHER, "0"),
        (target("0", "10", PCT), LOWER, "0"),
        (target("0", "1"), LOWER, "1"),
        (target("0", "1"), HIGHER, "-1"),
        # negative targets, and a tolerance typed as negative counts as its size
        (target("-4", "1"), LOWER, "-3"),
        (target("-40", "10", PCT), HIGHER, "-44"),
        (target("40", "-5"), HIGHER, "35"),
    ],
)
def test_amber_edge_is_the_last_value_within_tolerance(tgt, polarity, edge):
    assert tgt.amber_edge(polarity) == D(edge)
    on_the_edge = Rag.AMBER if tgt.band() else Rag.GREEN  # a band of no width: the edge is the target
    assert indicator_status(D(edge), tgt, polarity).rag == on_the_edge
    just_beyond = D(edge) - D("0.0001") if polarity == HIGHER else D(edge) + D("0.0001")
    assert indicator_status(just_beyond, tgt, polarity).rag == Rag.RED


def test_data_only_measures_have_no_amber_edge():
    assert target("40", "5").amber_edge(DATA) is None


@pytest.mark.parametrize(
    ("current", "earlier", "polarity", "expected"),
    [
        ("41.8", "43", LOWER, Trend.SUSTAINED),  # seed: "no significant change"
        ("41.8", "43", HIGHER, Trend.SUSTAINED),
        ("26", "30", HIGHER, Trend.DECLINING),  # seed: kinship proportion fell 30% -> 26%
        ("26", "30", LOWER, Trend.IMPROVING),
        ("34.9", "67.6", LOWER, Trend.IMPROVING),
        ("60", "50", HIGHER, Trend.IMPROVING),
        ("105", "100", HIGHER, Trend.SUSTAINED),  # exactly on the 5% band
        ("105.01", "100", HIGHER, Trend.IMPROVING),
        ("94.99", "100", HIGHER, Trend.DECLINING),
        ("1", "0", HIGHER, Trend.IMPROVING),  # no band around zero
        ("0", "0", HIGHER, Trend.SUSTAINED),
        ("60", "50", DATA, Trend.INCREASED),
        ("40", "50", DATA, Trend.DECREASED),
        ("50", "50", DATA, Trend.SUSTAINED),
        (None, "50", HIGHER, Trend.NO_COMPARISON),  # missing previous period
        ("50", None, HIGHER, Trend.NO_COMPARISON),
        ("-12", "-10", LOWER, Trend.IMPROVING),
    ],
)
def test_trend(current, earlier, polarity, expected):
    assert trend(None if current is None else D(current), None if earlier is None else D(earlier), polarity) == expected


def test_trend_band_is_adjustable():
    assert trend(D("41.8"), D("43"), LOWER, significance=D("0.01")) == Trend.IMPROVING


@pytest.mark.parametrize(
    ("ytd", "per_year", "aggregation", "expected"),
    [
        (["10", "20"], 4, Aggregation.SUM, D("60")),
        (["10", None, "20"], 4, Aggregation.SUM, D("60")),
        (["10", "20"], 4, Aggregation.MEAN, D("15")),
        (["10", "20"], 4, Aggregation.LATEST, D("20")),
        ([], 4, Aggregation.SUM, None),
        ([None], 4, Aggregation.LATEST, None),
    ],
)
def test_projected_year_end(ytd, per_year, aggregation, expected):
    values = [None if v is None else D(v) for v in ytd]
    assert projected_year_end(values, per_year, aggregation) == expected


@pytest.mark.parametrize(
    ("ytd", "annual", "polarity", "aggregation", "expected"),
    [
        (["30", "30"], target("100", "10"), HIGHER, Aggregation.SUM, Outlook.LIKELY),  # projects 120
        (["23", "23"], target("100", "10"), HIGHER, Aggregation.SUM, Outlook.MAY),  # projects 92
        (["20", "20"], target("100", "10"), HIGHER, Aggregation.SUM, Outlook.UNLIKELY),  # projects 80
        (["18", "22"], target("20", "1"), LOWER, Aggregation.MEAN, Outlook.LIKELY),
        (["22", "24"], target("20", "1"), LOWER, Aggregation.LATEST, Outlook.UNLIKELY),
        (["21"], target("20", "1"), LOWER, Aggregation.LATEST, Outlook.MAY),
        (["21"], None, LOWER, Aggregation.LATEST, Outlook.UNKNOWN),
        (["21"], target("20"), DATA, Aggregation.LATEST, Outlook.UNKNOWN),
        ([], target("20"), HIGHER, Aggregation.LATEST, Outlook.UNKNOWN),
    ],
)
def test_outlook(ytd, annual, polarity, aggregation, expected):
    assert outlook([D(v) for v in ytd], 4, annual, polarity, aggregation) == expected


START = dt.date(2020, 4, 1)
DUE = dt.date(2023, 3, 31)
Q2_END = dt.date(2022, 9, 30)  # 83% of the way through a three-year plan


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"progress": 50, "cancelled": True, "as_of": dt.date(2024, 1, 1)},
            ActionStatus.CANCELLED,
        ),  # cancelled but overdue
        ({"progress": 100}, ActionStatus.COMPLETED),
        ({"progress": 100, "as_of": dt.date(2024, 1, 1), "updated_this_period": False}, ActionStatus.COMPLETED),
        ({"progress": 66, "due_date": dt.date(2022, 3, 31)}, ActionStatus.OVERDUE),  # SERV1.3 in the seed
        ({"progress": 80, "due_date": Q2_END}, ActionStatus.IN_PROGRESS),  # due today is not overdue
        ({"progress": 66, "assigned": False}, ActionStatus.UNASSIGNED),
        ({"progress": 0, "start_date": dt.date(2023, 1, 1)}, ActionStatus.NOT_STARTED),
        ({"progress": 83, "updated_this_period": False}, ActionStatus.NEGLECTED),
        ({"progress": 47}, ActionStatus.CHECK_PROGRESS),  # STRAT1.1: 47 < 70% of 83
        ({"progress": 58}, ActionStatus.CHECK_PROGRESS),  # 58 < 58.2
        ({"progress": 59}, ActionStatus.IN_PROGRESS),
        ({"progress": 66}, ActionStatus.IN_PROGRESS),  # STRAT1.3: at the expected stage
        ({"progress": 0, "as_of": dt.date(2020, 5, 1)}, ActionStatus.NOT_STARTED),  # too early to judge
        ({"progress": 0, "as_of": dt.date(2020, 9, 1)}, ActionStatus.CHECK_PROGRESS),
        ({"progress": None, "due_date": None}, ActionStatus.NOT_STARTED),
        ({"progress": 10, "due_date": None}, ActionStatus.IN_PROGRESS),  # no due date: no expectation
    ],
)
def test_action_status(kwargs, expected):
    arguments = {
        "progress": 50,
        "as_of": Q2_END,
        "due_date": DUE,
        "start_date": START,
        "cancelled": False,
        "assigned": True,
        "updated_this_period": True,
    } | kwargs
    assert action_status(**arguments) == expected


@pytest.mark.parametrize(
    ("progress", "cancelled", "finished"),
    [
        (100, False, True),
        (99, False, False),
        (None, False, False),
        (0, True, True),
        (40, True, True),
        (0, False, False),
    ],
)
def test_an_action_is_finished_when_completed_or_cancelled(progress, cancelled, finished):
    assert is_finished(progress, cancelled) is finished


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2020, 3, 1), D(0)),
        (START, D(0)),
        (DUE, D(1)),
        (dt.date(2024, 1, 1), D(1)),
    ],
)
def test_expected_progress(as_of, expected):
    assert expected_progress(START, DUE, as_of) == expected


def test_expected_progress_same_day_start_and_due():
    day = dt.date(2022, 1, 1)
    assert expected_progress(day, day, day) == D(1)
    assert expected_progress(day, day, dt.date(2021, 12, 31)) == D(0)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([Weighted(47), Weighted(83), Weighted(66), Weighted(100), Weighted(66)], D("72.4")),  # STRAT1 = 72%
        ([Weighted(50, 3), Weighted(100, 1)], D("62.5")),
        ([Weighted(50, 0), Weighted(100)], D("100")),  # weight 0 leaves a child out
        ([Weighted(50), Weighted(10, cancelled=True)], D("50")),
        ([Weighted(None), Weighted(100)], D("50")),  # no update yet counts as 0%
        ([], None),
        ([Weighted(10, cancelled=True)], None),
    ],
)
def test_rollup_progress(children, expected):
    assert rollup_progress(children) == expected


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(D("99.6"), 99), (D("72.4"), 72), (D("60.76"), 60), (100, 100), (0, 0), (None, None)],
)
def test_whole_percent_rounds_down(progress, expected):
    assert whole_percent(progress) == expected


S = ActionStatus


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([S.COMPLETED, S.OVERDUE, S.IN_PROGRESS], S.OVERDUE),
        ([S.COMPLETED, S.CHECK_PROGRESS, S.IN_PROGRESS], S.CHECK_PROGRESS),
        ([S.IN_PROGRESS, S.NEGLECTED], S.CHECK_PROGRESS),
        ([S.IN_PROGRESS, S.UNASSIGNED], S.CHECK_PROGRESS),
        ([S.COMPLETED, S.COMPLETED, S.CANCELLED], S.COMPLETED),
        ([S.NOT_STARTED, S.NOT_STARTED], S.NOT_STARTED),
        ([S.NOT_STARTED, S.COMPLETED], S.IN_PROGRESS),
        ([S.CANCELLED], S.CANCELLED),
        ([], None),
    ],
)
def test_rollup_status(statuses, expected):
    assert rollup_status(statuses) == expected


# Precedence: not measured, then not yet available (national), then no figure, then data only.
@pytest.mark.parametrize(
    ("value", "tgt", "polarity", "measured", "national", "expected"),
    [
        (None, target("40"), HIGHER, False, False, Rag.NOT_MEASURED),  # local annual at a half year
        ("50", target("40"), HIGHER, False, False, Rag.NOT_MEASURED),
        (None, target("40"), HIGHER, True, True, Rag.NOT_AVAILABLE),  # national, not published yet
        (None, None, DATA, True, True, Rag.NOT_AVAILABLE),
        (None, target("40"), HIGHER, True, False, Rag.MISSING),  # local, simply missing
        (None, None, DATA, True, False, Rag.MISSING),
        ("50", None, HIGHER, True, True, Rag.DATA_ONLY),  # national figure in, no target
        ("50", target("40"), DATA, True, False, Rag.DATA_ONLY),
        ("50", target("40"), HIGHER, True, True, Rag.GREEN),
    ],
)
def test_status_precedence(value, tgt, polarity, measured, national, expected):
    result = indicator_status(value, tgt, polarity, measured, published_nationally=national)
    assert result.rag == expected


def P(text: str) -> Period:  # noqa: N802
    return Period.parse(text)


@pytest.mark.parametrize(
    ("period", "share"),
    [("H1 2022/23", D("0.5")), ("H2 2022/23", D("0.5")), ("Q2 2022/23", D("0.25")), ("Sep 2022", D(1) / 12)],
)
def test_pro_rata_share_is_the_months_a_period_covers(period, share):
    assert pro_rata_share(P(period)) == share


ANNUAL = Target(D("100"), D("10"), ToleranceType.ABSOLUTE)
ANNUAL_PCT = Target(D("100"), D("10"), ToleranceType.PERCENT)
OWN = Target(D("45"), D("1"))


@pytest.mark.parametrize(
    ("period", "targets", "part", "expected"),
    [
        # The period's own target always wins.
        (
            "H1 2022/23",
            {"H1 2022/23": OWN, "2022/23": ANNUAL},
            PartOfYear.PRO_RATA,
            AppliedTarget(OWN, P("H1 2022/23")),
        ),
        # Else the year's, as it is ...
        ("H1 2022/23", {"2022/23": ANNUAL}, PartOfYear.AS_IT_IS, AppliedTarget(ANNUAL, P("2022/23"))),
        ("Q3 2022/23", {"2022/23": ANNUAL}, "as_it_is", AppliedTarget(ANNUAL, P("2022/23"))),
        # ... or pro rata: half at six months, a quarter a quarter; absolute tolerance scaled too.
        (
            "H1 2022/23",
            {"2022/23": ANNUAL},
            PartOfYear.PRO_RATA,
            AppliedTarget(Target(D("50"), D("5")), P("2022/23"), D("0.5")),
        ),
        (
            "Q2 2022/23",
            {"2022/23": ANNUAL_PCT},
            PartOfYear.PRO_RATA,
            AppliedTarget(Target(D("25"), D("10"), ToleranceType.PERCENT), P("2022/23"), D("0.25")),
        ),
        # The year itself, another year's target, or none: nothing applies.
        ("2022/23", {"2021/22": ANNUAL}, PartOfYear.AS_IT_IS, None),
        ("H1 2022/23", {"2021/22": ANNUAL}, PartOfYear.AS_IT_IS, None),
        ("H1 2022/23", {}, PartOfYear.PRO_RATA, None),
        # The year's own target at the year.
        ("2022/23", {"2022/23": ANNUAL}, PartOfYear.PRO_RATA, AppliedTarget(ANNUAL, P("2022/23"))),
    ],
)
def test_applicable_target(period, targets, part, expected):
    by_period = {P(k): v for k, v in targets.items()}
    assert applicable_target(P(period), by_period.get, part) == expected


def test_applied_year_target_says_so():
    applied = applicable_target(P("H1 2022/23"), {P("2022/23"): ANNUAL}.get)
    assert applied.from_year(P("H1 2022/23")) and applied.value == D("100")
    assert not applicable_target(P("2022/23"), {P("2022/23"): ANNUAL}.get).from_year(P("2022/23"))


def test_pro_rata_half_year_is_judged_against_half_the_year():
    applied = applicable_target(P("H1 2022/23"), {P("2022/23"): ANNUAL}.get, PartOfYear.PRO_RATA)
    assert indicator_status("50", applied.rule, HIGHER).rag == Rag.GREEN
    assert indicator_status("45", applied.rule, HIGHER).rag == Rag.AMBER  # exactly on the scaled band
    assert indicator_status("44.9", applied.rule, HIGHER).rag == Rag.RED


@pytest.mark.parametrize(
    ("period", "frequency", "delay", "expected"),
    [
        # Local measures: their own period ending with it, else not measured.
        ("H1 2022/23", Frequency.ANNUAL, None, None),
        ("Q4 2022/23", Frequency.ANNUAL, None, "2022/23"),
        ("Q2 2022/23", Frequency.HALF_YEARLY, None, "H1 2022/23"),
        # Published nationally six months after the year: the latest year due by then.
        ("Q1 2022/23", Frequency.ANNUAL, 6, "2020/21"),  # June: 2021/22 due only in September
        ("H1 2022/23", Frequency.ANNUAL, 6, "2021/22"),  # exactly six months after: due
        ("Q2 2022/23", Frequency.ANNUAL, 6, "2021/22"),
        ("Q4 2022/23", Frequency.ANNUAL, 6, "2021/22"),  # the year end: its own figure is not due yet
        ("H1 2023/24", Frequency.ANNUAL, 6, "2022/23"),
        ("2022/23", Frequency.ANNUAL, 0, "2022/23"),  # no delay: the year itself
        ("Q3 2022/23", Frequency.QUARTERLY, 3, "Q2 2022/23"),
    ],
)
def test_reported_period(period, frequency, delay, expected):
    found = reported_period(P(period), frequency, delay)
    assert found == (P(expected) if expected else None)


@pytest.mark.parametrize("frequency", list(Frequency))
def test_pro_rata_shares_of_a_year_add_up_to_the_year(frequency):
    year = P("2022/23")
    parts = year.subperiods(frequency)
    assert sum((pro_rata_share(p) for p in parts), D(0)).quantize(D("0.000001")) == 1


@pytest.mark.parametrize("delay", [0, 3, 6, 11, 12, 18])
@pytest.mark.parametrize("frequency", [Frequency.ANNUAL, Frequency.QUARTERLY])
def test_a_national_measure_reports_the_latest_period_due(frequency, delay):
    """Whatever the period, the period reported ended at least `delay` months before it ends, and
    the next one had not: so it is the latest one due."""

    def months(day: dt.date) -> int:
        return day.year * 12 + day.month

    period = P("Apr 2021")
    for _ in range(36):
        reported = reported_period(period, frequency, delay)
        assert months(reported.end) + delay <= months(period.end)
        assert months(reported.next().end) + delay > months(period.end)
        period = period.next()


def test_every_status_is_explained_for_committee_papers():
    from indicators.status import ACTION_STATUS_MEANINGS, RAG_MEANINGS, ActionStatus, Rag

    assert set(ACTION_STATUS_MEANINGS) == set(ActionStatus) and set(RAG_MEANINGS) == set(Rag)
    assert all(meaning.endswith(".") for meaning in [*ACTION_STATUS_MEANINGS.values(), *RAG_MEANINGS.values()])
