"""Email reminders for open reporting rounds; run daily from cron.

Officers with items still to hand in hear from us when the deadline is `--days` away or fewer
(and after it has passed): exactly the outstanding items My updates lists for them, from the same
rule (`indicators.due`), so finished actions and submitted entries are never reminded about.
Approvers hear about submissions waiting for them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from indicators.due import outstanding_by_person, periods_in_round
from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, Role


def waiting_by_approver() -> dict[int, int]:
    """How many submissions each approver could decide on now: those of their services in open
    rounds (nothing in a locked round can be approved or returned)."""
    keys = {p.key for open_round in ReportingRound.objects.open() for p in periods_in_round(open_round.period)}
    waiting = [
        ActionUpdate.objects.awaiting_review().filter(period__in=keys).values_list("action__plan__service_id"),
        IndicatorValue.objects.awaiting_review().filter(period__in=keys).values_list("indicator__service_id"),
    ]
    waiting_by_service: dict[int, int] = {}
    for entries in waiting:
        for (service_id,) in entries:
            waiting_by_service[service_id] = waiting_by_service.get(service_id, 0) + 1
    counts: dict[int, int] = {}
    for user_id, service_id in Role.objects.filter(
        kind=Role.Kind.APPROVER, service_id__in=waiting_by_service
    ).values_list("user_id", "service_id"):
        counts[user_id] = counts.get(user_id, 0) + waiting_by_service[service_id]
    return counts


class Command(BaseCommand):
    help = "Email officers with outstanding updates and approvers with updates waiting (run daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=5, help="Remind officers this many days before the deadline")

    def handle(self, *args, days: int, **options) -> None:
        today = timezone.localdate()
        users = get_user_model().objects.filter(is_active=True).exclude(email="").in_bulk()
        messages = []
        for reporting_round in ReportingRound.objects.open():
            if reporting_round.deadline - today > dt.timedelta(days=days):
                continue
            when = "today" if reporting_round.deadline == today else f"by {reporting_round.deadline:%d %B %Y}"
            if reporting_round.deadline < today:
                when = f"by {reporting_round.deadline:%d %B %Y}, which has passed"
            for user_id, items in outstanding_by_person(reporting_round).items():
                user = users.get(user_id)
                if user is None:
                    continue
                lines = [f"- {item.obj.code} {item.obj.title} ({item.state_label.lower()})" for item in items]
                body = (
                    f"Dear {user.first_name or user.username},\n\n"
                    f"These updates for {reporting_round.period.label} are due {when} and have not been "
                    "submitted yet:\n\n" + "\n".join(lines) + "\n\nThank you.\n"
                )
                messages.append((f"Updates due for {reporting_round.period.label}", body, None, [user.email]))
        for user_id, count in waiting_by_approver().items():
            user = users.get(user_id)
            if user is not None:
                body = (
                    f"Dear {user.first_name or user.username},\n\n{count} submitted update"
                    f"{'s are' if count != 1 else ' is'} waiting for your review.\n\nThank you.\n"
                )
                messages.append(("Updates waiting for your review", body, None, [user.email]))
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
