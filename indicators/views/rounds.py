"""The performance team's reporting rounds: open a period for updates, lock it once reported, reopen it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..fields import PeriodFormField
from ..models import ReportingRound
from ..permissions import require_performance_team, round_for_managing
from ..workflow import WorkflowError, lock_round, open_round, reopen_round


class RoundForm(forms.Form):
    period = PeriodFormField(label="Period", help_text='For example "Q3 2022/23".')
    deadline = forms.DateField(
        label="Deadline for updates",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 20/01/2023."},
    )

    def clean_period(self):
        period = self.cleaned_data["period"]
        if ReportingRound.objects.filter(period=period).exists():
            raise forms.ValidationError(f"{period.label} has already been opened.")
        return period

    def clean(self):
        cleaned = super().clean()
        period, deadline = cleaned.get("period"), cleaned.get("deadline")
        if period and deadline and deadline < period.end:
            self.add_error("deadline", f"The deadline must be after the period ends ({period.end:%d %b %Y}).")
        return cleaned


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "manages reporting rounds")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = open_round(form.cleaned_data["period"], form.cleaned_data["deadline"], request.user)
        messages.success(request, f"{new.period.label} is open for updates until {new.deadline:%d %b %Y}.")
        return redirect("rounds")
    all_rounds = list(ReportingRound.objects.select_related("opened_by", "locked_by").order_by("-deadline"))
    history = {}
    for record in ReportingRound.history.filter(id__in=[r.id for r in all_rounds]).select_related("history_user"):
        history.setdefault(record.id, []).append(record)
    return render(
        request,
        "indicators/rounds.html",
        {"form": form, "rounds": [(r, history.get(r.id, [])) for r in all_rounds], "today": dt.date.today()},
    )


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    reporting_round = round_for_managing(request.user, pk)
    lock_round(reporting_round, request.user)
    messages.success(request, f"{reporting_round.period.label} is locked; no more changes without reopening.")
    return redirect("rounds")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    reporting_round = round_for_managing(request.user, pk)
    try:
        reopen_round(reporting_round, request.user, request.POST.get("reason", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{reporting_round.period.label} is open again.")
    return redirect("rounds")
