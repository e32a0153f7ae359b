"""Plans, their outcomes (report sections), actions and action groups, and officers' action updates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import PeriodField
from ..html import html_to_text, sanitise, text_to_html
from ..periods import Period
from .organisation import CorporatePriority, Service
from .workflow import Reviewable

# How long after its plan ends an action's revised due date may fall (`Plan.revised_due_date_problem`).
REVISED_DATE_YEARS_AFTER_END = 3


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Plan(models.Model):
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plans")
    first_year = models.PositiveSmallIntegerField(help_text="First financial year, e.g. 2020 for 2020/21")
    last_year = models.PositiveSmallIntegerField(help_text="Last financial year, e.g. 2022 for 2022/23")
    description = models.TextField(blank=True)
    priorities = models.ManyToManyField(CorporatePriority, related_name="plans", blank=True)
    declared_measures = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many measures the plan document declares; the scorecard lists any gap",
    )
    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": "The plan cannot end before it starts."})

    @property
    def start_date(self):
        return Period.financial_year(self.first_year).start

    @property
    def end_date(self):
        return Period.financial_year(self.last_year).end

    def revised_due_date_problem(self, revised: dt.date, due_date: dt.date | None = None) -> str | None:
        """What is wrong with `revised` as the new due date of one of the plan's actions (due on
        `due_date`), or None.

        A revised date says the action will finish late, so it comes after its due date. An action
        can run on past its plan (it is carried into the next one), so a date after the plan's end
        is accepted, up to `REVISED_DATE_YEARS_AFTER_END` years (a later one is taken to be a
        typing error); a date before the plan began is not."""
        if due_date is not None and revised <= due_date:
            return (
                f"The revised date must be after the action's due date, {_long_date(due_date)}: give one only "
                "if the action will finish late."
            )
        latest = Period.financial_year(self.last_year + REVISED_DATE_YEARS_AFTER_END).end
        if self.start_date <= revised <= latest:
            return None
        return (
            f"The revised date must be between the plan's start, {_long_date(self.start_date)}, and "
            f"{_long_date(latest)}, {REVISED_DATE_YEARS_AFTER_END} years after the plan ends."
        )

    @property
    def years_label(self) -> str:
        first = Period.financial_year(self.first_year).year_label
        last = Period.financial_year(self.last_year).year_label
        return first if first == last else f"{first} to {last}"


class Outcome(models.Model):
    """An outcome or priority of a plan; its actions and indicators form one report section."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(max_length=300)
    category = models.CharField(
        max_length=100, blank=True, help_text='Part of the plan it sits in, e.g. "Strategic actions"'
    )
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """A plan action. An action with a parent is part of that group (STRAT1.1 in STRAT1)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    priority = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 is the highest priority")
    desired_outcome = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True, help_text="Defaults to the start of the plan")
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        help_text="The manager accountable for the action",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_actions",
        help_text="The officer who reports progress",
    )
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Weight in its group's progress; empty counts as 1",
    )
    priorities = models.ManyToManyField(CorporatePriority, related_name="actions", blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["plan", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_action_code_per_plan")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An action cannot be its own group."})
        if self.parent and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "The group must be in the same plan."})
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date is before the start date."})

    @property
    def effective_start_date(self):
        return self.start_date or self.plan.start_date


class ActionUpdate(Reviewable):
    """An officer's progress report on an action for one period."""

    class SetStatus(models.TextChoices):
        DERIVED = "", "Worked out from progress and dates"
        CANCELLED = "cancelled", "Cancelled"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    period = PeriodField()
    progress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="0-100%; left empty on a group, whose progress is rolled up from its actions",
    )
    narrative = models.TextField(blank=True, help_text="Basic HTML: paragraphs, lists, bold, links")
    narrative_source = models.TextField(
        blank=True,
        editable=False,
        help_text="The narrative as the officer typed it (plain text), kept while the HTML is still made from it",
    )
    set_status = models.CharField(max_length=20, choices=SetStatus.choices, blank=True, default="")
    status_reason = models.TextField(blank=True)
    revised_due_date = models.DateField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "period"]
        # For the period picker's skip scan, as `IndicatorValue`'s.
        indexes = [models.Index(fields=["state", "period"], name="update_state_period")]
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="unique_update_per_action_period"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.action.code} {self.period}"

    def save(self, *args, **kwargs) -> None:
        # Every write path (forms, admin, imports) stores narrative already sanitised, so pages
        # and PDFs can show it as HTML without cleaning it again on each view.
        self.narrative = sanitise(self.narrative)
        if self.narrative_source and text_to_html(self.narrative_source) != self.narrative:
            # The HTML was changed by other means (Set-up, an import): the typed text no longer
            # describes it, so editing starts from the HTML instead (see `indicators.html`).
            self.narrative_source = ""
        super().save(*args, **kwargs)

    @property
    def narrative_text(self) -> str:
        """The narrative as the update form shows it: as the officer typed it, or read from its HTML.

        The typed text is used only while the stored HTML is still exactly what it makes, whatever
        path last wrote the row.
        """
        if self.narrative_source and text_to_html(self.narrative_source) == self.narrative:
            return self.narrative_source
        return html_to_text(self.narrative)

    def clean(self) -> None:
        if self.set_status == self.SetStatus.CANCELLED and not self.status_reason.strip():
            raise ValidationError({"status_reason": "Say why the action is cancelled."})
        # The admin's check too (the update form and the import call the same rule).
        if self.revised_due_date and self.action_id:
            problem = self.action.plan.revised_due_date_problem(self.revised_due_date, self.action.due_date)
            if problem:
                raise ValidationError({"revised_due_date": problem})
