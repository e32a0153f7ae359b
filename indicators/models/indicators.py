"""Indicators, their targets and values per period, and exception reports for red measures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import PeriodField
from ..numbers import DECIMAL_PLACES, MAX_DIGITS
from ..periods import Frequency, Period
from ..status import Aggregation, AppliedTarget, PartOfYear, Polarity, ToleranceType, applicable_target, reported_period
from ..status import Target as TargetRule
from .organisation import Service
from .plans import Outcome, Plan
from .workflow import Reviewable

NUMBER = {"max_digits": MAX_DIGITS, "decimal_places": DECIMAL_PLACES}  # `numbers.storable` checks figures fit


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
PART_OF_YEAR_CHOICES = choices(
    PartOfYear,
    {
        "as_it_is": "As it is (rates, percentages, averages)",
        "pro_rata": "Pro rata by months (cumulative counts)",
    },
)
TOLERANCE_CHOICES = choices(ToleranceType, {"absolute": "Absolute (in the indicator's unit)", "percent": "% of target"})


_POLARITIES = {polarity.value: polarity for polarity in Polarity}
_FREQUENCIES = {frequency.value: frequency for frequency in Frequency}


class IndicatorRules:
    """What an indicator's own fields decide, for the model and for the light rows a scorecard
    reads by the thousand (`reports/scorecards/load.IndicatorFacts`): one definition for both."""

    __slots__ = ()

    # How many months after one of its periods ends a source's figure should be in; None for a
    # local source (its figures are due with the period). A source listed here is "published
    # nationally": its measures report the latest due year and are "not yet available" until its
    # figure is in (`status.reported_period`). Data, not a rule: a new source is a new row here.
    PUBLICATION_DELAY_MONTHS: dict[str, int | None] = {"local": None, "national": 6, "lgbf": 6}
    NATIONAL_SOURCES = frozenset(source for source, delay in PUBLICATION_DELAY_MONTHS.items() if delay is not None)

    polarity: str
    frequency: str
    source: str

    # Read for every row of a scorecard: a dict look-up, where calling the enum runs its Python
    # look-up (an unknown value still raises the enum's own error).
    @property
    def polarity_enum(self) -> Polarity:
        return _POLARITIES.get(self.polarity) or Polarity(self.polarity)

    @property
    def frequency_enum(self) -> Frequency:
        return _FREQUENCIES.get(self.frequency) or Frequency(self.frequency)

    @property
    def publication_delay(self) -> int | None:
        """Months after a period ends that its figure is published nationally; None if local."""
        return self.PUBLICATION_DELAY_MONTHS.get(self.source)

    @property
    def published_nationally(self) -> bool:
        return self.source in self.NATIONAL_SOURCES

    def reporting_period(self, period: Period) -> Period | None:
        """The indicator's own period that reports at `period`, or None if it is not measured then."""
        return reported_period(period, self.frequency_enum, self.publication_delay)


class Indicator(IndicatorRules, models.Model):
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
    part_of_year = models.CharField(
        "part of the year against the year's target",
        max_length=10,
        choices=PART_OF_YEAR_CHOICES,
        default=PartOfYear.AS_IT_IS,
        help_text="How a quarter or half year is judged when only the year has a target",
    )
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

    def target_for(self, period: Period) -> AppliedTarget | None:
        """The target `period` is judged against: its own, else its year's (`status.applicable_target`; one query)."""
        keys = {period.key, period.financial_year_period().key}
        rules = {t.period: t.as_rule() for t in self.targets.filter(period__in=keys)}
        return applicable_target(period, rules.get, self.part_of_year)


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
        # A scorecard reads the targets of a few periods for every indicator in scope: by this
        # index, whatever the length of the history.
        indexes = [models.Index(fields=["period", "indicator"], name="target_period")]
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
        # The scorecard's period picker walks the approved periods by this index (a skip scan,
        # `reports.scorecards.load.period_choices`), whatever the length of the history.
        indexes = [models.Index(fields=["state", "period", "not_available"], name="value_state_period")]
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
