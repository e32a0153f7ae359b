from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.imports import KINDS, ImportFileError, apply_import, plan_import


class Command(BaseCommand):
    help = "Check a CSV/XLSX file (values, targets, indicators, actions, comparators); with --commit, write it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("path")
        parser.add_argument("--commit", action="store_true", help="Write the changes (otherwise only check)")
        parser.add_argument("--user", help="Username recorded in the audit history")

    def handle(self, *args, kind: str, path: str, commit: bool, user: str | None, **options) -> None:
        file = Path(path)
        who = None
        if user:
            who = get_user_model().objects.filter(username=user).first()
            if who is None:
                raise CommandError(f'There is no user "{user}".')
        try:
            plan = plan_import(kind, file.read_bytes(), file.name)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        if not plan.valid:
            for error in plan.errors:
                self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
            raise CommandError(f"{len(plan.errors)} problems found; nothing was written.")
        self.stdout.write(
            f"{plan.rows} rows: {len(plan.new)} new, {len(plan.changed)} changed, {plan.unchanged} unchanged, "
            f"{plan.skipped} without a figure."
        )
        for change in plan.changes:
            period = f" {change.period.label}" if change.period else ""
            self.stdout.write(f"  {change.code}{period} {change.field}: {change.old} → {change.new}")
        if commit:
            apply_import(plan, who, file.name)
            self.stdout.write("Written.")
        else:
            self.stdout.write("Nothing written: add --commit to write.")
