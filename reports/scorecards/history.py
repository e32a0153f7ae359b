"""An indicator's own page: every period it has reported, judged as the scorecard judges it
(the same status and trend helpers, `rows.value_status` and `status.trend`), with the figures
revised since the latest issued report marked as the scorecard marks them (`revisions.py`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indicators.models import Indicator, IndicatorValue, ReviewState, Target
from indicators.periods import Period
from indicators.status import AppliedTarget, IndicatorStatus, Trend, applicable_target, trend

from .load import load_indicator_targets, load_indicator_values
from .revisions import TARGET, VALUE, Revision, frozen_for_indicator, revision
from .rows import target_note, value_status


@dataclass(frozen=True)
class HistoryRow:
    period: Period
    value: IndicatorValue | None
    target: Target | None
    status: IndicatorStatus
    trend: Trend  # against the previous period, as the scorecard's short trend
    amber_edge: Decimal | None  # the far edge of the tolerance band (charts)
    applied: AppliedTarget | None = None  # the target judged against: the period's own, else its year's
    revisions: dict[str, Revision] = field(default_factory=dict)  # "value", "target" revised since issue

    @property
    def target_note(self) -> str:
        """Says when the year's target was applied to this part of it."""
        from_year = self.applied is not None and self.applied.from_year(self.period)
        return target_note(self.applied.period, self.applied.share) if from_year else ""


@dataclass(frozen=True)
class IndicatorHistory:
    rows: list[HistoryRow]  # oldest first, up to the latest value
    targets: list[Target]  # every target, latest first, including those set for later periods

    @property
    def latest_target(self) -> Target | None:
        """The target set for the latest period in the history that one applies to (its own or its year's)."""
        applied = next((row.applied for row in reversed(self.rows) if row.applied), None)
        return next((t for t in self.targets if applied and t.period == applied.period), None)

    def series(self) -> list[tuple[Period, Decimal | None, Decimal | None, Decimal | None]]:
        """(period, value, target applied, far edge of the tolerance band), oldest first, for the chart."""
        return [
            (
                row.period,
                row.value.value if row.value else None,
                row.applied.value if row.applied else None,
                row.amber_edge,
            )
            for row in self.rows
        ]


def indicator_history(indicator: Indicator) -> IndicatorHistory:
    """The indicator's approved values against their targets, in its own periods (three queries).

    The history runs to the latest value; targets set for later periods are listed with the targets.
    """
    values = load_indicator_values(indicator)
    targets = load_indicator_targets(indicator)
    frozen = frozen_for_indicator(indicator.id)
    polarity, own_frequency = indicator.polarity_enum, indicator.frequency_enum
    latest = max((p.end for p in values if p.frequency == own_frequency), default=None)
    periods = sorted(
        p for p in set(values) | set(targets) if p.frequency == own_frequency and latest and p.end <= latest
    )
    rules = {p: t.as_rule() for p, t in targets.items()}
    rows = []
    for period in periods:
        value, target = values.get(period), targets.get(period)
        previous = values.get(period.previous())
        applied = applicable_target(period, rules.get, indicator.part_of_year)
        rule = applied.rule if applied else None
        revised = {
            kind: found
            # The target as the scorecard showed it (and froze it): the applied one.
            for kind, current in ((VALUE, value.value if value else None), (TARGET, applied.value if applied else None))
            if (found := revision(frozen.get((kind, indicator.id, period)), current, indicator.decimal_places))
        }
        rows.append(
            HistoryRow(
                period=period,
                value=value,
                target=target,
                status=value_status(value, rule, polarity, published_nationally=indicator.published_nationally),
                trend=trend(value.value if value else None, previous.value if previous else None, polarity),
                amber_edge=rule.amber_edge(polarity) if rule else None,
                applied=applied,
                revisions=revised,
            )
        )
    latest_first = sorted(targets.values(), key=lambda t: (t.period.end, -t.period.frequency.months), reverse=True)
    return IndicatorHistory(rows, latest_first)


# How an audit record's figures are written in a timeline: (label, field, the field's value as text).
TimelineFigure = tuple[str, str, Callable[[Any], str]]


def with_figure_changes(records: list[Any], figures: Sequence[TimelineFigure]) -> list[Any]:
    """The audit records (newest first, of one indicator's values or one action's updates), each
    given `changes`: what its save did to the `figures`, against the same entry's approved record
    before ("Value from 9.9% to 8.7%"), or, for its first approved record, what it was approved with
    ("Value 9.9%"). A timeline then shows what a correction changed beside its reason, from the
    rows it has. Only approved records show figures: everyone may read a timeline, and figures are
    shown to all only once approved (a draft's or a submission's figure is not)."""
    before: dict[int, Any] = {}
    for record in reversed(records):
        record.changes = []
        if record.state != ReviewState.APPROVED:
            continue
        earlier = before.get(record.id)
        changes = []
        for label, name, shown in figures:
            new = getattr(record, name)
            if earlier is None:
                if new is not None:
                    changes.append(f"{label} {shown(new)}")
            elif getattr(earlier, name) != new:
                changes.append(f"{label} from {shown(getattr(earlier, name))} to {shown(new)}")
        record.changes = changes
        before[record.id] = record
    return records
