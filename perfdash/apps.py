from django.apps import AppConfig


class PerfdashConfig(AppConfig):
    """The project itself as an app: its sign-in signals and checks."""

    name = "perfdash"

    def ready(self) -> None:
        from perfdash import sessions  # noqa: F401  (connects the sign-in clock)
