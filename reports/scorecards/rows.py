"""A scorecard's rows: one per action (groups followed by their actions) and one per indicator,
with every status, trend and outlook from the rules in `indicators/status.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from indicators.html import plain_text, truncate
from indicators.models import Indicator
from indicators.periods import Frequency, Period, ReportingPeriods
from indicators.progress import ActionProgress
from indicators.status import (
    ActionStatus,
    AppliedTarget,
    IndicatorStatus,
    Outlook,
    Polarity,
    Rag,
    Trend,
    applicable_target,
    indicator_status,
    outlook,
    target_note,
    trend,
)
from indicators.status import Target as TargetRule

from .load import IndicatorFacts, Targets, Values

if TYPE_CHECKING:
    from .revisions import Revision

SOURCE_LABELS = dict(Indicator.Source.choices)


@dataclass
class ActionRow:
    id: int
    code: str
    title: str
    depth: int
    is_group: bool
    priority: int | None
    desired_outcome: str
    due_date: dt.date | None
    revised_due_date: dt.date | None
    owner: str
    owner_id: int | None
    progress: int | None
    status: ActionStatus | None
    update_period: Period | None
    narrative_html: str = ""
    narrative_summary: str = ""
    narrative_is_long: bool = False
    # Figures revised since the latest issued report ("progress"), by `revisions.attach_revisions`.
    revisions: dict[str, Revision] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else "No actions"


@dataclass
class IndicatorRow:
    id: int
    code: str
    title: str
    unit: str
    decimal_places: int
    polarity: Polarity
    frequency: Frequency
    source: str
    owner: str
    owner_id: int | None
    reported_period: Period | None
    value: Decimal | None
    target: Decimal | None
    status: IndicatorStatus
    short_trend: Trend
    long_trend: Trend
    outlook: Outlook
    last_year_value: Decimal | None
    previous_value: Decimal | None
    commentary: str
    not_available_reason: str = ""
    # The year whose target applied to a part of it ("against the 2022/23 target"), else None.
    target_year: Period | None = None
    target_share: Decimal = Decimal(1)  # the share of the year's target applied (pro rata), else 1
    published_nationally: bool = False
    has_entry: bool = False  # an approved entry (a figure or "not available") for the period reported
    # (period label, value, target, far edge of the tolerance band), oldest first; PDFs only.
    series: list[tuple[str, Decimal | None, Decimal | None, Decimal | None]] = field(default_factory=list)
    exception: dict[str, str] | None = None
    # Figures revised since the latest issued report ("value", "target"), by `revisions.attach_revisions`.
    revisions: dict[str, Revision] = field(default_factory=dict)

    @property
    def rag(self) -> Rag:
        return self.status.rag

    @property
    def target_note(self) -> str:
        """Says when the year's target was applied to a part of it."""
        return target_note(self.target_year, self.target_share)


class RecordedValue(Protocol):
    """An approved value: a scorecard's `ValueRecord` or the `IndicatorValue` itself."""

    value: Decimal | None
    not_available: bool
    not_available_reason: str


def value_status(
    record: RecordedValue | None,
    target: TargetRule | AppliedTarget | None,
    polarity: Polarity,
    measured_this_period: bool = True,
    published_nationally: bool = False,
) -> IndicatorStatus:
    """The status of one period's value: the status rule, except that a value marked "not
    available" is shown as not yet available, with the officer's reason."""
    rule = target.rule if isinstance(target, AppliedTarget) else target
    status = indicator_status(
        record.value if record else None,
        rule,
        polarity,
        measured_this_period=measured_this_period,
        published_nationally=published_nationally,
    )
    if record and record.not_available:
        return IndicatorStatus(Rag.NOT_AVAILABLE, record.not_available_reason or status.reason)
    return status


def target_at(indicator: IndicatorFacts | Indicator, period: Period | None, targets: Targets) -> AppliedTarget | None:
    """The target that applies to the indicator's `period`: its own, else its year's (`status.applicable_target`)."""
    if period is None:
        return None
    return applicable_target(period, lambda p: targets.get((indicator.id, p)), indicator.part_of_year)


def status_at(
    indicator: IndicatorFacts | Indicator, reported: Period | None, values: Values, targets: Targets
) -> IndicatorStatus:
    """The indicator's status for its own `reported` period (None: not measured this period)."""
    record = values.get((indicator.id, reported)) if reported else None
    return _status(indicator, reported, record, target_at(indicator, reported, targets))


def _status(
    indicator: IndicatorFacts | Indicator,
    reported: Period | None,
    record: RecordedValue | None,
    target: AppliedTarget | None,
) -> IndicatorStatus:
    """`status_at`, given the record and the target that applies."""
    return value_status(
        record,
        target,
        indicator.polarity_enum,
        measured_this_period=reported is not None,
        published_nationally=indicator.published_nationally,
    )


def indicator_row(
    indicator: IndicatorFacts,
    periods: ReportingPeriods | None,
    values: Values,
    targets: Targets,
    people: dict[int | None, str],
) -> IndicatorRow:
    """The indicator as the scorecard shows it, for the periods it reports on (None: not measured)."""
    polarity = indicator.polarity_enum
    frequency = indicator.frequency_enum
    published_nationally = indicator.published_nationally
    reported = periods.reported if periods else None

    def value_at(p: Period | None) -> Decimal | None:
        found = values.get((indicator.id, p)) if p else None
        return found.value if found else None

    record = values.get((indicator.id, reported)) if reported else None
    target = target_at(indicator, reported, targets)
    short = long = Trend.NO_COMPARISON
    forecast = Outlook.UNKNOWN
    last_year = previous = None
    series = []
    if periods is not None:
        current = value_at(reported)
        previous = value_at(periods.previous)
        last_year = value_at(periods.last_year)
        short = trend(current, previous, polarity)
        long = trend(current, last_year, polarity)
        forecast = outlook(
            [value_at(p) for p in periods.year_to_date],
            frequency.per_year,
            targets.get((indicator.id, periods.year)),
            polarity,
            indicator.aggregation,
        )
        for p in periods.history:
            applied = target_at(indicator, p, targets)
            rule = applied.rule if applied else None
            series.append(
                (p.label, value_at(p), rule.value if rule else None, rule.amber_edge(polarity) if rule else None)
            )
    return IndicatorRow(
        series=series,
        id=indicator.id,
        code=indicator.code,
        title=indicator.title,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        polarity=polarity,
        frequency=frequency,
        source=SOURCE_LABELS.get(indicator.source, indicator.source),
        owner=people.get(indicator.owner_id, ""),
        owner_id=indicator.owner_id,
        reported_period=reported,
        value=record.value if record else None,
        target=target.value if target else None,
        status=_status(indicator, reported, record, target),
        short_trend=short,
        long_trend=long,
        outlook=forecast,
        last_year_value=last_year,
        previous_value=previous,
        commentary=record.commentary if record else "",
        not_available_reason=record.not_available_reason if record and record.not_available else "",
        target_year=target.period if target and target.from_year(reported) else None,
        target_share=target.share if target else Decimal(1),
        published_nationally=published_nationally,
        has_entry=record is not None,
    )


def walk(node: ActionProgress, depth: int = 0) -> Iterator[tuple[ActionProgress, int]]:
    """The action and everything under it, depth first, with each one's depth."""
    yield node, depth
    for child in node.children:
        yield from walk(child, depth + 1)


def action_row(node: ActionProgress, depth: int, people: dict[int | None, str]) -> ActionRow:
    action = node.action
    update = node.latest_update
    narrative = update.narrative if update else ""  # sanitised when saved (ActionUpdate.save)
    words = plain_text(narrative, sanitised=True)
    summary = truncate(words)
    return ActionRow(
        id=action.id,
        code=action.code,
        title=action.title,
        depth=depth,
        is_group=node.is_group,
        priority=action.priority,
        desired_outcome=action.desired_outcome,
        due_date=action.due_date,
        revised_due_date=update.revised_due_date if update else None,
        owner=people.get(action.assigned_to_id, ""),
        owner_id=action.assigned_to_id,
        progress=node.percent,
        status=node.status,
        update_period=update.period if update else None,
        narrative_html=narrative,
        narrative_summary=summary,
        narrative_is_long=summary != words,
    )
