"""Delete old draft PDFs: renders finished more than --days ago, except each report's latest.

Issued reports are never touched: they keep their own copy of the PDF (IssuedReport), and the
renders that issued them are kept too (they hold the issue's confirmation, so an old confirmation
form posted again still finds its issue instead of issuing another version).
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import Max
from django.utils import timezone

from reports.models import ReportRender
from reports.presentation.numbers import plural


class Command(BaseCommand):
    help = "Delete draft PDFs finished more than --days ago (default 30), keeping each report's latest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options) -> None:
        drafts = ReportRender.objects.filter(issue=False)
        latest = (
            drafts.filter(status=ReportRender.Status.DONE)
            .values("report")
            .annotate(latest=Max("pk"))
            .values_list("latest", flat=True)
        )
        old = drafts.filter(
            status__in=[ReportRender.Status.DONE, ReportRender.Status.FAILED],
            finished_at__lt=timezone.now() - dt.timedelta(days=days),
        ).exclude(pk__in=latest)
        deleted, _ = old.delete()
        self.stdout.write(
            f"Deleted {deleted} draft {plural('PDF', deleted)} finished more than {days} {plural('day', days)} ago."
        )
