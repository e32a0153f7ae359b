"""Narrowing a scorecard to some statuses, one owner or a search, from the page's query string."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from indicators.status import RAG_LABELS, ActionStatus, Rag

# "Needs attention": what a manager looks at first.
NEEDS_ATTENTION = frozenset(
    {
        Rag.RED.value,
        Rag.AMBER.value,
        Rag.MISSING.value,  # a figure due and not entered, as a neglected action
        ActionStatus.OVERDUE.value,
        ActionStatus.CHECK_PROGRESS.value,
        ActionStatus.NEGLECTED.value,
        ActionStatus.UNASSIGNED.value,
    }
)
STATUS_LABELS = {s.value: s.label for s in ActionStatus} | {r.value: label for r, label in RAG_LABELS.items()}
# "Only red and amber": indicators outwith and within tolerance, and the actions shown in the
# same colours (overdue and neglected; behind or unassigned: a test keeps the two in step).
RED_AND_AMBER = [
    Rag.RED.value,
    Rag.AMBER.value,
    ActionStatus.OVERDUE.value,
    ActionStatus.NEGLECTED.value,
    ActionStatus.CHECK_PROGRESS.value,
    ActionStatus.UNASSIGNED.value,
]
RED_AND_AMBER_QUERY = "&".join(f"status={code}" for code in RED_AND_AMBER)
MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    statuses: frozenset[str] = frozenset()
    owner: int | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.statuses or self.owner or self.query)

    def matches(self, code: str, title: str, status: str | None, owner_id: int | None) -> bool:
        """Whether a row passes every filter; the search looks in codes and titles, ignoring case."""
        if self.statuses and status not in self.statuses:
            return False
        if self.owner and owner_id != self.owner:
            return False
        if self.query:
            needle = self.query.casefold()
            return needle in code.casefold() or needle in title.casefold()
        return True


def parse_filters(params: QueryDict) -> Filters:
    """Filters from a query string: ?status=red&status=amber&owner=12&q=kinship (or status=attention).

    Unknown statuses and owners that are not numbers are ignored rather than refused.
    """
    statuses = set(params.getlist("status"))
    if "attention" in statuses:
        statuses = (statuses - {"attention"}) | NEEDS_ATTENTION
    statuses &= set(STATUS_LABELS)
    owner = params.get("owner", "")
    return Filters(
        statuses=frozenset(statuses),
        owner=int(owner) if owner.isdigit() else None,
        query=params.get("q", "").strip()[:MAX_QUERY],
    )
