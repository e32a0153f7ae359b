"""The performance data model: who reports, what they report on, and what they reported.

Organisation: Directorate -> Service; a Committee scrutinises a set of services.
Plans (owned by a service) hold Outcomes, Actions (groups and their actions) and Indicators.
Per period: Targets and IndicatorValues for indicators, ActionUpdates for actions, and
ExceptionReports for red indicators. Risks belong to a service.

Every model keeps its full audit history (django-simple-history): who changed what and when,
with the old and new values, in a `Historical...` table beside it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .fields import PeriodField
from .html import sanitise
from .periods import Frequency, Period
from .status import Aggregation, Polarity, ToleranceType
from .status import Target as TargetRule

NUMBER = {"max_digits": 16, "decimal_places": 4}


def choices(enum: type, labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(member.value, labels[member.value]) for member in enum]


POLARITY_CHOICES = choices(
    Polarity, {"higher": "Higher is better", "lower": "Lower is better", "data_only": "Data only (no target)"}
)
FREQUENCY_CHOICES = [(f.value, f.label) for f in Frequency]
AGGREGATION_CHOICES = choices(
    Aggregation,
    {
        "latest": "Latest value (a snapshot, e.g. % at quarter end)",
        "mean": "Average of the year's values (a rate)",
        "sum": "Sum of the year's values (a count)",
    },
)
TOLERANCE_CHOICES = choices(ToleranceType, {"absolute": "Absolute (in the indicator's unit)", "percent": "% of target"})


class Directorate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    services = models.ManyToManyField(Service, related_name="committees", blank=True)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CorporatePriority(models.Model):
    """A corporate plan priority or community-planning (LOIP) outcome that plans contribute to."""

    framework = models.CharField(max_length=200, help_text="e.g. Local Outcomes Improvement Plan")
    abbreviation = models.CharField(max_length=10, blank=True, help_text='Shown before the title, e.g. "L" or "CP"')
    title = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "title"]
        verbose_name_plural = "corporate priorities"
        constraints = [models.UniqueConstraint(fields=["framework", "title"], name="unique_priority_per_framework")]

    def __str__(self) -> str:
        return f"({self.abbreviation}) {self.title}" if self.abbreviation else self.title


class Plan(models.Model):
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plans")
    first_year = models.PositiveSmallIntegerField(help_text="First financial year, e.g. 2020 for 2020/21")
    last_year = models.PositiveSmallIntegerField(help_text="Last financial year, e.g. 2022 for 2022/23")
    description = models.TextField(blank=True)
    priorities = models.ManyToManyField(CorporatePriority, related_name="plans", blank=True)
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


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


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

    class Meta:
        abstract = True


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

    class Meta:
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return f"{self.period.label} (due {self.deadline:%d %b %Y})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


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
    set_status = models.CharField(max_length=20, choices=SetStatus.choices, blank=True, default="")
    status_reason = models.TextField(blank=True)
    revised_due_date = models.DateField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "period"]
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
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.set_status == self.SetStatus.CANCELLED and not self.status_reason.strip():
            raise ValidationError({"status_reason": "Say why the action is cancelled."})


class Indicator(models.Model):
    class Source(models.TextChoices):
        LOCAL = "local", "Local"
        NATIONAL = "national", "National"
        LGBF = "lgbf", "LGBF benchmarking"

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=500)
    definition = models.TextField(blank=True, help_text="What is counted and how")
    unit = models.CharField(max_length=30, blank=True, help_text='e.g. "%", "days", "children"')
    decimal_places = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    polarity = models.CharField(max_length=10, choices=POLARITY_CHOICES, default=Polarity.HIGHER_IS_BETTER)
    frequency = models.CharField(max_length=12, choices=FREQUENCY_CHOICES, default=Frequency.QUARTERLY)
    aggregation = models.CharField(
        max_length=10,
        choices=AGGREGATION_CHOICES,
        default=Aggregation.LATEST,
        help_text="How the year's figure is made from its periods",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LOCAL)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="indicators")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    active = models.BooleanField(default=True, help_text="Clear when the measure is dropped from the plan")
    order = models.PositiveIntegerField(default=0)
    benchmark_code = models.CharField(
        max_length=20,
        blank=True,
        help_text="Its code in published benchmarking data (e.g. LGBF's CHN9), if it is benchmarked",
    )
    family_group = models.ForeignKey(
        "FamilyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The councils it is compared with; empty means the only family group, if there is one",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def polarity_enum(self) -> Polarity:
        return Polarity(self.polarity)

    @property
    def frequency_enum(self) -> Frequency:
        return Frequency(self.frequency)

    def reporting_period(self, period: Period) -> Period | None:
        """The indicator's own period that reports at `period`, or None if it is not measured then."""
        return period.as_frequency(self.frequency_enum)


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = PeriodField()
    value = models.DecimalField(**NUMBER)
    tolerance = models.DecimalField(
        **NUMBER, default=Decimal(0), validators=[MinValueValidator(Decimal(0))], help_text="Width of the amber band"
    )
    tolerance_type = models.CharField(max_length=10, choices=TOLERANCE_CHOICES, default=ToleranceType.ABSOLUTE)
    rationale = models.TextField(blank=True, help_text="How the target was set")
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_target_per_indicator_period"),
            models.CheckConstraint(condition=models.Q(tolerance__gte=0), name="tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    def as_rule(self) -> TargetRule:
        return TargetRule(self.value, self.tolerance, ToleranceType(self.tolerance_type))


class IndicatorValue(Reviewable):
    """The value of an indicator for one period (or why there is none)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = PeriodField()
    value = models.DecimalField(**NUMBER, null=True, blank=True)
    numerator = models.DecimalField(**NUMBER, null=True, blank=True)
    denominator = models.DecimalField(**NUMBER, null=True, blank=True)
    not_available = models.BooleanField(default=False)
    not_available_reason = models.CharField(max_length=300, blank=True)
    commentary = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_value_per_indicator_period"),
            models.CheckConstraint(
                condition=models.Q(not_available=True, value__isnull=True)
                | models.Q(not_available=False, value__isnull=False),
                name="value_or_not_available",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {'n/a' if self.not_available else self.value}"

    def clean(self) -> None:
        if self.not_available:
            if self.value is not None:
                raise ValidationError({"value": 'Leave the value empty when it is "not available".'})
            if not self.not_available_reason.strip():
                raise ValidationError({"not_available_reason": "Say why the value is not available."})
        elif self.value is None:
            raise ValidationError({"value": 'Enter a value, or mark it "not available" with a reason.'})
        if self.denominator is not None and self.denominator == 0:
            raise ValidationError({"denominator": "The denominator cannot be zero."})


class ExceptionReport(models.Model):
    """Required for a red indicator: what is happening and what is being done about it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="exception_reports")
    period = PeriodField()
    performance = models.TextField("How we are performing")
    improvement_actions = models.TextField("Improvement actions")
    timescale = models.CharField(max_length=300)
    resource_implications = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_exception_per_indicator_period")
        ]

    def __str__(self) -> str:
        return f"Exception report {self.indicator.code} {self.period}"


class Risk(models.Model):
    """A risk on a service's register, scored likelihood x impact on a 5 x 5 grid."""

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="risks")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks")
    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(
        validators=SCALE, default=3, help_text="Before any controls, 1 (rare) to 5 (almost certain)"
    )
    inherent_impact = models.PositiveSmallIntegerField(
        validators=SCALE, default=3, help_text="Before any controls, 1 (negligible) to 5 (catastrophic)"
    )
    likelihood = models.PositiveSmallIntegerField("Current likelihood", validators=SCALE)
    impact = models.PositiveSmallIntegerField("Current impact", validators=SCALE)
    target_score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(25)])
    controls = models.TextField("Controls in place", blank=True)
    further_actions = models.TextField("Further mitigating actions", blank=True)
    mitigating_actions = models.ManyToManyField(
        Action, blank=True, related_name="mitigates", help_text="Plan actions that reduce this risk"
    )
    latest_position = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True, help_text="When the risk is next due for review")
    history = HistoricalRecords(m2m_fields=[mitigating_actions])

    class Meta:
        ordering = ["service", "reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(likelihood__gte=1, likelihood__lte=5), name="likelihood_1_5"),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="impact_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact


class RiskReview(Reviewable):
    """The owner's quarterly review of a risk: new likelihood and impact, and the latest position."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    period = PeriodField()
    likelihood = models.PositiveSmallIntegerField(validators=Risk.SCALE)
    impact = models.PositiveSmallIntegerField(validators=Risk.SCALE)
    previous_score = models.PositiveSmallIntegerField(help_text="The risk's score when the review was started")
    latest_position = models.TextField()
    reason = models.TextField(blank=True, help_text="Why the likelihood or impact changed")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "period"]
        constraints = [models.UniqueConstraint(fields=["risk", "period"], name="unique_review_per_risk_period")]

    def __str__(self) -> str:
        return f"{self.risk.reference} review {self.period}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Role(models.Model):
    """What a user may do, and for which service. A user can hold several roles."""

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", "Performance team"
        APPROVER = "approver", "Approver"
        OFFICER = "officer", "Officer"
        MEMBER = "member", "Committee member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text="Approvers and officers act for one service; leave empty for the performance team and members",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "service"], name="unique_role"),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(service__isnull=True), name="unique_role_without_service"
            ),
        ]

    def __str__(self) -> str:
        where = f" – {self.service}" if self.service_id else ""
        return f"{self.user} – {self.get_kind_display()}{where}"

    def clean(self) -> None:
        needs_service = self.kind in (self.Kind.APPROVER, self.Kind.OFFICER)
        if needs_service and not self.service_id:
            raise ValidationError({"service": "Approvers and officers act for a service."})


class ComparatorCouncil(models.Model):
    """A council in published benchmarking data, or the row that holds the national figure."""

    name = models.CharField(max_length=120, unique=True)
    is_own = models.BooleanField("This is our council", default=False)
    is_national = models.BooleanField(
        "National figure",
        default=False,
        help_text="The row is the published national figure (e.g. the Scottish average), not a council",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_own"], condition=models.Q(is_own=True), name="one_own_council"),
            models.UniqueConstraint(
                fields=["is_national"], condition=models.Q(is_national=True), name="one_national_figure"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_own=True, is_national=True), name="own_council_is_not_national"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FamilyGroup(models.Model):
    """Councils with similar circumstances that we compare ourselves with (LGBF's family groups)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="What the councils have in common")
    members = models.ManyToManyField(ComparatorCouncil, related_name="family_groups", blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComparatorValue(models.Model):
    """A council's published figure for a benchmarked indicator in one year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparator_values")
    council = models.ForeignKey(ComparatorCouncil, on_delete=models.CASCADE, related_name="values")
    period = PeriodField()
    value = models.DecimalField(**NUMBER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "council"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "council", "period"], name="unique_comparator_value_per_council_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.council}: {self.value}"


class PendingImport(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation."""

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"
