"""Load the demo data files (TOML) in this folder into the database, idempotently.

Each record is found by its natural key (a code, a name, or an item and period) and **created
only if it is missing**: a record that is already there is never rewritten, so loading again
(`./run demo` restarted) keeps every change people have made to demo records — edited titles,
reopened rounds, changed passwords, corrected figures — and leaves the audit history as it is.
Links between records (a committee's services, a plan's priorities, a family group's members)
are set when the record is created, and likewise left alone afterwards.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    Action,
    ActionUpdate,
    Committee,
    ComparatorCouncil,
    CorporatePriority,
    Directorate,
    ExceptionReport,
    FamilyGroup,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReportingRound,
    ReviewState,
    Risk,
    RiskReview,
    Role,
    Service,
    Target,
)
from ..periods import Period

DEMO_DIR = Path(__file__).resolve().parent
CHANGE_REASON = "Demo data loaded"


@dataclass
class LoadResult:
    created: int = 0
    kept: int = 0  # already there, left exactly as they are
    users: list[dict[str, str]] = field(default_factory=list)


class Loader:
    def __init__(self) -> None:
        self.result = LoadResult()
        self.users: dict[str, Any] = {}

    def ensure(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
        """The record with `lookup`, created with `values` if it is missing; never changed if it is
        there. Returns it and whether it was created."""
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            self.result.kept += 1
            return obj, False
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.full_clean()
        obj.save()
        self.result.created += 1
        return obj, True

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        """`ensure`, for callers that only need the record."""
        return self.ensure(model, lookup, values)[0]

    def user(self, username: str | None) -> Any:
        return self.users[username] if username else None

    def load_file(self, path: Path) -> None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data.get("directorates", []):
            self.upsert(Directorate, {"name": item["name"]}, {})
        for item in data.get("services", []):
            directorate = Directorate.objects.get(name=item["directorate"])
            self.upsert(Service, {"slug": item["slug"]}, {"name": item["name"], "directorate": directorate})
        for item in data.get("committees", []):
            committee, created = self.ensure(Committee, {"slug": item["slug"]}, {"name": item["name"]})
            if created:
                committee.services.set(Service.objects.filter(name__in=item["services"]))
        for item in data.get("users", []):
            self.load_user(item)
        for item in data.get("priorities", []):
            self.upsert(
                CorporatePriority,
                {"framework": item["framework"], "title": item["title"]},
                {"abbreviation": item.get("abbreviation", "")},
            )
        for item in data.get("plans", []):
            self.load_plan(item)
        for item in data.get("risks", []):
            self.load_risk(item)
        if "benchmarking" in data:
            self.load_benchmarking(data["benchmarking"], path.parent)
        for item in data.get("committee_reports", []):
            self.load_committee_report(item)
        for item in data.get("rounds", []):
            locked = item.get("locked")
            self.upsert(
                ReportingRound,
                {"period": Period.parse(item["period"])},
                {
                    "deadline": item["deadline"],
                    "opened_by": self.user("performance"),
                    "locked_at": None
                    if locked is None
                    else timezone.make_aware(dt.datetime.combine(locked, dt.time(12, 0))),
                },
            )

    def load_user(self, item: dict[str, Any]) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=item["username"]).first()
        if user is None:
            user = user_model(
                username=item["username"],
                first_name=item["first_name"],
                last_name=item["last_name"],
                email=item.get("email", f"{item['username']}@example.org"),
            )
            user.set_password(item["password"])
            user.save()
            self.result.created += 1
            # Roles and seats are given with the account; one taken away later is not given back.
            for service_name in item.get("services") or [None]:
                service = Service.objects.get(name=service_name) if service_name else None
                self.upsert(Role, {"user": user, "kind": item["role"], "service": service}, {})
            for committee in Committee.objects.filter(slug__in=item.get("committees", [])):
                committee.members.add(user)  # from the committee's side, whose history records it
            password = item["password"]
        else:
            self.result.kept += 1
            password = item["password"] if user.check_password(item["password"]) else "(changed since loaded)"
        self.users[user.username] = user
        role = Role.Kind(item["role"]).label
        self.result.users.append({"username": user.username, "password": password, "role": role})

    def load_plan(self, item: dict[str, Any]) -> None:
        service = Service.objects.get(name=item["service"])
        plan, created = self.ensure(
            Plan,
            {"code": item["code"]},
            {
                "title": item["title"],
                "service": service,
                "first_year": item["first_year"],
                "last_year": item["last_year"],
                "description": item.get("description", ""),
            },
        )
        if created:
            plan.priorities.set(CorporatePriority.objects.filter(title__in=item.get("priorities", [])))
        outcomes = {}
        for order, outcome in enumerate(item.get("outcomes", []), start=1):
            outcomes[outcome["title"]] = self.upsert(
                Outcome,
                {"plan": plan, "title": outcome["title"]},
                {"category": outcome.get("category", ""), "order": order},
            )
        actions: dict[str, Action] = {}
        for order, action in enumerate(item.get("actions", []), start=1):
            actions[action["code"]] = self.load_action(plan, action, order, outcomes, actions)
        for order, indicator in enumerate(item.get("indicators", []), start=1):
            self.load_indicator(plan, indicator, order, outcomes)

    def load_action(
        self, plan: Plan, item: dict[str, Any], order: int, outcomes: dict[str, Outcome], actions: dict[str, Action]
    ) -> Action:
        parent = actions[item["parent"]] if item.get("parent") else None
        outcome = outcomes[item["outcome"]] if item.get("outcome") else (parent.outcome if parent else None)
        action, created = self.ensure(
            Action,
            {"plan": plan, "code": item["code"]},
            {
                "parent": parent,
                "outcome": outcome,
                "title": item["title"],
                "priority": item.get("priority"),
                "desired_outcome": item.get("desired_outcome", ""),
                "due_date": item.get("due_date"),
                "owner": self.user(item.get("owner")),
                "assigned_to": self.user(item.get("assigned_to")),
                "weight": None if item.get("weight") is None else Decimal(str(item["weight"])),
                "order": order,
            },
        )
        if created:
            action.priorities.set(CorporatePriority.objects.filter(title__in=item.get("priorities", [])))
        for update in item.get("updates", []):
            self.upsert(
                ActionUpdate,
                {"action": action, "period": Period.parse(update["period"])},
                {
                    "progress": update.get("progress"),
                    "narrative": update.get("narrative", ""),
                    "revised_due_date": update.get("revised_due_date"),
                    "set_status": update.get("set_status", ""),
                    "status_reason": update.get("status_reason", ""),
                    "author": action.assigned_to,
                    "state": ReviewState.APPROVED,
                },
            )
        return action

    def load_indicator(self, plan: Plan, item: dict[str, Any], order: int, outcomes: dict[str, Outcome]) -> None:
        indicator = self.upsert(
            Indicator,
            {"code": item["code"]},
            {
                "title": item["title"],
                "definition": item.get("definition", ""),
                "unit": item.get("unit", ""),
                "decimal_places": item.get("decimal_places", 0),
                "polarity": item.get("polarity", "higher"),
                "frequency": item.get("frequency", "quarterly"),
                "aggregation": item.get("aggregation", "latest"),
                "source": item.get("source", "local"),
                "part_of_year": item.get("part_of_year", "as_it_is"),
                "service": plan.service,
                "plan": plan,
                "outcome": outcomes.get(item.get("outcome", "")),
                "owner": self.user(item.get("owner")),
                "active": item.get("active", True),
                "order": order,
                "benchmark_code": item.get("benchmark_code", ""),
            },
        )
        for target in item.get("targets", []):
            self.upsert(
                Target,
                {"indicator": indicator, "period": Period.parse(target["period"])},
                {
                    "value": Decimal(str(target["value"])),
                    "tolerance": Decimal(str(target.get("tolerance", 0))),
                    "tolerance_type": target.get("tolerance_type", "absolute"),
                    "rationale": target.get("rationale", ""),
                },
            )
        for value in item.get("values", []):
            self.upsert(
                IndicatorValue,
                {"indicator": indicator, "period": Period.parse(value["period"])},
                {
                    "value": _decimal(value.get("value")),
                    "numerator": _decimal(value.get("numerator")),
                    "denominator": _decimal(value.get("denominator")),
                    "not_available": value.get("not_available", False),
                    "not_available_reason": value.get("not_available_reason", ""),
                    "commentary": value.get("commentary", ""),
                    "author": indicator.owner,
                    "state": ReviewState.APPROVED,
                },
            )
        for report in item.get("exceptions", []):
            self.upsert(
                ExceptionReport,
                {"indicator": indicator, "period": Period.parse(report["period"])},
                {
                    "performance": report["performance"],
                    "improvement_actions": report["improvement_actions"],
                    "timescale": report["timescale"],
                    "resource_implications": report.get("resource_implications", ""),
                    "author": indicator.owner,
                },
            )

    def load_benchmarking(self, item: dict[str, Any], folder: Path) -> None:
        """Indicators with benchmarking codes, then the figures through the spreadsheet import."""
        from indicators.imports import apply_import, plan_import

        for order, indicator in enumerate(item.get("indicators", []), start=100):
            plan = Plan.objects.get(code=indicator["plan"])
            outcomes = {o.title: o for o in plan.outcomes.all()}
            self.load_indicator(plan, indicator, order, outcomes)
        figures = item["figures"]
        content = (folder / figures).read_bytes()
        import_plan = plan_import("comparators", content, figures)
        if not import_plan.valid:
            raise ValueError(f"{figures}: {import_plan.errors[:3]}")
        # Only the figures not there yet: a figure someone has corrected stays corrected.
        import_plan.changed.clear()
        import_plan.changes.clear()
        apply_import(import_plan, self.user("performance"), figures)
        # Which council is ours and which is the national row: set once, never taken back.
        for flag, name in (("is_own", item.get("own")), ("is_national", item.get("national"))):
            if name and not ComparatorCouncil.objects.filter(**{flag: True}).exists():
                council = ComparatorCouncil.objects.filter(name=name).first()
                if council is not None:
                    setattr(council, flag, True)
                    council._change_reason = CHANGE_REASON
                    council.save()
        for group in item.get("family_groups", []):
            family, created = self.ensure(
                FamilyGroup, {"name": group["name"]}, {"description": group.get("description", "")}
            )
            if created:
                family.members.set(ComparatorCouncil.objects.filter(name__in=group["members"]))

    def load_committee_report(self, item: dict[str, Any]) -> None:
        # The reports app builds on this one, never the reverse: its model is looked up by name,
        # as a data migration would, for the demo's one paper.
        committee_report = apps.get_model("reports", "CommitteeReport")
        committee = Committee.objects.get(slug=item["committee"])
        self.ensure(
            committee_report,
            {"title": item["title"], "committee": committee},
            {
                "meeting_date": item["meeting_date"],
                "period": Period.parse(item["period"]),
                "include_risks": item.get("include_risks", False),
                "created_by": self.user("performance"),
            },
        )

    def load_risk(self, item: dict[str, Any]) -> None:
        plan = Plan.objects.get(code=item["plan"]) if item.get("plan") else None
        risk, created = self.ensure(
            Risk,
            {"reference": item["reference"]},
            {
                "service": Service.objects.get(name=item["service"]),
                "plan": plan,
                "title": item["title"],
                "description": item.get("description", ""),
                "category": item.get("category", ""),
                "owner": self.user(item.get("owner")),
                "inherent_likelihood": item.get("inherent_likelihood", item["likelihood"]),
                "inherent_impact": item.get("inherent_impact", item["impact"]),
                "likelihood": item["likelihood"],
                "impact": item["impact"],
                "target_score": item["target_score"],
                "controls": item.get("controls", ""),
                "further_actions": item.get("further_actions", ""),
                "latest_position": item.get("latest_position", ""),
                "review_date": item.get("review_date"),
            },
        )
        if created and plan and item.get("mitigating_actions"):
            risk.mitigating_actions.set(Action.objects.filter(plan=plan, code__in=item["mitigating_actions"]))
        for review in item.get("reviews", []):
            self.upsert(
                RiskReview,
                {"risk": risk, "period": Period.parse(review["period"])},
                {
                    "likelihood": review["likelihood"],
                    "impact": review["impact"],
                    "previous_score": review["previous_score"],
                    "latest_position": review["latest_position"],
                    "reason": review.get("reason", ""),
                    "author": risk.owner,
                    "state": ReviewState.APPROVED,
                },
            )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def demo_files() -> list[Path]:
    # Numbered so that users and organisations come before the files that refer to them.
    return sorted(DEMO_DIR.glob("*.toml"))


@transaction.atomic
def load_demo(paths: list[Path] | None = None) -> LoadResult:
    loader = Loader()
    for path in paths or demo_files():
        loader.load_file(path)
    return loader.result
