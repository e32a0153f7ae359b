"""Published benchmarking figures: comparator councils, family groups and their values."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import PeriodField
from .indicators import NUMBER, Indicator


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
