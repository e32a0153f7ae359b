"""Chart builders: each returns a plotly figure (as a dict for the browser) and its data table.

Figures are written as the dicts plotly.js reads, with plotly.py's default look (`_template`,
read once): building them through plotly.py's validating objects took most of an indicator
page's time (about 30 ms a chart), for the same JSON.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

from indicators.periods import Period
from reports.presentation.colours import (
    CHART_BACKGROUND,
    CHART_BAND,
    CHART_BAND_EDGE,
    CHART_GRID,
    CHART_TARGET,
    FAMILY_AVERAGE,
    INK,
    NATIONAL_AVERAGE,
    OTHER_COUNCILS,
    OWN_COUNCIL,
)


@dataclass
class Chart:
    title: str
    figure: dict
    columns: list[str]
    rows: list[list[str]]

    def json(self) -> str:
        """JSON safe to embed in a <script> element (no "</script>" can close it early)."""
        return json.dumps(self.figure).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def value_axis_range(values: Sequence[float | None]) -> list[float] | None:
    """The value axis of a benchmark chart, so that differences between councils show.

    From zero when zero is near (the smallest figure is at most half the largest), so bar lengths
    compare truly; otherwise from below the smallest figure by half the spread, so that figures of
    86.9%, 87.8% and 92.6% are not three bars of nearly the same length. Below zero when a figure
    is. A fifth of the width is left past the largest figure. None when there is no figure.
    """
    figures = [v for v in values if v is not None]
    if not figures:
        return None
    low, high = min(figures), max(figures)
    spread = high - low or max(abs(high) / 10, 1.0)
    if low >= 0 and low <= high / 2:
        start = 0.0
    elif low >= 0:
        start = max(low - spread / 2, 0.0)
    else:
        start = low - spread / 10
    end = max(high, 0.0) + (max(high, 0.0) - start) / 5
    return [start, end if end > start else start + 1]


@functools.cache
def _template() -> dict:
    """plotly.py's default template, as it writes it into every figure."""
    return json.loads(go.Figure().to_json())["layout"]["template"]


def _figure(traces: list[dict], layout: dict) -> dict:
    return {"data": traces, "layout": {**layout, "template": _template()}}


def _trace(kind: str, **properties) -> dict:
    return {"type": kind, **properties}


def _layout(title: str, y_title: str) -> dict:
    # A white plot, not plotly's blue-grey: the colours (colours.py) are chosen to stand out on white.
    axis = {"gridcolor": CHART_GRID, "zerolinecolor": CHART_GRID, "linecolor": INK}
    return {
        "title": {"text": title},
        "plot_bgcolor": CHART_BACKGROUND,
        "paper_bgcolor": CHART_BACKGROUND,
        "xaxis": {"type": "category", "title": {"text": "Period"}, **axis},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", **axis},
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 80},
        "font": {"family": "system-ui, Arial, sans-serif", "size": 14, "color": INK},
        "hovermode": "x unified",
    }


def indicator_history_chart(
    title: str,
    unit: str,
    history: list[tuple[Period, Decimal | None, Decimal | None, Decimal | None]],
    format_value: Callable[[Decimal | None], str],
) -> Chart:
    """Values against target and tolerance band. `history` is (period, value, target, far edge of
    the band), oldest first; data-only measures have no edge, and show no target or band."""
    labels = [period.label for period, *_ in history]
    values = [_float(value) for _, value, _, _ in history]
    targets = [_float(target) for _, _, target, _ in history]
    edges = [_float(edge) for *_, edge in history]
    traces = []
    if any(e is not None for e in edges):
        # The fill is pale; the band's far edge is a dotted line that stands out on white (1.4.11).
        traces.append(
            _trace("scatter", x=labels, y=targets, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
        )
        traces.append(
            _trace(
                "scatter",
                x=labels,
                y=edges,
                mode="lines",
                line={"color": CHART_BAND_EDGE, "width": 2, "dash": "dot"},
                fill="tonexty",
                fillcolor=CHART_BAND,
                name="Tolerance band",
                hoverinfo="skip",
            )
        )
        traces.append(
            _trace(
                "scatter",
                x=labels,
                y=targets,
                mode="lines",
                name="Target",
                line={"color": CHART_TARGET, "dash": "dash"},
            )
        )
    traces.append(
        _trace(
            "scatter",
            x=labels,
            y=values,
            mode="lines+markers",
            name="Value",
            line={"color": INK, "width": 3},
            marker={"size": 9, "symbol": "circle"},
            connectgaps=False,
        )
    )
    rows = [[period.label, format_value(value), format_value(target)] for period, value, target, _ in history]
    return Chart(title, _figure(traces, _layout(title, unit or "Value")), ["Period", "Value", "Target"], rows)


def progress_history_chart(title: str, history: list[tuple[Period, int | None]]) -> Chart:
    labels = [period.label for period, _ in history]
    bar = _trace(
        "bar",
        x=labels,
        y=[p for _, p in history],
        name="Progress",
        marker={"color": INK},
        text=[f"{p}%" if p is not None else "" for _, p in history],
        textposition="outside",
    )
    layout = _layout(title, "Progress (%)")
    layout["yaxis"]["range"] = [0, 110]
    rows = [[period.label, "–" if p is None else f"{p}%"] for period, p in history]
    return Chart(title, _figure([bar], {**layout, "showlegend": False}), ["Period", "Progress"], rows)


def benchmark_chart(title: str, unit: str, comparison, format_value) -> Chart:
    """Each family-group council's figure, best first, with the family and national averages.

    Our council's bar is labelled "(our council)" as well as coloured, so colour is not the only cue.
    Each figure is written beside its council's name, not at the end of its bar, where the average
    lines would run through it. The value axis shows differences (`value_axis_range`).
    """
    figures = list(reversed(comparison.figures))  # plotly draws the first bar at the bottom
    labels = [f"{f.council}{' (our council)' if f.is_own else ''}: {format_value(f.value)}" for f in figures]
    traces = [
        _trace(
            "bar",
            x=[float(f.value) for f in figures],
            y=labels,
            orientation="h",
            marker={
                "color": [OWN_COUNCIL if f.is_own else OTHER_COUNCILS for f in figures],
                "pattern": {"shape": ["/" if f.is_own else "" for f in figures]},
            },
            name=comparison.period.label,
            showlegend=False,
            hovertemplate="%{y}<extra></extra>",
        )
    ]
    for average, name, colour, dash in (
        (comparison.family_average, "Family group average", FAMILY_AVERAGE, "dash"),
        (comparison.national_average, "National average", NATIONAL_AVERAGE, "dot"),
    ):
        if average is None:
            continue
        traces.append(
            _trace(
                "scatter",
                x=[float(average), float(average)],
                y=[labels[0], labels[-1]] if labels else [],
                mode="lines",
                name=f"{name} {format_value(average)}",
                line={"color": colour, "dash": dash, "width": 2},
                hoverinfo="name",
            )
        )
    layout = _layout(title, "")
    averages = [_float(comparison.family_average), _float(comparison.national_average)]
    value_range = value_axis_range([float(f.value) for f in figures] + averages)
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": unit or "Value"}} | (
        {"type": "linear", "range": value_range} if value_range else {"type": "linear", "rangemode": "tozero"}
    )
    layout["yaxis"] = {**layout["yaxis"], "type": "category", "automargin": True, "title": {"text": ""}}
    layout["yaxis"].pop("rangemode", None)
    layout["hovermode"] = "closest"
    layout["height"] = 200 + 34 * max(len(figures), 1)
    layout["legend"] = {"orientation": "h", "y": -0.12, "yanchor": "top"}
    layout["margin"] = {"l": 20, "r": 20, "t": 50, "b": 90}
    rows = [
        [
            "–" if f.rank is None else str(f.rank),
            f.council + (" (our council)" if f.is_own else ""),
            format_value(f.value),
        ]
        for f in comparison.figures
    ]
    if comparison.family_average is not None:
        rows.append(["", "Family group average", format_value(comparison.family_average)])
    if comparison.national_average is not None:
        rows.append(["", "National average", format_value(comparison.national_average)])
    return Chart(title, _figure(traces, layout), ["Rank", "Council", "Value"], rows)


def benchmark_trend_chart(title: str, unit: str, comparisons, format_value) -> Chart:
    """Our figure against the family-group and national averages, year by year (oldest first)."""
    years = list(reversed(comparisons))
    labels = [c.period.label for c in years]
    traces = []
    for name, values, colour, dash, symbol in (
        ("Our council", [c.own_value for c in years], OWN_COUNCIL, "solid", "circle"),
        ("Family group average", [c.family_average for c in years], FAMILY_AVERAGE, "dash", "square"),
        ("National average", [c.national_average for c in years], NATIONAL_AVERAGE, "dot", "diamond"),
    ):
        traces.append(
            _trace(
                "scatter",
                x=labels,
                y=[_float(v) for v in values],
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": dash, "width": 3 if name == "Our council" else 2},
                marker={"symbol": symbol, "size": 9},
            )
        )
    layout = _layout(title, unit or "Value")
    layout["xaxis"]["title"] = {"text": "Year"}
    # Lines, so the axis need not start at zero: it shows the years' differences.
    value_range = value_axis_range(
        [_float(v) for c in years for v in (c.own_value, c.family_average, c.national_average)]
    )
    if value_range:
        layout["yaxis"] = {key: value for key, value in layout["yaxis"].items() if key != "rangemode"}
        layout["yaxis"]["range"] = value_range
    rows = [
        [c.period.label, format_value(c.own_value), format_value(c.family_average), format_value(c.national_average)]
        for c in years
    ]
    return Chart(title, _figure(traces, layout), ["Year", "Our council", "Family group", "National"], rows)
