"""The review workflow shared by officers' entries, and the reporting rounds that open periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import PeriodField


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


EDITABLE_STATES = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})


class ReviewableQuerySet(models.QuerySet):
    def approved(self):
        """Entries the approver has accepted: the only ones scorecards and reports show."""
        return self.filter(state=ReviewState.APPROVED)

    def awaiting_review(self):
        return self.filter(state=ReviewState.SUBMITTED)

    def editable(self):
        """Entries an officer may still change (drafts, and those returned to them)."""
        return self.filter(state__in=EDITABLE_STATES)


class Reviewable(models.Model):
    """An officer's entry for a period that goes draft -> submitted -> approved (or returned).

    `version` goes up with every save, so a save based on an older version is caught rather
    than overwriting someone else's work.
    """

    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    objects = ReviewableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        """Whether the entry's state lets an officer change it (the round must also be open)."""
        return self.state in EDITABLE_STATES


class ReportingRoundQuerySet(models.QuerySet):
    def open(self):
        """Rounds officers can still enter updates for, soonest deadline first."""
        return self.filter(locked_at__isnull=True).order_by("deadline")

    def locked(self):
        return self.filter(locked_at__isnull=False)


class ReportingRound(models.Model):
    """A period opened by the performance team for updates, with a deadline; locked once reported."""

    period = PeriodField(unique=True)
    deadline = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return f"{self.period.label} (due {self.deadline:%d %b %Y})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Chase(models.Model):
    """A reminder the performance team sent to one person now, outside the daily reminders: the
    record of who chased whom, when, in which round and for how many outstanding items."""

    reporting_round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="chases")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField()
    email = models.EmailField(help_text="Where the reminder went")
    items = models.PositiveIntegerField(help_text="How many outstanding items it listed")

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Chase {self.email} {self.sent_at:%d %b %Y %H:%M}"


class WorkflowSettings(models.Model):
    """The council's own choices about its review workflow: one row, changed by the performance team.

    Read it with `WorkflowSettings.current()`; change it through `workflow.set_self_approval`,
    which records who changed it, when and why in the audit history.
    """

    allow_self_approval = models.BooleanField(
        default=False,
        help_text="Let an approver approve an entry they submitted themselves (off: someone else must approve it)",
    )
    reason = models.TextField(blank=True, help_text="Why the settings were last changed (kept in full in the history)")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "workflow settings"
        verbose_name_plural = "workflow settings"

    def __str__(self) -> str:
        return "Workflow settings"

    @classmethod
    def current(cls) -> WorkflowSettings:
        """The council's settings (the defaults until the performance team changes one). One query."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
