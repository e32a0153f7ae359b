from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Committee reports"

    def ready(self) -> None:
        # Issuing or withdrawing a report moves the "revised since" marks on every scorecard.
        from indicators.versions import track_globally  # noqa: PLC0415 - needs the app registry

        from .models import IssuedReport  # noqa: PLC0415

        track_globally(IssuedReport)
