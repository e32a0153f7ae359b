"""The home page, per role: what each person has to do or look at, built once as dataclasses.

- **Officers and approvers** (anyone entering updates for a service): what is due from them in
  the open rounds, soonest deadline first (`indicators/due.py`, the rule My updates and the
  reminders use), and what was returned to them with the approver's comment.
- **Approvers**: the entries waiting for their decision (`permissions.entries_awaiting_review`,
  the review queue's own QuerySet).
- **Committee members**: each committee's indicators by status (red, amber, on target: the
  committee scorecard's own summary, `reports/scorecards/build.py`, at the period it opens on)
  and the latest issued reports.
- **The performance team**: each open round's progress (due items by state, from `round_items`, as
  the round's progress page counts them)
  with its deadline and days left, and the committee reports not yet issued.

Someone with several roles gets each of their sections. The number of queries does not grow with
the number of items, people or reports; it grows by one `round_items` (`due_in_round`'s six queries
and two for risk reviews) per open round, of which there are rarely more than two, and the
committee cards are cached (see `committee_cards`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from indicators.due import NOT_STARTED, OUTSTANDING_STATES, STATE_LABELS, DueItem, due_in_round, risk_reviews_due
from indicators.models import Committee, DataVersion, ReportingRound, ReviewState, RiskReview
from indicators.periods import Period
from indicators.permissions import UserRoles, entries_awaiting_review
from indicators.round_progress import KIND_LABELS, STATES, round_items
from indicators.round_progress import KINDS as ROUND_KINDS
from indicators.status import Rag
from indicators.versions import EVERYTHING
from indicators.workflow import period_in_round
from reports.models import CommitteeReport, IssuedReport, current_versions
from reports.scorecards.build import build_scorecard
from reports.scorecards.cache import get, page_key, put, version_text
from reports.scorecards.scope import committee_scope

# Shown on the home page before "see all": enough to act on, short enough to scan.
SHOWN = 10
LATEST_REPORTS = 5  # issued reports on a member's home
# The statuses a committee's card counts: what needs scrutiny first.
SHOWN_STATUSES = [Rag.RED, Rag.AMBER, Rag.GREEN]
# The order of states in the round progress table, as work moves through them.


@dataclass(frozen=True)
class Task:
    """Something for the officer to do: enter or correct one item's update for a period."""

    kind: str  # "Action", "Indicator", "Risk review"
    code: str
    title: str
    period: Period
    state: str
    state_label: str
    deadline: dt.date
    days_left: int
    url: str  # the form
    comment: str = ""  # the approver's, when returned
    returned_by: str = ""


@dataclass(frozen=True)
class Waiting:
    """An entry submitted for the approver's decision."""

    kind: str
    code: str
    title: str
    period: Period
    submitted_by: str
    submitted_at: dt.datetime | None
    url: str  # the item's page


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class RoundProgress:
    round: ReportingRound
    days_left: int
    kinds: list[tuple[str, list[StateCount]]]  # ("Actions", counts by state), ("Indicators", ...)
    outstanding: int
    total: int


@dataclass(frozen=True)
class CommitteeCard:
    """A committee's indicators by status at the period its scorecard shows."""

    name: str
    slug: str
    period: Period
    counts: list[StateCount]  # red, amber, on target: status code, the status's words, how many
    indicators: int


@dataclass
class Home:
    roles: UserRoles
    today: dt.date
    show_updates: bool = False
    due: list[Task] = field(default_factory=list)  # the first `SHOWN`
    due_total: int = 0
    returned: list[Task] = field(default_factory=list)
    show_review: bool = False
    waiting: list[Waiting] = field(default_factory=list)
    waiting_total: int = 0
    show_committees: bool = False
    committees: list[CommitteeCard] = field(default_factory=list)
    own_committees: set[str] = field(default_factory=set)  # slugs of the committees the member sits on
    latest_reports: list[IssuedReport] = field(default_factory=list)
    show_rounds: bool = False
    rounds: list[RoundProgress] = field(default_factory=list)
    to_issue: list[CommitteeReport] = field(default_factory=list)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _task(item: DueItem, reporting_round: ReportingRound, today: dt.date) -> Task:
    entry = item.entry
    return Task(
        kind="Action" if item.kind == "action" else "Indicator",
        code=item.obj.code,
        title=item.obj.title,
        period=item.period,
        state=item.state,
        state_label=item.state_label,
        deadline=reporting_round.deadline,
        days_left=(reporting_round.deadline - today).days,
        url=reverse(f"{item.kind}_update", args=[item.period.slug, item.obj.pk]),
        comment=entry.review_comment if entry and item.state == ReviewState.RETURNED else "",
    )


def _updates(home: Home, user, rounds: list[ReportingRound]) -> None:
    """Due from the user (soonest deadline first) and returned to them, in the open rounds."""
    for reporting_round in rounds:  # soonest deadline first (`ReportingRound.objects.open`)
        for item in due_in_round(reporting_round, [user.pk]):
            if not item.outstanding:
                continue
            task = _task(item, reporting_round, home.today)
            (home.returned if item.state == ReviewState.RETURNED else home.due).append(task)
        # The reviews of the risks they own, not started or in draft (returned ones follow): in the
        # current round only, the one a risk's review page opens (`workflow.current_round`).
        if reporting_round is not rounds[0]:
            continue
        for review in risk_reviews_due(reporting_round, [user.pk]):
            if review.outstanding and review.state != ReviewState.RETURNED:
                deadline = reporting_round.deadline
                home.due.append(
                    Task(
                        "Risk review",
                        review.reference,
                        review.title,
                        period_in_round(reporting_round.period),
                        review.state,
                        STATE_LABELS[review.state],
                        deadline,
                        (deadline - home.today).days,
                        reverse("review_risk", args=[review.risk_id]),
                    )
                )
    deadlines = {r.period: r.deadline for r in rounds}
    returned_reviews = (
        RiskReview.objects.filter(state=ReviewState.RETURNED, period__in=list(deadlines))
        .filter(Q(risk__owner=user) | Q(submitted_by=user))
        .select_related("risk", "reviewed_by")
        .order_by("risk__reference")
    )
    for review in returned_reviews:
        deadline = deadlines[review.period]
        home.returned.append(
            Task(
                "Risk review",
                review.risk.reference,
                review.risk.title,
                review.period,
                review.state,
                STATE_LABELS[review.state],
                deadline,
                (deadline - home.today).days,
                reverse("review_risk", args=[review.risk_id]),
                review.review_comment,
                _name(review.reviewed_by),
            )
        )
    # Not started before drafts within a deadline: nothing done yet is the bigger risk. The sort is
    # stable, so within those the order is My updates' (actions by plan, then indicators by code).
    rank = {NOT_STARTED: 0, ReviewState.DRAFT: 1}
    home.due.sort(key=lambda t: (t.deadline, rank.get(t.state, 2)))
    home.due_total = len(home.due)
    home.due = home.due[:SHOWN]
    home.returned.sort(key=lambda t: (t.deadline, t.code))


_WAITING = [
    ("action", "Action", "action", "reports:action"),
    ("indicator", "Indicator", "indicator", "reports:indicator"),
    ("risk", "Risk review", "risk", "risk"),
]


def _review(home: Home, user) -> None:
    """What waits for the approver: the review queue's entries, oldest submission first."""
    for kind, label, attr, route in _WAITING:
        entries = entries_awaiting_review(user, kind).select_related("submitted_by").order_by("submitted_at", "pk")
        for entry in entries:
            obj = getattr(entry, attr)
            home.waiting.append(
                Waiting(
                    label,
                    obj.reference if kind == "risk" else obj.code,
                    obj.title,
                    entry.period,
                    _name(entry.submitted_by),
                    entry.submitted_at,
                    reverse(route, args=[obj.pk]),
                )
            )
    home.waiting.sort(key=lambda w: (w.submitted_at is None, w.submitted_at or dt.datetime.min, w.code))
    home.waiting_total = len(home.waiting)
    home.waiting = home.waiting[:SHOWN]


def committee_cards() -> list[CommitteeCard]:
    """Each committee's scorecard summary (`build_scorecard`'s own counts by status) at the
    period its scorecard opens on, so a card says what the member finds on clicking it.

    Cached under the data versions of every plan (`indicators/versions.py`): the same for
    everyone, built again only when the data changes (then about a dozen queries per committee;
    once cached, one query in all)."""

    def build() -> list[CommitteeCard]:
        cards = []
        for committee in Committee.objects.order_by("name"):
            scorecard = build_scorecard(committee_scope(committee))
            shown = {c.status: c for c in scorecard.indicator_summary}
            counts = [StateCount(rag.value, shown[rag.value].label, shown[rag.value].count) for rag in SHOWN_STATUSES]
            # Those with no figure yet, so that a period just begun (one figure in, on target)
            # does not read as a committee's measures all being on target.
            missing = next((c for c in scorecard.indicator_counts if c.status == Rag.MISSING), None)
            if missing is not None and missing.count:
                counts.append(StateCount(Rag.MISSING.value, missing.label, missing.count))
            cards.append(
                CommitteeCard(
                    committee.name, committee.slug, scorecard.period, counts, indicators=scorecard.indicator_total
                )
            )
        return cards

    # A card counts any plan its committee scrutinises: every plan's version and "all" (one query).
    current = dict(
        DataVersion.objects.filter(Q(key=EVERYTHING) | Q(key__startswith="plan:")).values_list("key", "version")
    )
    key = page_key(["home-committee-cards:2", version_text(current)])
    cards = get(key)
    if cards is None:
        cards = build()
        put(key, cards)
    return cards


def _committees(home: Home, user) -> None:
    """Every committee's card, those the member sits on first (marked as theirs)."""
    own = set(Committee.objects.filter(members=user).values_list("slug", flat=True))
    cards = committee_cards()
    home.committees = [c for c in cards if c.slug in own] + [c for c in cards if c.slug not in own]
    home.own_committees = own
    # Each report's current version only (a re-issue replaces the earlier one), newest first.
    recent = list(
        IssuedReport.objects.current()
        .select_related("report", "report__committee")
        .defer("pdf", "data")
        .order_by("-issued_at", "-version")[: LATEST_REPORTS * 4]
    )
    current = current_versions(recent)
    home.latest_reports = [issued for issued in recent if issued.version == current[issued.report_id]]
    home.latest_reports = home.latest_reports[:LATEST_REPORTS]


def round_progress(reporting_round: ReportingRound, today: dt.date) -> RoundProgress:
    """Everything due in the round by kind and state (`round_progress.round_items`, as the round's
    progress page counts it), with the days left."""
    counts: dict[str, Counter] = {kind: Counter() for kind in ROUND_KINDS}
    for kind, state, _, _ in round_items(reporting_round):
        counts[kind][state] += 1
    kinds = [
        (KIND_LABELS[kind], [StateCount(state, STATE_LABELS[state], counts[kind][state]) for state in STATES])
        for kind in ROUND_KINDS
    ]
    return RoundProgress(
        reporting_round,
        (reporting_round.deadline - today).days,
        kinds,
        outstanding=sum(c[s] for c in counts.values() for s in OUTSTANDING_STATES),
        total=sum(sum(c.values()) for c in counts.values()),
    )


def _performance(home: Home, rounds: list[ReportingRound]) -> None:
    home.rounds = [round_progress(r, home.today) for r in rounds]
    issued = IssuedReport.objects.current().filter(report=OuterRef("pk"))
    home.to_issue = list(
        CommitteeReport.objects.filter(~Exists(issued))
        .select_related("committee")
        .order_by("meeting_date", "title")[:SHOWN]
    )


def build_home(user, roles: UserRoles, today: dt.date) -> Home:
    """The sections `user` sees, by their roles (`roles`: `permissions.user_roles(user)`)."""
    home = Home(roles, today)
    home.show_updates = bool(roles.edits_for)
    home.show_review = bool(roles.approver_for)
    home.show_rounds = roles.performance
    # Members, and anyone signed in with no role yet: everyone may read the scorecards.
    home.show_committees = roles.member or not (roles.performance or roles.edits_for)
    rounds = list(ReportingRound.objects.open()) if home.show_updates or home.show_rounds else []
    if home.show_updates:
        _updates(home, user, rounds)
    if home.show_review:
        _review(home, user)
    if home.show_committees:
        _committees(home, user)
    if home.show_rounds:
        _performance(home, rounds)
    return home
