"""What a scorecard covers: the whole council, a committee's services, a service or one plan."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from indicators.models import Committee, Indicator, Plan, Service


@dataclass(frozen=True)
class Scope:
    """The plans and indicators a scorecard covers; `slug` tells scopes of one kind apart (cache
    keys); scopes with the same `ident` (kind and object id) read the same SQL, so a process may
    keep a query of one compiled (empty: a scope made for one use)."""

    kind: str
    title: str
    plans: QuerySet[Plan]
    indicators: QuerySet[Indicator]
    slug: str = ""
    ident: str = ""


def council_scope() -> Scope:
    return Scope("council", "All services", Plan.objects.all(), Indicator.objects.all(), ident="council")


def committee_scope(committee: Committee) -> Scope:
    services = committee.services.all()
    return Scope(
        "committee",
        committee.name,
        Plan.objects.filter(service__in=services),
        Indicator.objects.filter(service__in=services),
        committee.slug,
        f"committee:{committee.pk}",
    )


def service_scope(service: Service) -> Scope:
    return Scope(
        "service",
        service.name,
        Plan.objects.filter(service=service),
        Indicator.objects.filter(service=service),
        service.slug,
        f"service:{service.pk}",
    )


def plan_scope(plan: Plan) -> Scope:
    return Scope(
        "plan",
        plan.title,
        Plan.objects.filter(pk=plan.pk),
        Indicator.objects.filter(plan=plan),
        str(plan.pk),
        f"plan:{plan.pk}",
    )
