"""How a direction of travel looks: the arrow beside the words, and the tone that colours it.

The arrow is decoration (`aria-hidden`); the trend's or direction's label always says it too.
"""

from __future__ import annotations

import functools

from markupsafe import Markup

from indicators.risks import Direction
from indicators.status import Trend

TREND_ARROWS = {
    Trend.IMPROVING: "↑",
    Trend.DECLINING: "↓",
    Trend.SUSTAINED: "→",
    Trend.INCREASED: "↗",
    Trend.DECREASED: "↘",
    Trend.NO_COMPARISON: "–",
}
TREND_TONES = {Trend.IMPROVING: "good", Trend.DECLINING: "bad"}

# A risk's arrow follows its score: an improving risk's score goes down.
DIRECTION_ARROWS = {Direction.IMPROVING: "↓", Direction.STATIC: "→", Direction.WORSENING: "↑", Direction.NEW: "–"}


def trend_glyph(trend: Trend) -> str:
    return TREND_ARROWS[trend]


def trend_tone(trend: Trend) -> str:
    """good, bad or neutral: the CSS class `tone-...` that colours the trend."""
    return TREND_TONES.get(trend, "neutral")


@functools.lru_cache(maxsize=128)
def trend_arrow_html(trend: Trend, compared_with: str = "") -> Markup:
    """The `trend_arrow` macro's markup, made once per (trend, comparison) and reused (a large
    scorecard shows two per indicator row)."""
    title = Markup(' title="Compared with {}"').format(compared_with) if compared_with else ""
    return Markup('<span class="trend tone-{}"{}><span aria-hidden="true" class="arrow">{}</span> {}</span>').format(
        trend_tone(trend), title, trend_glyph(trend), trend.label
    )


def direction_glyph(direction: Direction) -> str:
    return DIRECTION_ARROWS[direction]
