"""Benchmarking: how our council compares with its family group and the national figure.

Comparator figures are published once a year (Scotland's LGBF is the usual source) for every
council, including ours; we compare like with like by using the published figure for our
council too, not our own in-year value.

Rules, for performance officers:

- **Rank**: 1 is best. Higher values rank first unless lower is better for the indicator.
  Councils with the same value share a rank and the next rank is skipped ("1, 2, 2, 4"), as
  league tables do. Data-only indicators are not ranked. The family-group rank is among the
  group's councils with a figure that year; the national rank among all councils with one.
- **Family-group average**: the mean of the group's councils with a figure that year (our
  council included, even if it was left out of the group's list), each council counting once.
- **National average**: the published national figure when the data has one (a row marked as
  the national figure, such as "Scotland"); otherwise the mean of all councils with a figure,
  and the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db.models import QuerySet

from .periods import Period
from .status import Polarity

K = TypeVar("K", bound=Hashable)
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CouncilFigure:
    council: str
    value: Decimal
    is_own: bool
    rank: int | None


@dataclass(frozen=True)
class Comparison:
    period: Period
    polarity: Polarity
    family_group: str | None
    figures: list[CouncilFigure]  # the family group's councils, best first
    own_value: Decimal | None
    family_average: Decimal | None
    family_rank: int | None
    family_size: int
    national_average: Decimal | None
    national_is_published: bool
    national_rank: int | None
    national_size: int

    @property
    def ranked(self) -> bool:
        return self.polarity != Polarity.DATA_ONLY


def competition_ranks(values: Mapping[K, Decimal], polarity: Polarity) -> dict[K, int]:
    """Each key's rank, 1 being best; ties share a rank and skip the next ("1, 2, 2, 4")."""
    if polarity == Polarity.DATA_ONLY:
        return {}
    ordered = sorted(values.values(), reverse=polarity == Polarity.HIGHER_IS_BETTER)
    first_place: dict[Decimal, int] = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return {key: first_place[value] for key, value in values.items()}


def mean(values: Collection[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(PLACES)


def compare(
    period: Period,
    polarity: Polarity,
    figures: Mapping[str, Decimal],
    own: str | None,
    family: Collection[str] | None,
    family_group: str | None = None,
    national_figure: Decimal | None = None,
) -> Comparison:
    """Compare `own` with the `family` councils and all councils, from one year's `figures`.

    `figures` holds councils only (not the national row); `national_figure` is the published
    national figure if there is one.
    """
    national_ranks = competition_ranks(figures, polarity)
    members = set(family or ()) | ({own} if own and family is not None else set())
    in_family = {name: value for name, value in figures.items() if name in members}
    family_ranks = competition_ranks(in_family, polarity)
    best_first = sorted(
        in_family.items(),
        key=lambda item: (family_ranks.get(item[0], 0), item[1] if polarity == Polarity.LOWER_IS_BETTER else -item[1]),
    )
    return Comparison(
        period=period,
        polarity=polarity,
        family_group=family_group,
        figures=[CouncilFigure(name, value, name == own, family_ranks.get(name)) for name, value in best_first],
        own_value=figures.get(own) if own else None,
        family_average=mean(list(in_family.values())),
        family_rank=family_ranks.get(own) if own else None,
        family_size=len(in_family),
        national_average=national_figure if national_figure is not None else mean(list(figures.values())),
        national_is_published=national_figure is not None,
        national_rank=national_ranks.get(own) if own else None,
        national_size=len(figures),
    )


@dataclass(frozen=True)
class BenchmarkData:
    """Everything needed to compare indicators, fetched in a fixed number of queries."""

    own: str | None
    national: str | None
    groups: dict[int, tuple[str, frozenset[str]]]  # family group id -> (name, member names)
    values: dict[int, dict[Period, dict[str, Decimal]]]  # indicator id -> year -> council -> value

    def family_for(self, family_group_id: int | None) -> tuple[str | None, frozenset[str] | None]:
        if family_group_id is None:
            if len(self.groups) != 1:
                return None, None
            [family_group_id] = self.groups
        return self.groups.get(family_group_id, (None, None))

    def years(self, indicator_id: int) -> list[Period]:
        """Years with figures, latest first."""
        return sorted(self.values.get(indicator_id, {}), key=lambda p: p.end, reverse=True)

    def comparison(self, indicator, period: Period) -> Comparison:
        by_council = dict(self.values.get(indicator.id, {}).get(period, {}))
        national_figure = by_council.pop(self.national, None) if self.national else None
        name, members = self.family_for(indicator.family_group_id)
        return compare(period, indicator.polarity_enum, by_council, self.own, members, name, national_figure)

    def comparisons(self, indicator) -> list[Comparison]:
        return [self.comparison(indicator, year) for year in self.years(indicator.id)]


def load_benchmark_data(
    indicator_ids: Collection[int] | None = None, *, latest_year_only: bool = False
) -> BenchmarkData:
    """Councils, family groups and comparator figures (for some indicators, or all; each one's
    latest year only, or every year): four queries, five for the latest years."""
    from .models import ComparatorCouncil, ComparatorValue, FamilyGroup

    names: dict[int, str] = {}
    own = national = None
    for council in ComparatorCouncil.objects.all():
        names[council.id] = council.name
        if council.is_own:
            own = council.name
        if council.is_national:
            national = council.name
    groups = {
        group.id: (group.name, frozenset(names[member.id] for member in group.members.all()))
        for group in FamilyGroup.objects.prefetch_related("members")
    }
    figures = ComparatorValue.objects.order_by()
    if indicator_ids is not None:
        figures = figures.filter(indicator_id__in=list(indicator_ids))
    latest = _latest_years(figures) if latest_year_only else None
    if latest is not None:
        figures = figures.filter(period__in=set(latest.values()))
    values: dict[int, dict[Period, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, council_id, period, value in figures.values_list("indicator_id", "council_id", "period", "value"):
        if latest is None or latest.get(indicator_id) == period:
            values[indicator_id][period][names[council_id]] = value
    return BenchmarkData(own, national, groups, {k: dict(v) for k, v in values.items()})


def _latest_years(figures: QuerySet) -> dict[int, Period]:
    """Each indicator's latest year among `figures` (one query)."""
    latest: dict[int, Period] = {}
    for indicator_id, period in figures.values_list("indicator_id", "period").distinct():
        if indicator_id not in latest or period.end > latest[indicator_id].end:
            latest[indicator_id] = period
    return latest
