"""What a value will show once entered: its RAG status, trends and outlook, by the same rules as
the scorecards (`status.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Indicator, IndicatorValue, Target
from .periods import Period
from .status import IndicatorStatus, Outlook, Trend, indicator_status, outlook, trend


@dataclass(frozen=True)
class Preview:
    status: IndicatorStatus
    short_trend: Trend
    long_trend: Trend
    outlook: Outlook
    target: Target | None


def neighbours(indicator: Indicator, period: Period) -> tuple[dict[Period, IndicatorValue], dict[Period, Target]]:
    """The values and targets around `period` that statuses and the form's side panel need."""
    periods = {period.previous(), period.same_period_last_year(), *period.year_to_date()}
    back = period
    for _ in range(4):
        back = back.previous()
        periods.add(back)
    values = {v.period: v for v in IndicatorValue.objects.filter(indicator=indicator, period__in=periods)}
    targets = {
        t.period: t
        for t in Target.objects.filter(indicator=indicator, period__in=[period, period.financial_year_period()])
    }
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

    target = targets.get(period)
    annual = targets.get(period.financial_year_period())
    return Preview(
        status=indicator_status(value, target.as_rule() if target else None, polarity),
        short_trend=trend(value, at(period.previous()), polarity),
        long_trend=trend(value, at(period.same_period_last_year()), polarity),
        outlook=outlook(
            [at(p) for p in period.year_to_date()],
            indicator.frequency_enum.per_year,
            annual.as_rule() if annual else None,
            polarity,
            indicator.aggregation,
        ),
        target=target,
    )
