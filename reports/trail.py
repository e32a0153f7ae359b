"""Breadcrumbs: where a page sits in council › committee › service › plan › item.

One function builds the trail from the object a page shows, so every page reads the same way;
`templates/macros/navigation.html` renders it. A service scrutinised by several committees is
shown under the first by name (each committee's own scorecard links back to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from indicators.models import Action, Committee, Indicator, Plan, Risk, Service


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None = None  # None: the page itself


Trail = list[Crumb]


def _council() -> Crumb:
    return Crumb("Council", reverse("reports:council_scorecard"))


def _committee(committee: Committee) -> Crumb:
    return Crumb(committee.name, reverse("reports:committee_scorecard", args=[committee.slug]))


def _service(service: Service) -> list[Crumb]:
    # One query: the first committee scrutinising the service, if any.
    committee = service.committees.order_by("name").first()
    crumbs = [_committee(committee)] if committee else []
    return [*crumbs, Crumb(service.name, reverse("reports:service_scorecard", args=[service.slug]))]


def _plan(plan: Plan) -> list[Crumb]:
    return [*_service(plan.service), Crumb(plan.title, reverse("reports:plan_scorecard", args=[plan.pk]))]


def _action(action: Action) -> list[Crumb]:
    crumbs = _plan(action.plan)
    if action.parent_id:
        parent = action.parent
        crumbs.append(Crumb(f"{parent.code} {parent.title}", reverse("reports:action", args=[parent.pk])))
    return [*crumbs, Crumb(action.code, reverse("reports:action", args=[action.pk]))]


def _indicator(indicator: Indicator) -> list[Crumb]:
    crumbs = _plan(indicator.plan) if indicator.plan_id else _service(indicator.service)
    return [*crumbs, Crumb(indicator.code, reverse("reports:indicator", args=[indicator.pk]))]


def _risk(risk: Risk) -> list[Crumb]:
    crumbs = _plan(risk.plan) if risk.plan_id else _service(risk.service)
    register = Crumb("Risk register", reverse("service_risks", args=[risk.service.slug]))
    return [*crumbs, register, Crumb(risk.reference, reverse("risk", args=[risk.pk]))]


def trail(obj: Committee | Service | Plan | Action | Indicator | Risk | None, *extra: str) -> Trail:
    """The crumbs from the council down to `obj` (None: the council itself), then `extra` labels
    for pages below it (a register, a form). The last crumb is the page itself: it has no link.

    At most one query (the service's committee); `obj`'s plan, service and parent should be selected.
    """
    if obj is None:
        crumbs = [_council()]
    elif isinstance(obj, Committee):
        crumbs = [_council(), _committee(obj)]
    elif isinstance(obj, Service):
        crumbs = [_council(), *_service(obj)]
    elif isinstance(obj, Plan):
        crumbs = [_council(), *_plan(obj)]
    elif isinstance(obj, Action):
        crumbs = [_council(), *_action(obj)]
    elif isinstance(obj, Indicator):
        crumbs = [_council(), *_indicator(obj)]
    elif isinstance(obj, Risk):
        crumbs = [_council(), *_risk(obj)]
    else:
        raise TypeError(f"No trail for {type(obj).__name__}")
    crumbs += [Crumb(label) for label in extra]
    last = crumbs[-1]
    return [*crumbs[:-1], Crumb(last.label)]
