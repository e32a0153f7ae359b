"""Committee reports: what goes to a meeting, and the frozen record of what went."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from indicators.fields import PeriodField
from indicators.models import Committee, Plan, Service

ISSUED_DEFINITION_FROZEN = (
    "This report has been issued to committee: its title, committee, meeting, period and scope are part of the "
    "public record and cannot change. Issue a new version, or define a new report."
)


class CommitteeReport(models.Model):
    """A report to a committee meeting for a period: its scope and which appendices it carries."""

    title = models.CharField(max_length=300)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="reports")
    meeting_date = models.DateField()
    period = PeriodField(help_text='The reporting period, e.g. "Q2 2022/23", "H1 2022/23" or "2022/23"')
    services = models.ManyToManyField(
        Service, blank=True, help_text="Leave empty for every service the committee scrutinises"
    )
    plans = models.ManyToManyField(Plan, blank=True, help_text="Leave empty for every plan of those services")
    include_summary = models.BooleanField("Status summary", default=True)
    include_actions = models.BooleanField("Action progress", default=True)
    include_indicators = models.BooleanField("Indicator scorecard", default=True)
    include_exceptions = models.BooleanField("Exception reports", default=True)
    include_risks = models.BooleanField("Risk register", default=False)
    appendix_order = models.CharField(
        "Order of appendices",
        max_length=100,
        blank=True,
        help_text='The appendices in the order the paper gives them, e.g. "summary, risks, indicators, actions, '
        'exceptions"; any left out follow in the usual order. Leave empty for the usual order.',
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[services, plans])

    class Meta:
        ordering = ["-meeting_date", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.committee}, {self.meeting_date:%d %b %Y})"

    def save(self, *args, **kwargs) -> None:
        if self.frozen_changes():
            raise ValidationError(ISSUED_DEFINITION_FROZEN)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise ValidationError(ISSUED_DEFINITION_FROZEN)
        return super().delete(*args, **kwargs)

    # What an issued report's record says it was: fixed once any version has been issued (the
    # scope, `services` and `plans`, is guarded by the m2m_changed receiver below).
    FROZEN_AFTER_ISSUE = ("title", "committee_id", "meeting_date", "period")

    @property
    def is_issued(self) -> bool:
        """Whether any version has gone to committee (withdrawn ones count: they were public)."""
        return self.pk is not None and self.issues.exists()

    @property
    def is_public_record(self) -> bool:
        """Issued definitions are part of the record: their audit history cannot be reverted."""
        return self.is_issued

    def frozen_changes(self) -> list[str]:
        """The frozen fields this unsaved instance changes, if the report has been issued (one query)."""
        if self.pk is None:
            return []
        stored = (
            CommitteeReport.objects.filter(pk=self.pk, issues__isnull=False).values(*self.FROZEN_AFTER_ISSUE).first()
        )
        if stored is None:
            return []
        return [name for name in self.FROZEN_AFTER_ISSUE if stored[name] != getattr(self, name)]

    def clean(self) -> None:
        changed = self.frozen_changes()
        if changed:
            raise ValidationError({name.removesuffix("_id"): ISSUED_DEFINITION_FROZEN for name in changed})


class ReportRender(models.Model):
    """One rendering of a report's PDF, done inline or by the background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="renders")
    issue = models.BooleanField(default=False, help_text="Issue the report to committee once rendered")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # When it was last put on the worker's queue: a render still waiting LEASE_SECONDS later is
    # queued again (`tasks.recover_stale_renders`), in case the first enqueue was lost.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker's lease: renewed while it renders; a running render whose heartbeat is older than
    # `tasks.LEASE_SECONDS` lost its worker and is retried or failed (`tasks.recover_stale_renders`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    # An issue's confirmation (one per confirmation form shown): a second post of the same form
    # finds this render instead of issuing again.
    confirmation = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    outstanding = models.JSONField(
        default=dict, blank=True, help_text="What the readiness check found outstanding when the issue was confirmed"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.report.title}: {self.get_status_display()}"


class IssuedReportQuerySet(models.QuerySet):
    def delete(self):  # noqa: D102 - the archive is a public record
        raise ValidationError("Issued reports are a public record: withdraw one with a reason instead.")

    def current(self) -> IssuedReportQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class IssuedReport(models.Model):
    """What went to committee, frozen: the exact data rendered and the PDF, with its SHA-256.

    Later corrections to the data never change it. It cannot be edited or deleted; the
    performance team can withdraw it with a reason, which is recorded.
    """

    report = models.ForeignKey(CommitteeReport, on_delete=models.PROTECT, related_name="issues")
    version = models.PositiveIntegerField(help_text="1 for the first issue of the report, 2 for the next …")
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    data = models.JSONField(help_text="The report data exactly as rendered")
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    page_count = models.PositiveIntegerField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    outstanding = models.JSONField(
        default=dict, blank=True, help_text="What was outstanding when it was issued (the readiness check)"
    )
    history = HistoricalRecords(excluded_fields=["pdf", "data"])

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="one_issue_per_version")]

    def __str__(self) -> str:
        return f"{self.report.title}, issued {self.issued_at:%d %b %Y}"

    FROZEN = ("report_id", "version", "issued_at", "data", "pdf", "sha256", "page_count", "outstanding")
    WITHDRAWAL = ("withdrawn_at", "withdrawn_by_id", "withdrawn_reason")

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            self.sha256 = hashlib.sha256(bytes(self.pdf)).hexdigest()
            if self.version is None:
                self.version = next_version(self.report_id)
        else:
            stored = IssuedReport.objects.filter(pk=self.pk).values(*self.FROZEN, *self.WITHDRAWAL).first()
            if stored and any(
                (bytes(stored[name]) if name == "pdf" else stored[name])
                != (bytes(getattr(self, name)) if name == "pdf" else getattr(self, name))
                for name in self.FROZEN
            ):
                raise ValidationError("An issued report cannot be changed.")
            # A withdrawal is final: the first reason stands, and nothing un-withdraws a report.
            if (
                stored
                and stored["withdrawn_at"] is not None
                and any(stored[name] != getattr(self, name) for name in self.WITHDRAWAL)
            ):
                raise ValidationError("This report has already been withdrawn; its withdrawal cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Issued reports are a public record: withdraw one with a reason instead.")

    def withdraw(self, user, reason: str) -> None:
        if self.withdrawn_at is not None:
            raise ValidationError(
                f"This report was already withdrawn on {self.withdrawn_at:%d %b %Y}; the reason given then is kept."
            )
        if not reason.strip():
            raise ValidationError("Say why the report is being withdrawn; the reason is kept with it.")
        self.withdrawn_at, self.withdrawn_by, self.withdrawn_reason = timezone.now(), user, reason.strip()
        self._change_reason = f"Withdrawn: {reason.strip()}"
        self.save()

    # Issued reports are the public record: their audit history cannot be reverted.
    is_public_record = True

    def verify(self) -> bool:
        """Whether the stored PDF still matches its recorded SHA-256."""
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256


def next_version(report_id: int) -> int:
    """The version number the next issue of a report takes (withdrawn versions keep theirs)."""
    latest = IssuedReport.objects.filter(report_id=report_id).aggregate(latest=models.Max("version"))["latest"]
    return (latest or 0) + 1


@receiver(m2m_changed, sender=CommitteeReport.services.through)
@receiver(m2m_changed, sender=CommitteeReport.plans.through)
def _scope_frozen_after_issue(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    """An issued report's scope cannot change, from the admin, a form or code."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        reports = [instance]
    elif action == "pre_clear":  # a service or plan taken out of every report
        reports = list(instance.committeereport_set.all())
    else:
        reports = list(CommitteeReport.objects.filter(pk__in=kwargs.get("pk_set") or ()))
    if any(report.is_issued for report in reports):
        raise ValidationError(ISSUED_DEFINITION_FROZEN)


class IssuedFigure(models.Model):
    """One figure as an issued report showed it: an indicator's value or target for the period it
    reported, or an action's progress at the report's period.

    Written with the issued report, from the same data as its PDF, so that pages can mark what has
    been revised since the report in one query (`reports/scorecards/revisions.py`).
    """

    class Kind(models.TextChoices):
        VALUE = "value", "Value"
        TARGET = "target", "Target"
        PROGRESS = "progress", "Progress"

    issued = models.ForeignKey(IssuedReport, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField(help_text="The indicator (value, target) or the action (progress)")
    period = PeriodField()
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True, help_text="Empty: none shown")

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id", "period"], name="issued_figure_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["issued", "kind", "object_id", "period"], name="unique_issued_figure")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.object_id} for {self.period}: {self.number}"


def current_versions(issues: Iterable[IssuedReport]) -> dict[int, int]:
    """Each report's current version among `issues`: its latest not withdrawn. An earlier one not
    withdrawn is "replaced" by it; pages mark each version so (the report's page, the archive,
    the home page's latest reports)."""
    current: dict[int, int] = {}
    for issued in issues:
        if issued.withdrawn_at is None and issued.version > current.get(issued.report_id, 0):
            current[issued.report_id] = issued.version
    return current
