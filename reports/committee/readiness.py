"""Is a committee report ready to go? What is still outstanding before a draft or an issue.

Built once (`build_readiness`) as plain dataclasses, read by the readiness page and by the issue
confirmation, which stores `Readiness.record()` with the render and then the issued report, so the
archive says what was outstanding when the performance team chose to issue anyway.

Six kinds of gap, each listed by plan and code:

- **entries not yet approved**: the report period's action updates, indicator values (for the
  period each indicator reports) and, when the report has a risk register, risk reviews that are
  draft, submitted or returned (a report shows approved data only);
- **red measures without an exception report** (`workflow.missing_exception_report`'s rule, as the
  report's exception appendix reads them);
- **measures with no figure**: due this period (not "not measured") but with no approved value,
  whether never entered or marked "not available";
- **actions with no update**: unfinished actions that are due an update (neither finished nor yet
  to start) whose latest approved update does not speak for the period (`progress.reports_on`),
  so the report would show an older quarter's progress and commentary; those with an update
  waiting for approval are listed under the first kind instead;
- **plans whose declared count of measures differs from those reported** (`Plan.declared_measures`
  against the measures the report covers: `Scorecard.unreconciled`);
- **figures revised since the previous issue** of the same report (not withdrawn), old → new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from indicators.due import STATE_LABELS
from indicators.models import ActionUpdate, IndicatorValue, ReviewState, RiskReview
from indicators.periods import Period
from indicators.progress import reports_on
from indicators.status import ActionStatus, Rag
from indicators.workflow import entry_round_periods
from reports.models import CommitteeReport, IssuedReport
from reports.presentation.numbers import format_number
from reports.scorecards.build import Scorecard, build_scorecard
from reports.scorecards.rows import ActionRow, IndicatorRow
from reports.scorecards.scope import Scope

from .archive import RevisedFigure, revised_since_issue
from .definitions import report_scope

NO_PLAN = "Not in a plan"


@dataclass(frozen=True)
class Gap:
    """One thing outstanding: the item (plan, code, title) and what is missing, in words."""

    plan: str
    code: str
    title: str
    detail: str
    url: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"plan": self.plan, "code": self.code, "title": self.title, "detail": self.detail}


# The kinds of gap, in the order the page and the issued record list them, with their headings.
KINDS = {
    "unapproved": "Entries not yet approved",
    "red_without_exception": "Red measures without an exception report",
    "no_figure": "Measures with no figure",
    "no_update": "Actions with no update for the period",
    "declared": "Plans reporting fewer or more measures than they declare",
    "revised": "Figures revised since the previous issue",
}

# How the one-line summary counts each kind: (one, several).
COUNTED = {
    "unapproved": ("entry not yet approved", "entries not yet approved"),
    "red_without_exception": (
        "red measure without an exception report",
        "red measures without an exception report",
    ),
    "no_figure": ("measure with no figure", "measures with no figure"),
    "no_update": ("action with no update", "actions with no update"),
    "declared": (
        "plan reporting fewer or more measures than it declares",
        "plans reporting fewer or more measures than they declare",
    ),
    "revised": ("figure revised since the previous issue", "figures revised since the previous issue"),
}


@dataclass
class Readiness:
    """What is outstanding for a report (`build_readiness`)."""

    report_id: int
    title: str
    committee: str
    meeting_date: dt.date
    period: Period
    previous_issue: IssuedReport | None
    unapproved: list[Gap] = field(default_factory=list)
    red_without_exception: list[Gap] = field(default_factory=list)
    no_figure: list[Gap] = field(default_factory=list)
    no_update: list[Gap] = field(default_factory=list)
    declared: list[Gap] = field(default_factory=list)
    revised: list[Gap] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[Gap]]]:
        """(kind, heading, gaps) for each kind of gap, in order."""
        return [(kind, heading, getattr(self, kind)) for kind, heading in KINDS.items()]

    @property
    def total(self) -> int:
        return sum(len(gaps) for _, _, gaps in self.sections())

    @property
    def items(self) -> int:
        """How many different items the gaps are about: a measure not yet approved and with no
        figure is two gaps but one item."""
        return len({(gap.plan, gap.code, gap.title) for _, _, gaps in self.sections() for gap in gaps})

    @property
    def ready(self) -> bool:
        return self.total == 0

    def summary(self) -> str:
        """One line: "3 entries not yet approved, 2 measures with no figure" or "Nothing outstanding"."""
        parts = [f"{len(gaps)} {COUNTED[kind][len(gaps) != 1]}" for kind, _, gaps in self.sections() if gaps]
        return ", ".join(parts) if parts else "Nothing outstanding"

    def record(self) -> dict[str, Any]:
        """What the issued report keeps: the summary and every gap, as JSON."""
        return {
            "summary": self.summary(),
            "total": self.total,
            "previous_issue": self.previous_issue.version if self.previous_issue else None,
            **{kind: [gap.as_dict() for gap in gaps] for kind, _, gaps in self.sections()},
        }


def build_readiness(report: CommitteeReport) -> Readiness:
    """What is outstanding for `report` now, in a fixed number of queries (a scorecard's and five)."""
    scope = report_scope(report)
    card = build_scorecard(scope, report.period, with_exceptions=True)
    previous = report.issues.filter(withdrawn_at__isnull=True).defer("pdf", "data").order_by("-version").first()
    readiness = Readiness(
        report_id=report.pk,
        title=report.title,
        committee=report.committee.name,
        meeting_date=report.meeting_date,
        period=report.period,
        previous_issue=previous,
    )
    plan_of_indicator: dict[int, str] = {}
    not_updated: dict[int, Gap] = {}
    for plan, _, row in card.rows():
        if isinstance(row, ActionRow):
            if _needs_update(row, report.period):
                not_updated[row.id] = _no_update(plan.title, row, report.period)
            continue
        if not isinstance(row, IndicatorRow):
            continue
        plan_of_indicator[row.id] = plan.title
        url = reverse("reports:indicator", args=[row.id])
        if row.rag == Rag.RED and not row.exception:
            shown = format_number(row.value, row.decimal_places, row.unit)
            readiness.red_without_exception.append(
                Gap(
                    plan.title,
                    row.code,
                    row.title,
                    f"{shown} against a target of {format_number(row.target, row.decimal_places, row.unit)}",
                    url,
                )
            )
        if row.rag != Rag.NOT_MEASURED and row.value is None:
            reason = row.not_available_reason or "No approved figure"
            period = f" for {row.reported_period.label}" if row.reported_period else ""
            readiness.no_figure.append(Gap(plan.title, row.code, row.title, f"{reason}{period}", url))
    readiness.unapproved, waiting = _unapproved(report, scope, card, plan_of_indicator)
    readiness.no_update = [gap for action_id, gap in not_updated.items() if action_id not in waiting]
    # The plan's own count of its measures (`Plan.declared_measures`) against those reported.
    for plan in card.unreconciled():
        if plan.gap:
            detail = f"The plan declares {plan.declared} measures; this report covers {plan.covered}"
            readiness.declared.append(Gap(plan.plan_title, plan.plan_code, plan.plan_title, detail))
    if previous is not None:
        figures = revised_since_issue(report, [previous], card=card).get(previous.pk, [])
        readiness.revised = _revised(figures, previous)
    for _, _, gaps in readiness.sections():
        gaps.sort(key=lambda gap: (gap.plan == NO_PLAN, gap.plan, gap.code))
    return readiness


# Statuses of an action that is due an update: not finished, and not waiting for its start date
# (`status.action_status` says "Not started" before it, without asking for an update).
DUE_AN_UPDATE = {ActionStatus.OVERDUE, ActionStatus.UNASSIGNED, ActionStatus.NEGLECTED}


def _needs_update(row: ActionRow, period: Period) -> bool:
    return not row.is_group and row.status in DUE_AN_UPDATE and not reports_on(row.update_period, period)


def _no_update(plan: str, row: ActionRow, period: Period) -> Gap:
    latest = f"the latest is for {row.update_period.label}" if row.update_period else "it has never been updated"
    owner = "Nobody is assigned to update it." if row.status == ActionStatus.UNASSIGNED else f"Owner: {row.owner}."
    detail = f"{row.status_label}: no update for {period.label}; {latest}. {owner}"
    return Gap(plan, row.code, row.title, detail, reverse("reports:action", args=[row.id]))


def _state(entry) -> str:
    label = STATE_LABELS[entry.state]
    if entry.state == ReviewState.SUBMITTED:
        return f"{label}, waiting for a decision"
    if entry.state == ReviewState.RETURNED:
        return f"{label} to the officer"
    return label


def _unapproved(
    report: CommitteeReport, scope: Scope, card: Scorecard, plan_of_indicator: dict[int, str]
) -> tuple[list[Gap], set[int]]:
    """The report period's entries in scope that are not approved (three queries), and the ids of
    the actions among them.

    Action updates and risk reviews are made for their round's own period, so every round ending
    with the report's period is asked: for H1, the Q2 and H1 rounds; for a year, Q4, H2 and the
    year (`workflow.entry_round_periods`)."""
    rounds = [p.key for p in entry_round_periods(report.period) if p.end == report.period.end]
    not_approved = ~Q(state=ReviewState.APPROVED)
    updates = list(
        ActionUpdate.objects.filter(not_approved, action__plan__in=scope.plans, period__in=rounds)
        .select_related("action__plan")
        .only("state", "period", "action__code", "action__title", "action__plan__title")
    )
    gaps = [
        Gap(
            update.action.plan.title,
            update.action.code,
            update.action.title,
            f"{_state(update)} ({update.period.label})",
            reverse("reports:action", args=[update.action_id]),
        )
        for update in updates
    ]
    reported = {row.id: row.reported_period for row in card.indicator_rows() if row.reported_period}
    values = IndicatorValue.objects.filter(
        not_approved, indicator__in=scope.indicators.values("id"), period__in={p.key for p in reported.values()}
    ).select_related("indicator")
    gaps += [
        Gap(
            plan_of_indicator.get(value.indicator_id, NO_PLAN),
            value.indicator.code,
            value.indicator.title,
            f"{_state(value)} ({value.period.label})",
            reverse("reports:indicator", args=[value.indicator_id]),
        )
        for value in values
        if reported.get(value.indicator_id) == value.period
    ]
    if report.include_risks:
        reviews = RiskReview.objects.filter(
            not_approved, risk__service__in=scope.plans.values("service"), period__in=rounds
        ).select_related("risk__plan")
        gaps += [
            Gap(
                review.risk.plan.title if review.risk.plan else NO_PLAN,
                review.risk.reference,
                review.risk.title,
                f"Risk review: {_state(review)} ({review.period.label})",
            )
            for review in reviews
        ]
    return gaps, {update.action_id for update in updates}


def _revised(figures: Iterable[RevisedFigure], previous: IssuedReport) -> list[Gap]:
    return [
        Gap(
            figure.plan,
            figure.code,
            figure.title,
            f"{figure.figure} for {figure.period.label}: "
            f"{format_number(figure.revision.old, figure.places, figure.unit)} in version {previous.version}, "
            f"{format_number(figure.revision.new, figure.places, figure.unit)} now",
        )
        for figure in figures
    ]
