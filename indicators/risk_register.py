"""A risk register as the web page and the committee paper both show it, built once.

The rows are plain values (no model instances), so the committee report can freeze them into the
issued record as they were printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Risk, RiskReview
from .risks import Direction, HeatCell, RiskBand, direction, heat_map, review_overdue, risk_band


@dataclass
class RegisterRow:
    id: int
    reference: str
    title: str
    owner: str
    inherent_score: int
    likelihood: int
    impact: int
    score: int
    band: RiskBand
    direction: Direction
    target_score: int
    controls: str
    latest_position: str
    review_date: dt.date | None
    overdue: bool


@dataclass
class Register:
    rows: list[RegisterRow]
    grid: list[list[HeatCell]]


SORTS = {
    "score": lambda row: (-row.score, row.reference),
    "reference": lambda row: row.reference,
    "review": lambda row: (row.review_date is None, row.review_date, row.reference),
}


def build_register(risks: Iterable[Risk], today: dt.date, sort: str = "score") -> Register:
    """The rows (with direction of travel and overdue reviews) and heat map of `risks`.

    `risks` should come with their owners selected; the direction of travel takes one more query.
    """
    risks = list(risks)
    previous: dict[int, int] = {}
    # The score before each risk's latest approved review: where the direction of travel starts.
    for review in RiskReview.objects.approved().filter(risk__in=risks).order_by("period"):
        previous[review.risk_id] = review.previous_score
    rows = [
        RegisterRow(
            id=risk.id,
            reference=risk.reference,
            title=risk.title,
            owner=risk.owner.get_full_name() if risk.owner else "",
            inherent_score=risk.inherent_score,
            likelihood=risk.likelihood,
            impact=risk.impact,
            score=risk.score,
            band=risk_band(risk.score),
            direction=direction(risk.score, previous.get(risk.id)),
            target_score=risk.target_score,
            controls=risk.controls,
            latest_position=risk.latest_position,
            review_date=risk.review_date,
            overdue=review_overdue(risk.review_date, today),
        )
        for risk in risks
    ]
    rows.sort(key=SORTS.get(sort, SORTS["score"]))
    return Register(rows, heat_map([(risk.likelihood, risk.impact) for risk in risks]))


@dataclass(frozen=True)
class ScoreChange:
    """A point in a risk's score history: when its likelihood or impact changed, and who changed it."""

    when: dt.datetime
    likelihood: int
    impact: int
    score: int
    band: RiskBand
    by: str
    reason: str


def score_history(risk: Risk) -> list[ScoreChange]:
    """The risk's current score as it changed over time, newest first, read from its audit history
    (django-simple-history): edits that left likelihood and impact alone are skipped. One query."""
    records = risk.history.select_related("history_user").order_by("history_date", "history_id")
    changes: list[ScoreChange] = []
    for record in records:
        if changes and (changes[-1].likelihood, changes[-1].impact) == (record.likelihood, record.impact):
            continue
        user = record.history_user
        changes.append(
            ScoreChange(
                when=record.history_date,
                likelihood=record.likelihood,
                impact=record.impact,
                score=record.likelihood * record.impact,
                band=risk_band(record.likelihood * record.impact),
                by=(user.get_full_name() or user.username) if user else "",
                reason=record.history_change_reason or "",
            )
        )
    changes.reverse()
    return changes
