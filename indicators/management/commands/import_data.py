from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.imports import KINDS, ImportFileError, ImportOptions, apply_import, plan_import


class Command(BaseCommand):
    help = (
        "Check a CSV/XLSX file (values, exceptions, targets, indicators, actions, comparators); "
        "with --commit, write it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("path")
        parser.add_argument("--commit", action="store_true", help="Write the changes (otherwise only check)")
        parser.add_argument("--user", help="Username recorded in the audit history")
        parser.add_argument(
            "--replace-in-progress",
            action="store_true",
            help="Replace officers' entries still in progress (drafts, submitted, returned); needs --correction-reason",
        )
        parser.add_argument(
            "--correction-reason",
            default="",
            help="Why entries in progress are replaced, or why a locked period (its round locked) is corrected "
            "(that also needs --user of the performance team); kept in the audit history",
        )

    def handle(
        self,
        *args,
        kind: str,
        path: str,
        commit: bool,
        user: str | None,
        replace_in_progress: bool,
        correction_reason: str,
        **options,
    ) -> None:
        file = Path(path)
        who = None
        if user:
            who = get_user_model().objects.filter(username=user).first()
            if who is None:
                raise CommandError(f'There is no user "{user}".')
        chosen = ImportOptions(
            user=who, replace_in_progress=replace_in_progress, correction_reason=correction_reason.strip()
        )
        try:
            plan = plan_import(kind, file.read_bytes(), file.name, chosen)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        if not plan.valid:
            for error in plan.errors:
                self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
            count = len(plan.errors)
            raise CommandError(f"{count} {'problem' if count == 1 else 'problems'} found; nothing was written.")
        rows = "row" if plan.rows == 1 else "rows"
        self.stdout.write(
            f"{plan.rows} {rows}: {len(plan.new)} new, {len(plan.changed)} changed, {plan.unchanged} unchanged, "
            f"{plan.skipped} without a figure."
        )
        for change in plan.changes:
            period = f" {change.period.label}" if change.period else ""
            self.stdout.write(f"  {change.code}{period} {change.field}: {change.old} → {change.new}")
        if plan.ignored_columns:
            self.stdout.write(f"Columns not imported: {', '.join(plan.ignored_columns)}")
        if plan.replaced:
            replaced = len(plan.replaced)
            entries = "entry still in progress is" if replaced == 1 else "entries still in progress are"
            self.stdout.write(f"{replaced} {entries} replaced.")
        if plan.corrected:
            labels = ", ".join(p.label for p in sorted(plan.corrected))
            self.stdout.write(f"Corrects {labels}, locked by the performance team.")
        for warning in plan.warnings:
            self.stdout.write(f"warning: row {warning.row}, {warning.column}: {warning.message}")
        if commit:
            apply_import(plan, who, file.name)
            self.stdout.write("Written.")
        else:
            self.stdout.write("Nothing written: add --commit to write.")
