"""Email reminders for open reporting rounds; run daily from cron.

Officers with items still to hand in hear from us when the deadline is `--days` away or fewer
(and after it has passed): exactly the outstanding items My updates lists for them, from the same
rule (`indicators.due`), so finished actions and submitted entries are never reminded about.
The words are `indicators.reminders`', which the performance team's "chase" sends too.
Approvers hear about submissions waiting for them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from indicators.due import outstanding_by_person, periods_in_round
from indicators.models import ReportingRound, Role
from indicators.permissions import services_awaiting_review
from indicators.reminders import approver_reminder, officer_reminder, outstanding_reviews


def waiting_by_approver() -> dict[int, int]:
    """How many submissions each approver could decide on now: those of their services in open
    rounds (nothing in a locked round can be approved or returned)."""
    keys = {p.key for open_round in ReportingRound.objects.open() for p in periods_in_round(open_round.period)}
    waiting_by_service: dict[int, int] = {}
    for service_id in services_awaiting_review(keys):
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
            outstanding = outstanding_by_person(reporting_round)
            reviews = outstanding_reviews(reporting_round)
            for user_id in sorted(outstanding.keys() | reviews.keys()):
                user = users.get(user_id)
                if user is not None:
                    items, own_reviews = outstanding.get(user_id, []), reviews.get(user_id, [])
                    messages.append(officer_reminder(user, reporting_round, items, today, reviews=own_reviews))
        for user_id, count in waiting_by_approver().items():
            user = users.get(user_id)
            if user is not None:
                messages.append(approver_reminder(user, count))
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
