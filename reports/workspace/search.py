"""Search by code or title for indicators, actions, risks and plans: the box in the header.

Four queries whatever the size of the council (one per group, each reading one row more than it
shows to know whether there are more). Everyone signed in may read scorecards, indicator, action
and risk pages, so every match is listed; what a result offers beyond reading (an update form, a
risk review) is asked of `indicators/permissions.py`, so nobody is shown a link that gives a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse

from indicators.models import Action, Indicator, Plan, Risk
from indicators.periods import Period
from indicators.permissions import can_edit_action, can_edit_indicator, can_review_risk
from indicators.workflow import period_in_round

# Results per group: a search is for finding one thing, not for listing many.
LIMIT = 20
# Shorter queries match too much to be useful.
MIN_LENGTH = 2
MAX_LENGTH = 100


@dataclass(frozen=True)
class Hit:
    code: str
    title: str
    context: str  # the plan or service it belongs to
    url: str
    action_label: str = ""  # what else the user may do with it ("Update", "Review")
    action_url: str = ""


@dataclass
class Group:
    key: str
    label: str  # plural noun, e.g. "Indicators"
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more matched than are shown


@dataclass
class SearchResults:
    query: str
    groups: list[Group]
    message: str = ""  # why nothing was searched for

    @property
    def total(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def clean_query(text: str) -> str:
    """The query as searched: spaces squeezed, cut at `MAX_LENGTH`."""
    return " ".join(text.split())[:MAX_LENGTH]


def _matching(queryset: QuerySet, query: str, code: str = "code") -> QuerySet:
    """Rows whose code or title contains `query`, exact codes first, then codes starting with it."""
    return (
        queryset.filter(Q(**{f"{code}__icontains": query}) | Q(title__icontains=query))
        .annotate(
            _rank=Case(
                When(**{f"{code}__iexact": query}, then=Value(0)),
                When(**{f"{code}__istartswith": query}, then=Value(1)),
                When(**{f"{code}__icontains": query}, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("_rank", code)
    )


def _cut(rows: list, group: Group) -> list:
    group.more = len(rows) > LIMIT
    return rows[:LIMIT]


def search(user, text: str, round_period: Period | None = None) -> SearchResults:
    """What matches `text` for `user`, grouped: indicators, actions, risks, plans.

    `round_period`: the current round's, for the update links offered to those who may edit
    (`workflow.period_in_round` says which period an item reports in it).
    """
    query = clean_query(text)
    groups = [
        Group("indicators", "Indicators"),
        Group("actions", "Actions"),
        Group("risks", "Risks"),
        Group("plans", "Plans"),
    ]
    if len(query) < MIN_LENGTH:
        message = f"Type at least {MIN_LENGTH} characters of a code or title." if query or text else ""
        return SearchResults(query, groups, message)
    indicators, actions, risks, plans = groups

    found = _matching(Indicator.objects.select_related("service", "plan"), query)
    for indicator in _cut(list(found[: LIMIT + 1]), indicators):
        own = period_in_round(round_period, indicator.frequency_enum) if round_period else None
        edit = own is not None and can_edit_indicator(user, indicator)
        indicators.hits.append(
            Hit(
                indicator.code,
                indicator.title + ("" if indicator.active else " (no longer measured)"),
                indicator.plan.title if indicator.plan else indicator.service.name,
                reverse("reports:indicator", args=[indicator.pk]),
                "Enter a value" if edit else "",
                reverse("indicator_update", args=[own.slug, indicator.pk]) if edit else "",
            )
        )

    found = _matching(Action.objects.select_related("plan"), query)
    for action in _cut(list(found[: LIMIT + 1]), actions):
        edit = round_period is not None and can_edit_action(user, action)
        actions.hits.append(
            Hit(
                action.code,
                action.title,
                action.plan.title,
                reverse("reports:action", args=[action.pk]),
                "Update" if edit else "",
                reverse("action_update", args=[round_period.slug, action.pk]) if edit else "",
            )
        )

    found = _matching(Risk.objects.select_related("service"), query, code="reference")
    for risk in _cut(list(found[: LIMIT + 1]), risks):
        review = can_review_risk(user, risk)
        risks.hits.append(
            Hit(
                risk.reference,
                risk.title,
                risk.service.name,
                reverse("risk", args=[risk.pk]),
                "Review" if review else "",
                reverse("review_risk", args=[risk.pk]) if review else "",
            )
        )

    found = _matching(Plan.objects.select_related("service"), query)
    for plan in _cut(list(found[: LIMIT + 1]), plans):
        plans.hits.append(
            Hit(plan.code, plan.title, plan.service.name, reverse("reports:plan_scorecard", args=[plan.pk]))
        )
    return SearchResults(query, groups)
