"""How a direction of travel looks: the arrow beside the words, and the tone that colours it.

The arrow is decoration (`aria-hidden`); the trend's or direction's label always says it too.
"""

from __future__ import annotations

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


def direction_glyph(direction: Direction) -> str:
    return DIRECTION_ARROWS[direction]
