"""Defining a committee report: which committee and meeting, which period, which services or
plans it covers and which appendices it includes."""

from __future__ import annotations

import re

from django import forms

from indicators.fields import PeriodFormField
from indicators.models import Indicator, Plan, Service
from reports.models import ISSUED_DEFINITION_FROZEN, CommitteeReport
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

    def clean(self) -> dict:
        """The scope must lie within the committee's services: a report never prints another
        committee's plan under this committee's heading."""
        cleaned = super().clean()
        committee = cleaned.get("committee")
        if committee is None:
            return cleaned
        allowed = {service.pk for service in committee.services.all()}
        outside = [service.name for service in cleaned.get("services") or [] if service.pk not in allowed]
        if outside:
            self.add_error(
                "services",
                f"{committee.name} does not scrutinise {', '.join(outside)}: choose from its services, "
                "or leave empty for all of them.",
            )
        services = {service.pk for service in cleaned.get("services") or []} or allowed
        stray = [plan.title for plan in cleaned.get("plans") or [] if plan.service_id not in services]
        if stray:
            self.add_error(
                "plans",
                f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} not a plan of the report's services "
                f"({committee.name}'s, or those chosen above).",
            )
        if self.instance.pk is not None and self.instance.is_issued:
            raise forms.ValidationError(ISSUED_DEFINITION_FROZEN)
        return cleaned


def report_services(report: CommitteeReport) -> list[Service]:
    """The services the report covers: its chosen ones, else those its committee scrutinises now."""
    return list(report.services.all()) or list(report.committee.services.all())


def scope_service_ids(report: CommitteeReport) -> list[int]:
    return [service.pk for service in report_services(report)]


def report_scope(report: CommitteeReport, services: list[Service] | None = None) -> Scope:
    """What the report covers: `services` (default: `report_services`), narrowed to its chosen plans."""
    services = report_services(report) if services is None else services
    plans = Plan.objects.filter(service__in=services)
    chosen_plans = list(report.plans.all())
    indicators = Indicator.objects.filter(service__in=services)
    if chosen_plans:
        plans = plans.filter(pk__in=[p.pk for p in chosen_plans])
        indicators = indicators.filter(plan__in=chosen_plans)
    return Scope("report", report.title, plans, indicators)


class IssueForm(forms.Form):
    """The performance team's explicit confirmation of an issue, naming what goes where.

    `confirmation` is a fresh id each time the form is shown: posting the same form twice issues
    one version (`tasks.request_issue`)."""

    confirmation = forms.UUIDField(widget=forms.HiddenInput)
    # How many issues of the report had been asked for when the form was shown: a confirmation
    # made before someone else's issue is refused rather than issuing another version.
    issues_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        required=True, error_messages={"required": "Tick the box to confirm the issue, or go back to the report."}
    )

    def __init__(self, *args, report: CommitteeReport, outstanding: int, items: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        about = f", about {items} item{'s' if items != 1 else ''}" if items is not None and items != outstanding else ""
        what = (
            f"with the {outstanding} outstanding point{'s' if outstanding != 1 else ''} listed above{about}"
            if outstanding
            else "with nothing outstanding"
        )
        self.fields["confirm"].label = (
            f"I confirm that “{report.title}” goes to {report.committee.name} for its meeting on "
            f"{report.meeting_date.day} {report.meeting_date:%B %Y}, reporting {report.period.long_label}, {what}."
        )
        self.fields[
            "confirm"
        ].help_text = (
            "Once issued, the PDF and its figures are frozen for good; a mistake can only be withdrawn, with a reason."
        )


def title_with_period(title: str, period_label: str) -> str:
    """A report's title followed by its period ("Q2 2022/23"), unless the title ends with it
    already: for running headers, footers and document titles."""
    return title if title.endswith(period_label) else f"{title} – {period_label}"
