"""Small vector charts for the PDFs, drawn as SVG strings without a browser.

Pure functions: numbers in, SVG out (about 1 KB and 0.02 ms a chart). Shapes and text carry the
meaning; colour only repeats it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from .colours import INK, SPARK_BAND, SPARK_TARGET
from .numbers import format_number


def _scale(value: float, low: float, high: float, size: float, pad: float) -> float:
    if high == low:
        return size / 2
    return pad + (size - 2 * pad) * (1 - (value - low) / (high - low))


def sparkline(
    values: Sequence[float | None],
    targets: Sequence[float | None] = (),
    band_edges: Sequence[float | None] = (),
    *,
    width: int = 120,
    height: int = 32,
    label: str = "",
) -> Markup:
    """A trend line of `values`, with the target as a dashed line and the tolerance band shaded.

    `band_edges` are the far edges of the amber band (target minus tolerance for higher-is-better).
    Missing values break the line. The last value is marked with a dot.
    """
    points = [v for v in values if v is not None]
    if not points:
        return Markup("")
    everything = points + [t for t in targets if t is not None] + [b for b in band_edges if b is not None]
    low, high = min(everything), max(everything)
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def x(i: int) -> float:
        return pad + i * step

    def y(v: float) -> float:
        return _scale(v, low, high, height, pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(label)}">'
    ]
    pairs = [
        (i, t, b) for i, (t, b) in enumerate(zip(targets, band_edges, strict=False)) if t is not None and b is not None
    ]
    if len(pairs) >= 2:
        top = " ".join(f"{x(i):.1f},{y(t):.1f}" for i, t, _ in pairs)
        bottom = " ".join(f"{x(i):.1f},{y(b):.1f}" for i, _, b in reversed(pairs))
        parts.append(f'<polygon points="{top} {bottom}" fill="{SPARK_BAND}"/>')
    target_points = [(i, t) for i, t in enumerate(targets) if t is not None]
    if len(target_points) >= 2:
        line = " ".join(f"{x(i):.1f},{y(t):.1f}" for i, t in target_points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{SPARK_TARGET}" stroke-width="1" stroke-dasharray="3,2"/>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(v):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{INK}" stroke-width="1.5"/>')
    last = max(i for i, v in enumerate(values) if v is not None)
    parts.append(f'<circle cx="{x(last):.1f}" cy="{y(values[last]):.1f}" r="2.2" fill="{INK}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and an escaped label only


def sparkline_image(*args: Any, label: str = "", **kwargs: Any) -> Markup:
    """The sparkline as an <img> with `label` as its alternative text, for PDFs.

    WeasyPrint tags an image as a figure with its alt text, and an image costs it less memory than
    the same SVG inline in the page (whose every element gets styles like the HTML around it).
    """
    svg = sparkline(*args, label=label, **kwargs)
    if not svg:
        return Markup("")
    width, height = kwargs.get("width", 120), kwargs.get("height", 32)
    source = "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()
    return Markup(  # noqa: S704 - base64 and an escaped label only
        f'<img class="spark" src="{source}" width="{width}" height="{height}" alt="{escape(label)}">'
    )


def sparkline_alt(series: Sequence[tuple[str, Any, Any, Any]], places: int = 0, unit: str = "") -> str:
    """The figures a sparkline draws, as its alternative text: "Values for Q3 2021/22 to Q2 2022/23:
    31.0, 30.2, 28.9, 27.5, 26.8, 26.0; target 30.0". `series` is (period label, value, target,
    band edge) oldest first; a missing value reads "no value"; the target is the latest one set."""
    if not series:
        return ""
    values = ", ".join("no value" if value is None else format_number(value, places, unit) for _, value, _, _ in series)
    span = series[0][0] if len(series) == 1 else f"{series[0][0]} to {series[-1][0]}"
    text = f"Values for {span}: {values}"
    targets = [target for _, _, target, _ in series if target is not None]
    return f"{text}; target {format_number(targets[-1], places, unit)}" if targets else f"{text}; no target"
