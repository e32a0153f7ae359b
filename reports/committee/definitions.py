"""Defining a committee report: which committee and meeting, which period, which services or
plans it covers and which appendices it includes."""

from __future__ import annotations

from django import forms

from indicators.fields import PeriodFormField
from indicators.models import Indicator, Plan
from reports.models import CommitteeReport
from reports.scorecards.scope import Scope


class CommitteeReportForm(forms.ModelForm):
    period = PeriodFormField(label="Reporting period")

    class Meta:
        model = CommitteeReport
        fields = [
            "title",
            "committee",
            "meeting_date",
            "period",
            "services",
            "plans",
            "include_summary",
            "include_actions",
            "include_indicators",
            "include_exceptions",
            "include_risks",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "services": forms.CheckboxSelectMultiple,
            "plans": forms.CheckboxSelectMultiple,
        }


def report_scope(report: CommitteeReport) -> Scope:
    """What the report covers: its chosen services (else the committee's), narrowed to its chosen plans."""
    services = list(report.services.all()) or list(report.committee.services.all())
    plans = Plan.objects.filter(service__in=services)
    chosen_plans = list(report.plans.all())
    indicators = Indicator.objects.filter(service__in=services)
    if chosen_plans:
        plans = plans.filter(pk__in=[p.pk for p in chosen_plans])
        indicators = indicators.filter(plan__in=chosen_plans)
    return Scope("report", report.title, plans, indicators)
