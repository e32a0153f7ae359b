"""Small factories for tests: data built in code, with named personas."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from indicators.models import (
    Action,
    ActionUpdate,
    Committee,
    Directorate,
    Indicator,
    IndicatorValue,
    Plan,
    ReportingRound,
    ReviewState,
    Role,
    Service,
    Target,
)
from indicators.periods import Period

_numbers = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_service(name: str | None = None) -> Service:
    n = next(_numbers)
    directorate, _ = Directorate.objects.get_or_create(name="Test directorate")
    name = name or f"Service {n}"
    return Service.objects.create(directorate=directorate, name=name, slug=f"service-{n}")


def make_user(username: str, role: str | None = None, service: Service | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        Role.objects.create(user=user, kind=role, service=service)
    return user


def make_performance_user(username: str = "performance") -> User:
    """A member of the performance team: staff through the role alone, never a superuser."""
    return make_user(username, Role.Kind.PERFORMANCE)


def personas(service: Service) -> dict:
    """The four people every feature is tested with, plus an officer of another service.

    "admin" is the performance team: it reaches the set-up screens through its role, not as a
    superuser, so the role's own permission checks are what the tests exercise.
    """
    return {
        "admin": make_performance_user("admin"),
        "approver": make_user("approver", Role.Kind.APPROVER, service),
        "officer": make_user("officer", Role.Kind.OFFICER, service),
        "member": make_user("member", Role.Kind.MEMBER),
        "other_officer": make_user("other_officer", Role.Kind.OFFICER, make_service()),
    }


def make_committee(*services: Service, name: str | None = None) -> Committee:
    n = next(_numbers)
    committee = Committee.objects.create(name=name or f"Committee {n}", slug=f"committee-{n}")
    committee.services.set(services)
    return committee


def make_plan(service: Service | None = None, first_year: int = 2020, last_year: int = 2022, **extra) -> Plan:
    n = next(_numbers)
    return Plan.objects.create(
        code=extra.pop("code", f"PLAN{n}"),
        title=extra.pop("title", f"Plan {n}"),
        service=service or make_service(),
        first_year=first_year,
        last_year=last_year,
        **extra,
    )


def make_action(plan: Plan, code: str | None = None, **extra) -> Action:
    n = next(_numbers)
    extra.setdefault("due_date", dt.date(plan.last_year + 1, 3, 31))
    return Action.objects.create(plan=plan, code=code or f"A{n}", title=extra.pop("title", f"Action {n}"), **extra)


def make_update(action: Action, period: str, progress: int | None, **extra) -> ActionUpdate:
    """An approved update, unless `state` says otherwise."""
    extra.setdefault("state", ReviewState.APPROVED)
    return ActionUpdate.objects.create(action=action, period=Period.parse(period), progress=progress, **extra)


def make_indicator(service: Service | None = None, **extra) -> Indicator:
    n = next(_numbers)
    return Indicator.objects.create(
        code=extra.pop("code", f"PI{n}"),
        title=extra.pop("title", f"Indicator {n}"),
        service=service or make_service(),
        **extra,
    )


def make_target(indicator: Indicator, period: str, value, tolerance=0, **extra) -> Target:
    return Target.objects.create(
        indicator=indicator,
        period=Period.parse(period),
        value=Decimal(str(value)),
        tolerance=Decimal(str(tolerance)),
        **extra,
    )


def make_value(indicator: Indicator, period: str, value, **extra) -> IndicatorValue:
    """An approved value, unless `state` says otherwise."""
    extra.setdefault("state", ReviewState.APPROVED)
    return IndicatorValue.objects.create(
        indicator=indicator, period=Period.parse(period), value=None if value is None else Decimal(str(value)), **extra
    )


def make_round(period: str, deadline=None, locked: bool = False) -> ReportingRound:
    period_obj = Period.parse(period)
    reporting_round = ReportingRound.objects.create(
        period=period_obj, deadline=deadline or period_obj.end + dt.timedelta(days=21)
    )
    if locked:
        from django.utils import timezone

        reporting_round.locked_at = timezone.now()
        reporting_round.save()
    return reporting_round
