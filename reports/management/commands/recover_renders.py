"""Requeue, or after too many attempts fail, PDF renders whose worker died (lease expired).

The worker (`run_worker`) does this itself as it runs; this command is for a machine whose
workers are all stopped, or for monitoring scripts.
"""

from django.core.management.base import BaseCommand

from reports.committee.tasks import LEASE_SECONDS, recover_stale_renders


class Command(BaseCommand):
    help = f"Requeue or fail renders whose worker has not renewed its lease for {LEASE_SECONDS} s."

    def handle(self, *args, **options) -> None:
        count = recover_stale_renders()
        self.stdout.write(f"{count} stale render{'s' if count != 1 else ''} recovered.")
