"""Charts people can read: every series and the tolerance band's edges at 3:1 or more against the
plot's background (WCAG 1.4.11), benchmark axes that show differences, and figures written where
no average line runs through them."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from indicators.periods import Period
from reports.presentation import colours
from reports.presentation.numbers import format_number
from reports.scorecards.charts import (
    benchmark_chart,
    benchmark_trend_chart,
    indicator_history_chart,
    progress_history_chart,
    value_axis_range,
)


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an opaque "#rrggbb" colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),
        ("#b1b4b6", "#ffffff", 2.08),
    ],
)
def test_contrast_is_measured_as_wcag_says(first, second, ratio):
    assert contrast(first, second) == pytest.approx(ratio, abs=0.01)


Q = [Period.parse(label) for label in ("Q1 2022/23", "Q2 2022/23", "Q3 2022/23")]


def show(value):
    return format_number(value, 1, "%")


def comparison(values: dict[str, str], own: str, family: str | None = "88", national: str | None = "89.6"):
    figures = [
        SimpleNamespace(council=name, value=D(value), is_own=name == own, rank=rank)
        for rank, (name, value) in enumerate(sorted(values.items(), key=lambda item: -float(item[1])), start=1)
    ]
    return SimpleNamespace(
        period=Period.parse("2021/22"),
        figures=figures,
        family_average=D(family) if family else None,
        national_average=D(national) if national else None,
        own_value=D(values[own]),
    )


FAMILY = {"Angus": "92.6", "Highland": "87.8", "Moray": "86.9", "Midlothian": "86.3"}


def every_chart():
    history = [(Q[0], D("30"), D("32"), D("30")), (Q[1], D("26"), D("32"), D("30")), (Q[2], None, D("32"), D("30"))]
    yield indicator_history_chart("History", "%", history, show)
    yield progress_history_chart("Progress", [(Q[0], 40), (Q[1], 83), (Q[2], 30)])
    yield benchmark_chart("Family group", "%", comparison(FAMILY, "Moray"), show)
    yield benchmark_trend_chart("Trend", "%", [comparison(FAMILY, "Moray"), comparison(FAMILY, "Angus")], show)


def drawn_colours(figure: dict) -> list[tuple[str, str]]:
    """(trace name, colour) for every line, marker and bar colour a figure draws."""
    found = []
    for trace in figure["data"]:
        name = trace.get("name", trace["type"])
        line = trace.get("line", {})
        if line.get("color") and line.get("width", 2) > 0:
            found.append((name, line["color"]))
        marker = trace.get("marker", {}).get("color")
        for colour in marker if isinstance(marker, list) else [marker] if marker else []:
            found.append((name, colour))
    return found


@pytest.mark.parametrize("chart", list(every_chart()), ids=lambda chart: chart.title)
def test_every_series_stands_out_three_to_one_on_a_white_plot(chart):
    layout = chart.figure["layout"]
    assert layout["plot_bgcolor"] == layout["paper_bgcolor"] == colours.CHART_BACKGROUND == "#ffffff"
    drawn = drawn_colours(chart.figure)
    assert drawn
    for name, colour in drawn:
        assert contrast(colour, colours.CHART_BACKGROUND) >= 3, (name, colour)


def test_the_tolerance_band_is_edged_in_a_colour_that_stands_out():
    chart = next(every_chart())
    [band] = [trace for trace in chart.figure["data"] if trace.get("name") == "Tolerance band"]
    assert band["fill"] == "tonexty" and band["line"]["color"] == colours.CHART_BAND_EDGE
    assert contrast(colours.CHART_BAND_EDGE, colours.CHART_BACKGROUND) >= 3
    # Our council and the others are told apart by more than colour: a pattern and "(our council)".
    assert contrast(colours.OTHER_COUNCILS, colours.CHART_BACKGROUND) >= 3


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 20, 30], [0, 36]),  # zero is near: bars from zero
        ([15, 30], [0, 36]),  # the smallest exactly half the largest
        ([86.3, 86.9, 87.8, 92.6, 88, 89.6], [83.15, 94.49]),  # close figures: from below the smallest
        ([80, 82, 85], [77.5, 86.5]),
        ([5, 5, 5], [4.5, 5.1]),  # all alike: a little either side
        ([2, None, 3], [1.5, 3.3]),  # a missing figure is left out
        ([-5, 10], [-6.5, 13.3]),  # below zero when a figure is
        ([-8, -2], [-8.6, 1.72]),
        ([0, 0], [0, 1]),
        ([], None),
        ([None], None),
    ],
)
def test_value_axis_range(values, expected):
    got = value_axis_range(values)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=0.01)


def test_benchmark_axis_starts_near_the_figures_and_figures_sit_by_the_names():
    chart = benchmark_chart("Family group", "%", comparison(FAMILY, "Moray"), show)
    [bars, *averages] = chart.figure["data"]
    axis = chart.figure["layout"]["xaxis"]
    assert axis["range"][0] > 80 and axis["range"][1] > 92.6  # differences show; the largest fits
    assert "text" not in bars  # no figure at a bar's end, where an average line could cross it
    assert bars["y"][-1] == "Angus: 92.6%" and "Moray (our council): 86.9%" in bars["y"]
    assert [a["name"] for a in averages] == ["Family group average 88.0%", "National average 89.6%"]
    assert chart.rows[0] == ["1", "Angus", "92.6%"]  # the table beside the chart is unchanged


def test_the_benchmark_trend_shows_the_years_differences():
    chart = benchmark_trend_chart("Trend", "%", [comparison(FAMILY, "Moray"), comparison(FAMILY, "Angus")], show)
    low, high = chart.figure["layout"]["yaxis"]["range"]
    assert 80 < low < 86.9 and high > 92.6


@pytest.mark.parametrize("chart", list(every_chart()), ids=lambda chart: chart.title)
def test_figures_are_what_plotly_reads_with_its_default_look(chart):
    """Figures are written as plain dicts: plotly.py's own validation accepts every property
    and writes back the same figure, with its default template."""
    import json

    import plotly.graph_objects as go

    assert json.loads(go.Figure(chart.figure).to_json()) == json.loads(chart.json())
