"""What a value will show once entered: its RAG status, trends and outlook, by the same rules as
the scorecards (`status.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Indicator, IndicatorValue, Target
from .periods import Period, ReportingPeriods
from .status import IndicatorStatus, Outlook, Trend, applicable_target, indicator_status, outlook, trend


@dataclass(frozen=True)
class Preview:
    status: IndicatorStatus
    short_trend: Trend
    long_trend: Trend
    outlook: Outlook
    target: Target | None


def neighbours(indicator: Indicator, period: Period) -> tuple[dict[Period, IndicatorValue], dict[Period, Target]]:
    """The values and targets around `period` that statuses and the form's side panel need."""
    around = ReportingPeriods.at(period, period.frequency, history=5)
    periods = {around.previous, around.last_year, *around.year_to_date, *around.history}
    values = {v.period: v for v in IndicatorValue.objects.filter(indicator=indicator, period__in=periods)}
    targets = {t.period: t for t in Target.objects.filter(indicator=indicator, period__in=[period, around.year])}
    return values, targets


def preview(
    indicator: Indicator,
    period: Period,
    value: Decimal | None,
    values: dict[Period, IndicatorValue],
    targets: dict[Period, Target],
) -> Preview:
    polarity = indicator.polarity_enum

    def at(p: Period) -> Decimal | None:
        if p == period:
            return value
        found = values.get(p)
        return found.value if found else None

    around = ReportingPeriods.at(period, period.frequency)
    target = targets.get(period)
    annual = targets.get(around.year)
    rules = {p: t.as_rule() for p, t in targets.items()}
    applied = applicable_target(period, rules.get, indicator.part_of_year)
    return Preview(
        status=indicator_status(
            value, applied.rule if applied else None, polarity, published_nationally=indicator.published_nationally
        ),
        short_trend=trend(value, at(around.previous), polarity),
        long_trend=trend(value, at(around.last_year), polarity),
        outlook=outlook(
            [at(p) for p in around.year_to_date],
            indicator.frequency_enum.per_year,
            annual.as_rule() if annual else None,
            polarity,
            indicator.aggregation,
        ),
        target=target,
    )
