"""A round's progress for the performance team: per service and per officer, how many action
updates, indicator values and risk reviews are not started, draft, submitted, returned and
approved, so they know whom to chase before the deadline.

What is due from whom is `due.due_in_round` (actions and indicators: the same answer My updates,
the reminders and the lock page give). A risk's review is due from its owner in every round, for
the round's own period (`workflow.period_in_round`), as the owner's review form asks for it.

A fixed number of queries (ten), whatever the size of the council.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from .due import NOT_STARTED, OUTSTANDING_STATES, STATE_LABELS, due_in_round, risk_reviews_due
from .models import Chase, ReportingRound, ReviewState, Service

# The columns, in the order work moves through them.
STATES = (NOT_STARTED, ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.SUBMITTED, ReviewState.APPROVED)
KINDS = ("action", "indicator", "risk")
KIND_LABELS = {"action": "Action updates", "indicator": "Indicator values", "risk": "Risk reviews"}


@dataclass
class Counts:
    """How many items of one kind are in each state."""

    kind: str
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def outstanding(self) -> int:
        return sum(n for state, n in self.by_state.items() if state in OUTSTANDING_STATES)

    def cells(self) -> list[tuple[str, int]]:
        """(state, count) in column order."""
        return [(state, self.by_state.get(state, 0)) for state in STATES]


@dataclass
class ProgressRow:
    """One service or one person: counts per kind of item."""

    id: int | None
    name: str
    kinds: dict[str, Counts] = field(default_factory=lambda: {kind: Counts(kind) for kind in KINDS})
    email: str = ""
    last_chased: dt.datetime | None = None
    chased_by: str = ""

    def add(self, kind: str, state: str) -> None:
        counts = self.kinds[kind].by_state
        counts[state] = counts.get(state, 0) + 1

    @property
    def counts(self) -> list[Counts]:
        return [self.kinds[kind] for kind in KINDS]

    @property
    def outstanding(self) -> int:
        return sum(c.outstanding for c in self.counts)

    @property
    def chaseable(self) -> int:
        """Outstanding items the reminder lists: all of them (`due.outstanding_by_person` and
        `reminders.outstanding_reviews`)."""
        return self.outstanding


@dataclass
class RoundProgress:
    round: ReportingRound
    today: dt.date
    totals: ProgressRow
    services: list[ProgressRow]
    people: list[ProgressRow]
    state_labels: dict[str, str]

    @property
    def days_left(self) -> int:
        """Days until the deadline (0 on the day, negative once it has passed)."""
        return (self.round.deadline - self.today).days


def round_items(reporting_round: ReportingRound) -> Iterator[tuple[str, str, int, int | None]]:
    """(kind, state, service id, person id) of everything due in the round: action updates and
    indicator values (`due.due_in_round`) and risk reviews (`risk_reviews_due`). Every count of a
    round's progress counts these, so pages agree."""
    for item in due_in_round(reporting_round):
        service_id = item.obj.plan.service_id if item.kind == "action" else item.obj.service_id
        yield item.kind, item.state, service_id, item.person_id
    for review in risk_reviews_due(reporting_round):
        yield "risk", review.state, review.service_id, review.owner_id


def round_progress(reporting_round: ReportingRound, today: dt.date) -> RoundProgress:
    """Counts of the round's items by state, for the whole council, each service and each person."""
    totals = ProgressRow(None, "All services")
    services: dict[int, ProgressRow] = {}
    people: dict[int | None, ProgressRow] = {}
    for kind, state, service_id, person_id in round_items(reporting_round):
        totals.add(kind, state)
        services.setdefault(service_id, ProgressRow(service_id, "")).add(kind, state)
        people.setdefault(person_id, ProgressRow(person_id, "")).add(kind, state)

    for service_id, name in Service.objects.filter(pk__in=services).values_list("id", "name"):
        services[service_id].name = name
    users = (
        get_user_model()
        .objects.filter(pk__in=[p for p in people if p])
        .only("id", "first_name", "last_name", "username", "email")
    )
    for user in users:
        row = people[user.id]
        row.name, row.email = user.get_full_name() or user.username, user.email
    for person_id, sent_at, *by in (
        Chase.objects.filter(reporting_round=reporting_round, person__in=[p for p in people if p])
        .order_by("person_id", "-sent_at")
        .values_list("person_id", "sent_at", "sent_by__first_name", "sent_by__last_name", "sent_by__username")
    ):
        if people[person_id].last_chased is None:
            people[person_id].last_chased = timezone.localtime(sent_at)
            people[person_id].chased_by = f"{by[0] or ''} {by[1] or ''}".strip() or (by[2] or "")
    return RoundProgress(
        round=reporting_round,
        today=today,
        totals=totals,
        services=sorted(services.values(), key=lambda r: r.name),
        # Whoever has most still to hand in first: the people to chase.
        people=sorted(people.values(), key=lambda r: (-r.outstanding, r.name)),
        state_labels=STATE_LABELS,
    )
