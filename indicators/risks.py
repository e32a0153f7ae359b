"""Risk scoring, in one place.

A risk is scored likelihood × impact, each from 1 (rare / negligible) to 5 (almost certain /
catastrophic), so scores run from 1 to 25. Bands:

- **Low**: 1 to 4
- **Medium**: 5 to 9
- **High**: 10 to 16
- **Very high**: 20 to 25 (no score between 17 and 19 is possible on a 5 × 5 grid)

Direction of travel compares the current score with the score before the latest approved review:
lower is **improving**, the same is **static**, higher is **worsening**. A risk whose review date
has passed is **overdue for review**.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def label(self) -> str:
        return {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}[self.value]


class Direction(StrEnum):
    IMPROVING = "improving"
    STATIC = "static"
    WORSENING = "worsening"
    NEW = "new"

    @property
    def label(self) -> str:
        return {"improving": "Improving", "static": "Static", "worsening": "Worsening", "new": "First review"}[
            self.value
        ]


def risk_band(score: int) -> RiskBand:
    if not 1 <= score <= 25:
        raise ValueError("A risk score runs from 1 to 25.")
    if score <= 4:
        return RiskBand.LOW
    if score <= 9:
        return RiskBand.MEDIUM
    if score <= 16:
        return RiskBand.HIGH
    return RiskBand.VERY_HIGH


def direction(current: int, previous: int | None) -> Direction:
    if previous is None:
        return Direction.NEW
    if current < previous:
        return Direction.IMPROVING
    if current > previous:
        return Direction.WORSENING
    return Direction.STATIC


def review_overdue(review_date: dt.date | None, today: dt.date) -> bool:
    return review_date is not None and review_date < today


@dataclass(frozen=True)
class HeatCell:
    """One square of the heat map: how many risks are scored at this likelihood and impact."""

    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> RiskBand:
        return risk_band(self.score)


def heat_map(cells: list[tuple[int, int]]) -> list[list[HeatCell]]:
    """Risks counted per (likelihood, impact): rows are likelihood 5 down to 1, columns impact 1-5."""
    counts: dict[tuple[int, int], int] = {}
    for likelihood, impact in cells:
        counts[likelihood, impact] = counts.get((likelihood, impact), 0) + 1
    return [
        [HeatCell(likelihood, impact, counts.get((likelihood, impact), 0)) for impact in range(1, 6)]
        for likelihood in range(5, 0, -1)
    ]
