"""Defining a committee report: which committee and meeting, which period, which services or
plans it covers and which appendices it includes."""

from __future__ import annotations

import re

from django import forms

from indicators.fields import PeriodFormField
from indicators.models import Indicator, Plan
from reports.models import CommitteeReport
from reports.scorecards.scope import Scope

# The appendices a report can carry, in their usual order, with their headings.
APPENDIX_TITLES = {
    "summary": "Status summary",
    "actions": "Action progress",
    "indicators": "Indicator scorecard",
    "exceptions": "Exception reports",
    "risks": "Risk register",
}


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
            "appendix_order",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "services": forms.CheckboxSelectMultiple,
            "plans": forms.CheckboxSelectMultiple,
        }

    def clean_appendix_order(self) -> str:
        """Only the appendices' names, each once (the order itself: pdf.appendix_sequence)."""
        names = [name for name in re.split(r"[\s,]+", self.cleaned_data["appendix_order"].lower()) if name]
        unknown = [name for name in names if name not in APPENDIX_TITLES]
        if unknown:
            raise forms.ValidationError(
                f"Unknown appendix {', '.join(unknown)}: use {', '.join(APPENDIX_TITLES)}, separated by commas."
            )
        if len(set(names)) != len(names):
            raise forms.ValidationError("Name each appendix once.")
        return ", ".join(names)


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
