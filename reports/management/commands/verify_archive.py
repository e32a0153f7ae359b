"""Check that every issued report's PDF still matches the SHA-256 recorded when it was issued.

Run after restoring a backup (and from monitoring if wanted): exits non-zero, naming each report,
if any stored PDF differs from what went to committee.
"""

from django.core.management.base import BaseCommand, CommandError

from reports.models import IssuedReport


class Command(BaseCommand):
    help = "Check every issued report's PDF against its recorded SHA-256; exit non-zero on any mismatch."

    def handle(self, *args, **options) -> None:
        checked, mismatches = 0, []
        # One PDF in memory at a time: the archive can run to gigabytes.
        for issued in IssuedReport.objects.select_related("report").order_by("pk").iterator(chunk_size=20):
            checked += 1
            if not issued.verify():
                mismatches.append(issued)
                self.stderr.write(f"MISMATCH: {issued} (id {issued.pk}): the PDF no longer matches {issued.sha256}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} of {checked} issued reports do not match their SHA-256.")
        self.stdout.write(f"All {checked} issued reports match their SHA-256.")
