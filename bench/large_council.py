"""A large council for benchmarks: 30 services, 1,000 actions, 1,000 indicators, 20 quarters.

Written with bulk operations (no audit history: this is benchmark data, not user edits).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from indicators.models import (
    Action,
    ActionUpdate,
    Committee,
    ComparatorCouncil,
    ComparatorValue,
    Directorate,
    FamilyGroup,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReviewState,
    Service,
    Target,
)
from indicators.periods import Period

NARRATIVE = (
    "<p>Progress this quarter was in line with the milestones agreed by the project board. "
    "Recruitment to the two remaining posts completed and training for staff is booked.</p>"
    "<ul><li>Partnership workshop held with the third sector.</li><li>Next review in the autumn.</li></ul>"
)


def quarters_ending(last: Period, count: int) -> list[Period]:
    periods = [last]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


@transaction.atomic
def generate(
    services: int = 30, actions: int = 1000, indicators: int = 1000, quarters: int = 20, last: str = "Q2 2022/23"
) -> Period:
    rng = random.Random(20221)  # noqa: S311 - repeatable benchmark data, not security
    periods = quarters_ending(Period.parse(last), quarters)
    first_year, last_year = periods[0].year, periods[-1].year + 1
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bench-officer-{i}", first_name="Officer", last_name=str(i)) for i in range(60)]
    )
    directorate = Directorate.objects.create(name="Bench directorate")
    service_objs = Service.objects.bulk_create(
        [
            Service(directorate=directorate, name=f"Bench service {i}", slug=f"bench-service-{i}")
            for i in range(services)
        ]
    )
    for c in range(3):
        committee = Committee.objects.create(name=f"Bench committee {c}", slug=f"bench-committee-{c}")
        committee.services.set(service_objs[c::3])
    plans = Plan.objects.bulk_create(
        [
            Plan(
                code=f"BENCH-{i}",
                title=f"Bench service plan {i}",
                service=s,
                first_year=first_year,
                last_year=last_year,
            )
            for i, s in enumerate(service_objs)
        ]
    )
    outcomes = Outcome.objects.bulk_create(
        [
            Outcome(plan=p, title=f"Outcome {k} of {p.code}", category="Strategic actions", order=k)
            for p in plans
            for k in range(3)
        ]
    )
    # Groups of one parent and four actions.
    per_plan = actions // services
    groups, children = [], []
    for p_index, plan in enumerate(plans):
        plan_outcomes = outcomes[p_index * 3 : p_index * 3 + 3]
        for g in range(per_plan // 5):
            groups.append(
                Action(
                    plan=plan,
                    code=f"G{g}",
                    title=f"Action group {g}",
                    outcome=plan_outcomes[g % 3],
                    order=g * 10,
                    assigned_to=rng.choice(users),
                )
            )
    Action.objects.bulk_create(groups)
    for group in groups:
        for c in range(4):
            due = dt.date(rng.choice([last_year - 2, last_year - 1, last_year]), 3, 31)
            children.append(
                Action(
                    plan=group.plan,
                    parent=group,
                    outcome=group.outcome,
                    code=f"{group.code}.{c + 1}",
                    title=f"Deliver improvement {group.code}.{c + 1} for residents",
                    due_date=due,
                    order=group.order + c + 1,
                    assigned_to=rng.choice(users),
                    priority=rng.choice([1, 2, 3]),
                )
            )
    Action.objects.bulk_create(children)
    updates = []
    for action in children:
        progress = 0
        for period in periods:
            progress = min(100, progress + rng.randint(0, 9))
            updates.append(
                ActionUpdate(
                    action=action, period=period, progress=progress, narrative=NARRATIVE, state=ReviewState.APPROVED
                )
            )
    for group in groups:
        updates.append(ActionUpdate(action=group, period=periods[-1], narrative=NARRATIVE, state=ReviewState.APPROVED))
    ActionUpdate.objects.bulk_create(updates, batch_size=2000)

    indicator_objs = []
    for i in range(indicators):
        plan = plans[i % len(plans)]
        indicator_objs.append(
            Indicator(
                code=f"BENCH-PI{i}",
                title=f"Bench indicator {i}",
                service=plan.service,
                plan=plan,
                outcome=outcomes[(i % len(plans)) * 3 + i % 3],
                unit="%",
                decimal_places=1,
                polarity=rng.choice(["higher", "lower", "data_only"]),
                owner=rng.choice(users),
                order=i,
            )
        )
    Indicator.objects.bulk_create(indicator_objs)
    values, targets = [], []
    for indicator in indicator_objs:
        level = Decimal(rng.randint(20, 80))
        for period in periods:
            level = max(Decimal(0), level + Decimal(rng.randint(-30, 30)) / 10)
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    period=period,
                    value=level,
                    commentary="Within the expected range.",
                    state=ReviewState.APPROVED,
                )
            )
            targets.append(Target(indicator=indicator, period=period, value=Decimal(50), tolerance=Decimal(5)))
        for year in sorted({p.year for p in periods}):
            targets.append(
                Target(indicator=indicator, period=Period.financial_year(year), value=Decimal(50), tolerance=Decimal(5))
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    Target.objects.bulk_create(targets, batch_size=5000)
    return periods[-1]


@transaction.atomic
def generate_benchmarking(indicators: int = 100, councils: int = 32, years: int = 10, last_year: int = 2022) -> None:
    """Published benchmarking figures as councils load them: `councils` councils (ours among them)
    and the national figure, one family group of eight, and a figure from every council in each of
    `years` years for the first `indicators` bench indicators (32,000 figures by default, about
    the size of a year's LGBF download kept for ten years)."""
    rng = random.Random(20222)  # noqa: S311 - repeatable benchmark data, not security
    # Ours and the national figure, unless the database has them already (the demo's).
    has_own = ComparatorCouncil.objects.filter(is_own=True).exists()
    has_national = ComparatorCouncil.objects.filter(is_national=True).exists()
    council_objs = ComparatorCouncil.objects.bulk_create(
        [ComparatorCouncil(name=f"Bench council {i}", is_own=i == 0 and not has_own) for i in range(councils)]
        + [ComparatorCouncil(name="Bench national figure", is_national=not has_national)]
    )
    family = FamilyGroup.objects.create(name="Bench family group")
    family.members.set(council_objs[:8])
    benchmarked = list(Indicator.objects.filter(code__startswith="BENCH-PI").order_by("id")[:indicators])
    for indicator in benchmarked:
        indicator.family_group = family
        indicator.benchmark_code = f"BENCH-LGBF{indicator.id}"
    Indicator.objects.bulk_update(benchmarked, ["family_group", "benchmark_code"])
    figures = [
        ComparatorValue(
            indicator=indicator,
            council=council,
            period=Period.financial_year(year),
            value=Decimal(rng.randint(200, 800)) / 10,
        )
        for indicator in benchmarked
        for year in range(last_year - years + 1, last_year + 1)
        for council in council_objs
    ]
    ComparatorValue.objects.bulk_create(figures, batch_size=5000)
