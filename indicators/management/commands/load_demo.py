from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo plans, indicators, updates and users built from the seed reports (safe to run again: "
        "it only creates what is missing and never changes what is there)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even though DEBUG is off (demo users have known passwords)"
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("The demo has users with published passwords: run it with DEBUG=1, or pass --force.")
        result = load_demo()
        self.stdout.write(f"Demo data: {result.created} created; {result.kept} already there, left as they are.")
        self.stdout.write("Demo users (username / password / role):")
        for user in result.users:
            self.stdout.write(f"  {user['username']:<12} {user['password']:<22} {user['role']}")
