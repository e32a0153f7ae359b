"""What has been revised since a report went to committee.

Issuing a report freezes its figures (`IssuedFigure`, written with it from the same data as its
PDF): each indicator's value and target for the period it reported, and each action's progress.
A figure on a page is *revised* when it now differs from what the latest issued report that
showed it (and has not been withdrawn) froze; scorecards, indicator pages and the report archive
then say "revised since the report of <date>", with the old and the new figure. The issued PDF
itself never changes.

Corrections to a locked period are how figures usually change after a report
(`indicators.workflow.require_correction_allowed`), but the rule compares figures, not edits: a
value approved after a round was reopened is marked too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone

from indicators.models import Action
from indicators.periods import Period, PeriodError, period_from_key
from indicators.versions import EVERYTHING, bump
from reports.models import IssuedFigure, IssuedReport
from reports.presentation.numbers import shown_value

from .rows import ActionRow, IndicatorRow
from .scope import Scope

VALUE, TARGET, PROGRESS = (kind.value for kind in IssuedFigure.Kind)
FIGURE_LABELS = dict(IssuedFigure.Kind.choices)

# (kind, indicator or action id, period): an indicator's value or target for the period it
# reported, or an action's progress at the report's period.
FigureKey = tuple[str, int, Period]


@dataclass(frozen=True)
class Frozen:
    """A figure as an issued report showed it (None: no figure), and when that report was issued."""

    number: Decimal | None
    issued_at: dt.datetime


@dataclass(frozen=True)
class Revision:
    """A figure that differs from what the report of `issued_at` showed: `old` then, `new` now."""

    issued_at: dt.datetime
    old: Decimal | None
    new: Decimal | None

    @property
    def issued_on(self) -> dt.date:
        return timezone.localtime(self.issued_at).date() if timezone.is_aware(self.issued_at) else self.issued_at.date()


def revision(frozen: Frozen | None, current: Decimal | int | None, places: int) -> Revision | None:
    """The revision of a figure that is now `current`, or None when no issued report showed it or
    it still shows the same: figures are compared as shown, to `places` decimal places (9.9 and
    9.9057 both show as 9.9%, so the published figure stands; the audit history keeps the change).
    No figure then and none now is unchanged too."""
    if frozen is None:
        return None
    new = None if current is None else Decimal(current)
    if frozen.number is None or new is None:
        if frozen.number is new:
            return None
    elif shown_value(frozen.number, places) == shown_value(new, places):
        return None
    return Revision(frozen.issued_at, frozen.number, new)


# Freezing --------------------------------------------------------------------------------------


def _number(text: Any) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def figures_from_snapshot(data: Mapping[str, Any]) -> dict[tuple[str, int, str], Decimal | None]:
    """The figures an issued report showed, from its frozen data (`reports.committee.pdf.snapshot`),
    keyed by (kind, id, period key).

    Indicators count when the report had the indicator scorecard (or, for red ones, the exception
    reports); actions when it had action progress. Indicators not measured that period show no
    figure and are left out.
    """
    appendices = data.get("appendices") or {}
    card = data.get("scorecard") or {}
    sections = [section for plan in card.get("plans") or [] for section in plan.get("sections") or []]
    indicators: list[Mapping[str, Any]] = []
    if appendices.get("indicators"):
        indicators += [row for section in sections for row in section.get("indicators") or []]
    if appendices.get("exceptions"):
        indicators += data.get("red_indicators") or []
    figures: dict[tuple[str, int, str], Decimal | None] = {}
    for row in indicators:
        if row.get("reported_period"):
            figures[(VALUE, row["id"], row["reported_period"])] = _number(row.get("value"))
            figures[(TARGET, row["id"], row["reported_period"])] = _number(row.get("target"))
    if appendices.get("actions") and card.get("period"):
        for section in sections:
            for row in section.get("actions") or []:
                figures[(PROGRESS, row["id"], card["period"])] = _number(row.get("progress"))
    return figures


def freeze_figures(issued: IssuedReport) -> None:
    """Record the figures `issued` showed (one insert), for `latest_frozen` to compare with later."""
    rows = []
    for (kind, object_id, key), number in figures_from_snapshot(issued.data).items():
        try:
            period = period_from_key(key)
        except PeriodError:
            continue
        rows.append(IssuedFigure(issued=issued, kind=kind, object_id=object_id, period=period, number=number))
    IssuedFigure.objects.bulk_create(rows, batch_size=2000)
    # The "revised since" marks of every scorecard follow these figures.
    bump([EVERYTHING])


# Looking up ------------------------------------------------------------------------------------


def latest_frozen(which: Q) -> dict[FigureKey, Frozen]:
    """For each figure matching `which`, what the latest issued report (not withdrawn) showed (one query)."""
    rows = (
        IssuedFigure.objects.filter(which, issued__withdrawn_at__isnull=True)
        .order_by("issued__issued_at", "issued_id")
        .values_list("kind", "object_id", "period", "number", "issued__issued_at")
    )
    # Later reports come last and replace earlier ones.
    return {(kind, object_id, period): Frozen(number, issued_at) for kind, object_id, period, number, issued_at in rows}


def frozen_for_scorecard(scope: Scope, period: Period, reported: Iterable[Period]) -> dict[FigureKey, Frozen]:
    """The frozen figures a scorecard of `scope` at `period` may show: its indicators' values and
    targets for the periods they report (`reported`), and its actions' progress (one query)."""
    return latest_frozen(
        Q(kind__in=[VALUE, TARGET], object_id__in=scope.indicators.values("id"), period__in={p.key for p in reported})
        | Q(kind=PROGRESS, object_id__in=Action.objects.filter(plan__in=scope.plans).values("id"), period=period)
    )


def frozen_for_indicator(indicator_id: int) -> dict[FigureKey, Frozen]:
    """Every frozen value and target of one indicator (one query)."""
    return latest_frozen(Q(kind__in=[VALUE, TARGET], object_id=indicator_id))


def frozen_by_issue(issues: Iterable[IssuedReport]) -> dict[int, dict[FigureKey, Frozen]]:
    """The figures each of these issued reports showed, by issued report id (one query)."""
    issued_at = {issued.pk: issued.issued_at for issued in issues}
    found: dict[int, dict[FigureKey, Frozen]] = {pk: {} for pk in issued_at}
    rows = IssuedFigure.objects.filter(issued__in=list(issued_at)).values_list(
        "issued_id", "kind", "object_id", "period", "number"
    )
    for issued_id, kind, object_id, period, number in rows:
        found[issued_id][(kind, object_id, period)] = Frozen(number, issued_at[issued_id])
    return found


# Comparing -------------------------------------------------------------------------------------


def compare(
    rows: Iterable[ActionRow | IndicatorRow], period: Period, frozen: Mapping[FigureKey, Frozen]
) -> Iterator[tuple[ActionRow | IndicatorRow, str, Revision]]:
    """Each figure of a scorecard's `rows` (at `period`) that differs from its `frozen` figure."""
    for row in rows:
        if isinstance(row, IndicatorRow):
            if row.reported_period is None:
                continue
            for kind, current in ((VALUE, row.value), (TARGET, row.target)):
                found = revision(frozen.get((kind, row.id, row.reported_period)), current, row.decimal_places)
                if found:
                    yield row, kind, found
        else:
            found = revision(frozen.get((PROGRESS, row.id, period)), row.progress, 0)
            if found:
                yield row, PROGRESS, found


def attach_revisions(rows: Iterable[ActionRow | IndicatorRow], period: Period, frozen: Mapping[FigureKey, Frozen]):
    """Give each row its revised figures (`row.revisions[kind]`), for the page to mark."""
    for row, kind, found in compare(rows, period, frozen):
        row.revisions[kind] = found
