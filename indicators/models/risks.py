"""A service's risk register and the owners' quarterly reviews of each risk."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import PeriodField
from ..risks import RiskBand, risk_band
from .organisation import Service
from .plans import Action, Plan
from .workflow import Reviewable


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
    def band(self) -> RiskBand:
        return risk_band(self.score)

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
