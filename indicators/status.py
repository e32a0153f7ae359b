"""Status rules: how perfdash decides RAG status, trends, outlooks and action status.

These are the only place the rules live. Scorecards, forms, exports and PDFs all call them, so a
figure shows the same status everywhere. They are pure functions: numbers and dates in, a status
out, no database. Numbers are `Decimal`, so a value exactly on a boundary is judged exactly.

Indicator status for a period (`indicator_status`)
--------------------------------------------------
Checked in this order; the first rule that applies gives the status (the category codes are in
brackets; the council may word them its own way, see `StatusWording`).

1. **Not measured this period** (`not_measured`) - a local measure whose frequency has no period
   ending with the reporting period (a local annual measure at the half year). A measure
   published nationally is never "not measured": it always reports its latest due year (below).
2. **Not yet available** (`not_available`) - a measure published nationally (its source says
   so) whose due year's figure is not in yet; or any figure an officer marked "not available",
   with the reason.
3. **No figure** (`missing`) - a local measure due this period with no entry at all: a gap in
   the returns, listed by code on the scorecard.
4. **Data only** (`data_only`) - the indicator is reported for information (polarity "data
   only"), or no target applies to the period (neither its own nor its year's, see below).
5. **On target (green)** - the value meets or beats the target. For "higher is better", value
   >= target; for "lower is better", value <= target.
6. **Within tolerance (amber)** - the target is missed by no more than the tolerance. The
   tolerance belongs to the target (each indicator and period has its own) and is either an
   absolute amount in the indicator's unit, or a percentage of the target. A value exactly on
   the edge of the tolerance band (`Target.amber_edge`) is amber. With a target of zero a
   percentage tolerance is zero.
7. **Outwith tolerance (red)** - the target is missed by more than the tolerance. Red measures
   need an exception report.

Which target applies (`applicable_target`)
------------------------------------------
A target set for the period itself applies. Otherwise the target set for the financial year
containing the period applies to it, and pages, exports and PDFs say "against the <year>
target". How a part of the year is judged against the year's target is chosen per indicator
(`PartOfYear`):

- **as it is** (the default; rates, percentages, averages): the year's target unchanged;
- **pro rata** (cumulative counts): the year's target times the share of the year the period
  covers, by months (`pro_rata_share`): a half year is judged against half the year's target,
  a quarter against a quarter, a month against a twelfth. An absolute tolerance is scaled the
  same way; a percentage tolerance stays a percentage.

Which period a measure reports (`reported_period`)
--------------------------------------------------
A local measure reports its own period ending with the reporting period, if there is one (at
Q2 a half-yearly measure reports H1; an annual one nothing). A measure published nationally
reports, at any period, the latest of its own periods whose figure should be in by then: the
periods that ended at least its source's publication delay before the end of the reporting
period (`Indicator.Source` holds each source's delay as data). With a delay of six months, at
H1 2022/23 (to 30 September 2022) an annual national measure reports 2021/22, and so it does at
the year end; from H1 2023/24 it reports 2022/23.

Trends (`trend`)
----------------
The short trend compares a value with the previous period; the long trend with the same period
last year. A change counts as **sustained** while it stays within the "no significant change"
band: 5% of the earlier value by default (so 43% -> 41.8% is sustained, 30% -> 26% is not).
An earlier value of zero has no band: any change is significant. Otherwise the change is
**improving** or **declining** according to polarity; for data-only measures it is simply
**increased** or **decreased**. Without both values there is **no comparison**.

Outlook for the year (`outlook`)
--------------------------------
Projects the year-end figure from the year-to-date values and judges it against the annual
target with the indicator status rules: on target -> **likely** to meet the target, within
tolerance -> **may** meet it, outwith -> **unlikely**. How the year-end figure is projected
depends on how the indicator adds up over the year:

- "latest" (a snapshot such as a percentage at quarter end): the latest value;
- "mean" (an average rate): the mean of the year's values so far;
- "sum" (a count such as referrals): the year's total so far, scaled to a full year.

Without an annual target, values, or with a data-only measure, the outlook is **unknown**.

Action status (`action_status`)
-------------------------------
Derived from dates, progress and updates, never typed by hand (except "cancelled"). Checked in
this order, the first that applies wins:

1. **Cancelled** - an officer cancelled the action (with a reason). A cancelled action is never
   overdue.
2. **Completed** - progress is 100%.
3. **Overdue** - the due date has passed and the action is not complete. A revised completion
   date is reported beside it, but does not clear "overdue".
4. **Unassigned** - nobody is assigned to update the action.
5. **Not started** - the start date has not yet arrived.
6. **Neglected** - the action has no update for the reporting period.
7. **Check progress** - progress is behind where the time elapsed says it should be: below 70%
   of the expected progress (Camms' "off track" threshold), judged only once 10% of the
   action's time has passed. Expected progress = time elapsed between start and due date.
8. **Not started** - progress is 0%.
9. **In progress** - otherwise.

A **fall in progress** of 20 points or more since the previous approved update (83% -> 30%) is
flagged to the officer before submitting and to the approver (`progress_fall`).

Roll-up (`rollup_progress`, `rollup_status`)
--------------------------------------------
A group's (and a plan's) progress is the weighted mean of its children's progress. Children
without a weight count with weight 1, so when no weights are set every child counts equally;
a weight of 0 leaves a child out. Cancelled children are left out. Percentages are shown
rounded *down* (`whole_percent`), so 99.6% never reads as complete.
A group's status is its children's most pressing one: overdue, then check progress (which
includes neglected and unassigned children), then in progress; all completed -> completed,
all not started -> not started, all cancelled -> cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from fractions import Fraction

from .periods import Frequency, Period


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    DATA_ONLY = "data_only"


class ToleranceType(StrEnum):
    ABSOLUTE = "absolute"
    PERCENT = "percent"


class Aggregation(StrEnum):
    """How an indicator's values add up over a year (used by the outlook)."""

    LATEST = "latest"
    MEAN = "mean"
    SUM = "sum"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    DATA_ONLY = "data_only"
    NOT_MEASURED = "not_measured"
    NOT_AVAILABLE = "not_available"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return RAG_LABELS[self]


RAG_LABELS = {
    Rag.GREEN: "On target",
    Rag.AMBER: "Within tolerance",
    Rag.RED: "Outwith tolerance",
    Rag.DATA_ONLY: "Data only",
    Rag.NOT_MEASURED: "Not measured this period",
    Rag.NOT_AVAILABLE: "Not yet available",
    Rag.MISSING: "No figure",
}


class PartOfYear(StrEnum):
    """How a part of the year is judged against the year's target (see `applicable_target`)."""

    AS_IT_IS = "as_it_is"
    PRO_RATA = "pro_rata"


class Trend(StrEnum):
    IMPROVING = "improving"
    SUSTAINED = "sustained"
    DECLINING = "declining"
    INCREASED = "increased"
    DECREASED = "decreased"
    NO_COMPARISON = "no_comparison"

    @property
    def label(self) -> str:
        return {
            "improving": "Improving",
            "sustained": "Sustained",
            "declining": "Declining",
            "increased": "Increased",
            "decreased": "Decreased",
            "no_comparison": "No comparison",
        }[self.value]


class Outlook(StrEnum):
    LIKELY = "likely"
    MAY = "may"
    UNLIKELY = "unlikely"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "likely": "Likely to meet target",
            "may": "May meet target",
            "unlikely": "Unlikely to meet target",
            "unknown": "Outlook unknown",
        }[self.value]


class ActionStatus(StrEnum):
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    OVERDUE = "overdue"
    NEGLECTED = "neglected"
    UNASSIGNED = "unassigned"
    CHECK_PROGRESS = "check_progress"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"

    @property
    def label(self) -> str:
        return {
            "completed": "Completed",
            "cancelled": "Cancelled",
            "overdue": "Overdue",
            "neglected": "Neglected",
            "unassigned": "Unassigned",
            "check_progress": "Check progress",
            "not_started": "Not started",
            "in_progress": "In progress",
        }[self.value]


# What each status means, as committee papers explain it ("How to read this report", in the PDF
# and the Word document). Kept beside the rules (`action_status`, `rollup_status`,
# `indicator_status`) so that a change to a rule is a change to its explanation.
ACTION_STATUS_MEANINGS = {
    ActionStatus.COMPLETED: "done: 100% progress reported.",
    ActionStatus.IN_PROGRESS: "progressing as planned.",
    ActionStatus.NOT_STARTED: "its start date has not come yet, or 0% is reported and little of its time has gone.",
    ActionStatus.CHECK_PROGRESS: "behind where it should be by now: under 70% of the progress the time gone suggests.",
    ActionStatus.NEGLECTED: "no update was given for the period.",
    ActionStatus.UNASSIGNED: "no officer is assigned to it.",
    ActionStatus.OVERDUE: "past its due date and not complete.",
    ActionStatus.CANCELLED: "stopped; the update says why.",
}
# A group's or a plan's status is rolled up from its actions' (`rollup_status`).
GROUP_STATUS_MEANING = (
    "A group of actions, and a plan as a whole, is Overdue if any of its actions (cancelled ones "
    "aside) is overdue; otherwise Check progress if any is behind, has no update or has no officer "
    "assigned; otherwise Completed or Not started if all of them are, and In progress if not."
)
RAG_MEANINGS = {
    Rag.GREEN: "meets or beats its target (its own, or the year's where only the year has one: "
    '"against the year\'s target").',
    Rag.AMBER: "misses its target by no more than the tolerance.",
    Rag.RED: "misses by more; it needs an exception report.",
    Rag.DATA_ONLY: "reported without a target.",
    Rag.NOT_AVAILABLE: "a nationally published figure not published yet, or a figure marked not available with a "
    "reason.",
    Rag.MISSING: "due this period, but no approved figure is in.",
    Rag.NOT_MEASURED: "not reported for this period (local annual indicators in a quarterly report, for example); "
    "they are listed together at the end of the scorecard.",
}

TREND_SIGNIFICANCE = Decimal("0.05")
CHECK_PROGRESS_RATIO = Decimal("0.70")
CHECK_PROGRESS_MIN_ELAPSED = Decimal("0.10")
# A fall in an action's progress of this many percentage points or more is flagged (`progress_fall`).
PROGRESS_FALL_FLAG = 20


@dataclass(frozen=True)
class Target:
    value: Decimal
    tolerance: Decimal = Decimal(0)
    tolerance_type: ToleranceType = ToleranceType.ABSOLUTE

    def band(self) -> Decimal:
        """The width of the amber band, in the indicator's unit."""
        tolerance = abs(self.tolerance or Decimal(0))
        if self.tolerance_type == ToleranceType.PERCENT:
            return abs(self.value) * tolerance / Decimal(100)
        return tolerance

    def amber_edge(self, polarity: Polarity) -> Decimal | None:
        """The far edge of the amber band: the worst value still within tolerance (amber).

        The target minus the band when higher is better, plus the band when lower is better.
        Charts shade the band between the target and this edge. None for data-only measures.
        """
        if polarity == Polarity.DATA_ONLY or self.value is None:
            return None
        value = _d(self.value)
        return value - self.band() if polarity == Polarity.HIGHER_IS_BETTER else value + self.band()


@dataclass(frozen=True)
class IndicatorStatus:
    rag: Rag
    reason: str

    @property
    def label(self) -> str:
        return self.rag.label


def _d(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def indicator_status(
    value: Decimal | None,
    target: Target | None,
    polarity: Polarity,
    measured_this_period: bool = True,
    published_nationally: bool = False,
) -> IndicatorStatus:
    """The RAG status of one value against its target. See the module docstring for the rules.

    `value` None means no figure at all (a figure marked "not available" is the caller's to
    report, with its reason: `reports/scorecards/rows.value_status`).
    """
    if not measured_this_period:
        return _NOT_MEASURED
    value = _d(value)
    if value is None:
        return _NOT_PUBLISHED_YET if published_nationally else _NO_FIGURE
    if polarity == Polarity.DATA_ONLY:
        return _DATA_ONLY
    if target is None or target.value is None:
        return _NO_TARGET
    target_value = _d(target.value)
    shortfall = target_value - value if polarity == Polarity.HIGHER_IS_BETTER else value - target_value
    if shortfall <= 0:
        return _MET
    if shortfall <= target.band():
        return _WITHIN_TOLERANCE
    return _MISSED


# Each outcome of `indicator_status` made once, as thousands are judged for a page.
_NOT_MEASURED = IndicatorStatus(Rag.NOT_MEASURED, "The indicator is not reported for this period.")
_NOT_PUBLISHED_YET = IndicatorStatus(Rag.NOT_AVAILABLE, "The published figure is not in yet.")
_NO_FIGURE = IndicatorStatus(Rag.MISSING, "No figure has been entered for this period.")
_DATA_ONLY = IndicatorStatus(Rag.DATA_ONLY, "Reported for information; there is no target.")
_NO_TARGET = IndicatorStatus(Rag.DATA_ONLY, "No target is set for this period.")
_MET = IndicatorStatus(Rag.GREEN, "The target is met.")
_WITHIN_TOLERANCE = IndicatorStatus(Rag.AMBER, "The target is missed, within the tolerance.")
_MISSED = IndicatorStatus(Rag.RED, "The target is missed by more than the tolerance.")


@dataclass(frozen=True)
class AppliedTarget:
    """The target a period is judged against, and where it came from."""

    rule: Target  # as applied: scaled when a year's target is applied pro rata
    period: Period  # the period the target was set for
    share: Decimal = Decimal(1)  # the share of the set target applied (pro rata), else 1

    def from_year(self, judged: Period) -> bool:
        """Whether the year's target was applied to `judged`, a part of that year."""
        return self.period != judged

    @property
    def value(self) -> Decimal:
        return self.rule.value

    def note(self, judged: Period) -> str:
        """ "against the 2022/23 target", or pro rata "1/2 of the 2022/23 target", when the year's
        target was applied to `judged`; "" for the period's own target."""
        return target_note(self.period if self.from_year(judged) else None, self.share)


def target_note(year: Period | None, share: Decimal = Decimal(1)) -> str:
    """ "against the 2022/23 target", or pro rata "1/2 of the 2022/23 target"; "" for the period's own."""
    if year is None:
        return ""
    if share == 1:
        return f"against the {year.label} target"
    part = Fraction(share).limit_denominator(12)
    return f"pro rata: {part.numerator}/{part.denominator} of the {year.label} target"


def pro_rata_share(period: Period) -> Decimal:
    """The share of its financial year that `period` covers, by months (H1 -> 1/2, Q2 -> 1/4)."""
    return Decimal(period.frequency.months) / Decimal(Frequency.ANNUAL.months)


def applicable_target(
    period: Period,
    find: Callable[[Period], Target | None],
    part_of_year: PartOfYear | str = PartOfYear.AS_IT_IS,
) -> AppliedTarget | None:
    """The target `period` is judged against: its own, else its financial year's. See the module docstring.

    `find` returns the target set for a period, or None (a dictionary's `get`, for example).
    """
    own = find(period)
    if own is not None:
        return AppliedTarget(own, period)
    year = period.financial_year_period()
    if year == period:
        return None
    annual = find(year)
    if annual is None:
        return None
    if PartOfYear(part_of_year) == PartOfYear.AS_IT_IS:
        return AppliedTarget(annual, year)
    share = pro_rata_share(period)
    tolerance = annual.tolerance if annual.tolerance_type == ToleranceType.PERCENT else _d(annual.tolerance) * share
    return AppliedTarget(Target(_d(annual.value) * share, tolerance, annual.tolerance_type), year, share)


def reported_period(period: Period, frequency: Frequency, publication_delay_months: int | None) -> Period | None:
    """The measure's own period reported at `period` (None: not measured). See the module docstring.

    `publication_delay_months` is None for a local measure, else how long after a period ends its
    nationally published figure should be in.
    """
    if publication_delay_months is None:
        return period.as_frequency(frequency)
    due_by = _month_number(period.end) - publication_delay_months
    candidate = Period.containing(period.end, frequency)
    while _month_number(candidate.end) > due_by:
        candidate = candidate.previous()
    return candidate


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month


def trend(
    current: Decimal | None,
    earlier: Decimal | None,
    polarity: Polarity,
    significance: Decimal = TREND_SIGNIFICANCE,
) -> Trend:
    """Direction of travel from `earlier` to `current`. See the module docstring."""
    current, earlier = _d(current), _d(earlier)
    if current is None or earlier is None:
        return Trend.NO_COMPARISON
    change = current - earlier
    if abs(change) <= abs(earlier) * significance:
        return Trend.SUSTAINED
    if polarity == Polarity.DATA_ONLY:
        return Trend.INCREASED if change > 0 else Trend.DECREASED
    better = change > 0 if polarity == Polarity.HIGHER_IS_BETTER else change < 0
    return Trend.IMPROVING if better else Trend.DECLINING


def projected_year_end(
    year_to_date: Sequence[Decimal | None],
    periods_in_year: int,
    aggregation: Aggregation,
) -> Decimal | None:
    """The year-end figure projected from the values so far (missing values are skipped)."""
    values = [_d(v) for v in year_to_date if v is not None]
    if not values:
        return None
    if aggregation == Aggregation.LATEST:
        return values[-1]
    if aggregation == Aggregation.MEAN:
        return sum(values, Decimal(0)) / len(values)
    return sum(values, Decimal(0)) / len(values) * periods_in_year


def outlook(
    year_to_date: Sequence[Decimal | None],
    periods_in_year: int,
    annual_target: Target | None,
    polarity: Polarity,
    aggregation: Aggregation,
) -> Outlook:
    """Whether the year's target is likely to be met. See the module docstring."""
    if polarity == Polarity.DATA_ONLY or annual_target is None:
        return Outlook.UNKNOWN
    projected = projected_year_end(year_to_date, periods_in_year, aggregation)
    rag = indicator_status(projected, annual_target, polarity).rag
    return _OUTLOOK_OF.get(rag, Outlook.UNKNOWN)


_OUTLOOK_OF = {Rag.GREEN: Outlook.LIKELY, Rag.AMBER: Outlook.MAY, Rag.RED: Outlook.UNLIKELY}


def expected_progress(start: dt.date, due: dt.date, as_of: dt.date) -> Decimal:
    """Share of an action's time that has passed by `as_of`, from 0 to 1."""
    if due <= start:
        return Decimal(1) if as_of >= due else Decimal(0)
    elapsed = (as_of - start).days
    total = (due - start).days
    return min(Decimal(1), max(Decimal(0), Decimal(elapsed) / Decimal(total)))


def is_finished(progress: int | None, cancelled: bool) -> bool:
    """An action is finished once it is completed (100%) or cancelled: no more updates are due."""
    return cancelled or (progress or 0) >= 100


def progress_fall(previous: int | None, new: int | None) -> int | None:
    """How many points progress fell from the previous approved update to `new`, when it fell by
    `PROGRESS_FALL_FLAG` points or more (83% -> 30%: 53); None otherwise. A fall that large is
    usually a typing slip or a real setback: the officer confirms it before submitting, and the
    approver sees it flagged."""
    if previous is None or new is None:
        return None
    fall = previous - new
    return fall if fall >= PROGRESS_FALL_FLAG else None


def action_status(
    *,
    progress: int | None,
    as_of: dt.date,
    due_date: dt.date | None,
    start_date: dt.date | None,
    cancelled: bool = False,
    assigned: bool = True,
    updated_this_period: bool = True,
) -> ActionStatus:
    """The status of an action on `as_of` (usually the end of the reporting period).

    `updated_this_period` is whether the action has an update for the reporting period.
    See the module docstring for the order of the rules.
    """
    progress = progress or 0
    if is_finished(progress, cancelled):
        return ActionStatus.CANCELLED if cancelled else ActionStatus.COMPLETED
    if due_date is not None and as_of > due_date:
        return ActionStatus.OVERDUE
    if not assigned:
        return ActionStatus.UNASSIGNED
    if start_date is not None and as_of < start_date:
        return ActionStatus.NOT_STARTED
    if not updated_this_period:
        return ActionStatus.NEGLECTED
    if start_date is not None and due_date is not None:
        expected = expected_progress(start_date, due_date, as_of)
        if expected >= CHECK_PROGRESS_MIN_ELAPSED and Decimal(progress) < expected * 100 * CHECK_PROGRESS_RATIO:
            return ActionStatus.CHECK_PROGRESS
    if progress == 0:
        return ActionStatus.NOT_STARTED
    return ActionStatus.IN_PROGRESS


@dataclass(frozen=True)
class Weighted:
    progress: int | Decimal | None
    weight: Decimal | int | None = None
    cancelled: bool = False


def rollup_progress(children: Iterable[Weighted]) -> Decimal | None:
    """Weighted mean progress of the children (0-100), or None when nothing counts."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for child in children:
        if child.cancelled:
            continue
        weight = Decimal(1) if child.weight is None else _d(child.weight)
        total_weight += weight
        total += weight * Decimal(child.progress or 0)
    if total_weight == 0:
        return None
    return total / total_weight


def whole_percent(progress: Decimal | int | None) -> int | None:
    """Progress as a whole percentage, rounded down so 99.6% does not read as complete."""
    if progress is None:
        return None
    return int(Decimal(progress).to_integral_value(rounding=ROUND_FLOOR))


_NEEDS_ATTENTION = {ActionStatus.CHECK_PROGRESS, ActionStatus.NEGLECTED, ActionStatus.UNASSIGNED}


def rollup_status(statuses: Iterable[ActionStatus]) -> ActionStatus | None:
    """A group's status from its children's. See the module docstring."""
    statuses = list(statuses)
    if not statuses:
        return None
    live = [s for s in statuses if s != ActionStatus.CANCELLED]
    if not live:
        return ActionStatus.CANCELLED
    if ActionStatus.OVERDUE in live:
        return ActionStatus.OVERDUE
    if any(s in _NEEDS_ATTENTION for s in live):
        return ActionStatus.CHECK_PROGRESS
    if all(s == ActionStatus.COMPLETED for s in live):
        return ActionStatus.COMPLETED
    if all(s == ActionStatus.NOT_STARTED for s in live):
        return ActionStatus.NOT_STARTED
    return ActionStatus.IN_PROGRESS
