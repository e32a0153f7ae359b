from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Plans, actions and indicators"

    def ready(self) -> None:
        # Every write moves the data versions that caches are keyed on (`indicators.versions`).
        from django.contrib.auth import get_user_model  # noqa: PLC0415 - needs the app registry
        from django.db.models.signals import m2m_changed, post_delete, post_save  # noqa: PLC0415
        from simple_history.signals import post_create_historical_record  # noqa: PLC0415

        from . import versions  # noqa: PLC0415
        from .models import (  # noqa: PLC0415
            Action,
            Committee,
            Indicator,
            Outcome,
            Plan,
            ReportingRound,
            Service,
            StatusWording,
        )

        versions.track_globally(Action, Committee, Indicator, Outcome, Plan, ReportingRound, Service, StatusWording)
        post_create_historical_record.connect(versions.on_history_row, dispatch_uid="data-versions")
        m2m_changed.connect(versions.on_m2m_change, sender=Committee.services.through, dispatch_uid="data-versions-m2m")
        post_save.connect(versions.on_user_saved, sender=get_user_model(), dispatch_uid="data-versions-users")
        post_delete.connect(versions.on_user_deleted, sender=get_user_model(), dispatch_uid="data-versions-gone")
