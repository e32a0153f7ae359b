"""The archive's account of each issued report: which of its figures have been revised since.

The issued PDF never changes; this compares the figures it froze with the report's data now, by
the rule in `reports/scorecards/revisions.py`, so the archive shows what a reader of the paper
would now find different (old → new).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indicators.periods import Period
from reports.models import CommitteeReport, IssuedReport
from reports.scorecards.build import Scorecard, build_scorecard
from reports.scorecards.revisions import FIGURE_LABELS, Revision, compare, frozen_by_issue
from reports.scorecards.rows import IndicatorRow

from .definitions import report_scope


@dataclass(frozen=True)
class RevisedFigure:
    """One figure of an issued report that is different now, with what it needs to be shown."""

    plan: str
    code: str
    title: str
    figure: str  # "Value", "Target" or "Progress"
    period: Period
    revision: Revision
    places: int
    unit: str


def revised_since_issue(
    report: CommitteeReport, issues: Sequence[IssuedReport], card: Scorecard | None = None
) -> dict[int, list[RevisedFigure]]:
    """For each issued version of `report` that is not withdrawn, its figures revised since it was
    issued, in the order of the report (a scorecard's queries and one more; none without issues).
    `card`: the report's scorecard, when the caller has built it already."""
    current = [issued for issued in issues if issued.withdrawn_at is None]
    if not current:
        return {}
    card = card or build_scorecard(report_scope(report), report.period)
    plans = {id(row): plan.title for plan, _, row in card.rows()}
    rows = [row for _, _, row in card.rows()]
    frozen = frozen_by_issue(current)
    revised: dict[int, list[RevisedFigure]] = {}
    for issued in current:
        revised[issued.pk] = [
            RevisedFigure(
                plan=plans[id(row)],
                code=row.code,
                title=row.title,
                figure=FIGURE_LABELS[kind],
                period=row.reported_period if isinstance(row, IndicatorRow) else card.period,
                revision=revision,
                places=row.decimal_places if isinstance(row, IndicatorRow) else 0,
                unit=row.unit if isinstance(row, IndicatorRow) else "%",
            )
            for row, kind, revision in compare(rows, card.period, frozen[issued.pk])
        ]
    return revised
