"""The performance team's reporting rounds: open a period for updates, lock it once reported
(after seeing what is not approved yet), reopen it; and the council's review rules."""

from __future__ import annotations

import datetime as dt
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..due import unfinished_in_round
from ..fields import PeriodFormField
from ..models import ReportingRound, WorkflowSettings
from ..permissions import require_performance_team, round_for_managing
from ..reminders import chase as send_chase
from ..round_progress import round_items
from ..round_progress import round_progress as build_round_progress
from ..workflow import WorkflowError, is_round_period, lock_round, open_round, reopen_round, set_self_approval

logger = logging.getLogger(__name__)


class RoundForm(forms.Form):
    period = PeriodFormField(
        label="Period", help_text='A quarter, half year or year: for example "Q3 2022/23", "H1 2022/23" or "2022/23".'
    )
    deadline = forms.DateField(
        label="Deadline for updates",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": "Enter a real date, for example 20/01/2023.",
            "required": "Enter the date by which updates are due.",
        },
    )

    def clean_period(self):
        period = self.cleaned_data["period"]
        if not is_round_period(period):
            raise forms.ValidationError(
                f'Open a round for a quarter, a half year or a year (for example "Q3 2022/23" or "H1 2022/23"), '
                f"not {period.label}."
            )
        if ReportingRound.objects.filter(period=period).exists():
            raise forms.ValidationError(f"{period.label} has already been opened.")
        return period

    def clean(self):
        cleaned = super().clean()
        period, deadline = cleaned.get("period"), cleaned.get("deadline")
        if period and deadline and deadline < period.end:
            self.add_error("deadline", f"The deadline must be after the period ends ({period.end:%d %b %Y}).")
        return cleaned


class ReviewRulesForm(forms.Form):
    allow_self_approval = forms.BooleanField(
        label="Approvers may approve updates they submitted or wrote themselves",
        required=False,
        help_text="Off by default: someone other than the person who submitted an update approves it.",
    )
    reason = forms.CharField(
        label="Why this is being changed",
        max_length=500,
        help_text="Kept in the audit history with your name and the date.",
        error_messages={"required": "Say why; the reason is kept in the audit history."},
    )


def _rounds_page(
    request: HttpRequest, form: RoundForm, rules_form: ReviewRulesForm, reopen_error: tuple[int, str] | None = None
) -> HttpResponse:
    """The rounds page; `reopen_error` is (round id, message) for a reopen refused, shown at its box."""
    all_rounds = list(ReportingRound.objects.select_related("opened_by", "locked_by").order_by("-deadline"))
    history = {}
    for record in ReportingRound.history.filter(id__in=[r.id for r in all_rounds]).select_related("history_user"):
        history.setdefault(record.id, []).append(record)
    rules_history = WorkflowSettings.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "indicators/rounds.html",
        {
            "form": form,
            "rounds": [(r, history.get(r.id, [])) for r in all_rounds],
            "today": dt.date.today(),
            "rules_form": rules_form,
            "rules_history": list(rules_history),
            "self_approval_allowed": WorkflowSettings.current().allow_self_approval,
            "reopen_error": reopen_error,
        },
    )


def _current_rules() -> dict:
    return {"allow_self_approval": WorkflowSettings.current().allow_self_approval}


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "manages reporting rounds")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = open_round(form.cleaned_data["period"], form.cleaned_data["deadline"], request.user)
        messages.success(request, f"{new.period.label} is open for updates until {new.deadline:%d %b %Y}.")
        if not any(True for _ in round_items(new)):
            messages.warning(
                request,
                f"Nothing is due in {new.period.label}: no plan running in {new.period.financial_year_period().label} "
                "has actions or measures reported then, and no risk has an owner. If the period is wrong, remove "
                "the round in Set-up (Reporting rounds).",
            )
        return redirect("rounds")
    return _rounds_page(request, form, ReviewRulesForm(initial=_current_rules()))


@login_required
@require_POST
def review_rules(request: HttpRequest) -> HttpResponse:
    """The performance team allows or stops approvers approving their own entries, with a reason."""
    require_performance_team(request.user, "changes the review rules")
    rules_form = ReviewRulesForm(request.POST)
    if rules_form.is_valid():
        allowed = rules_form.cleaned_data["allow_self_approval"]
        try:
            set_self_approval(request.user, allowed, rules_form.cleaned_data["reason"])
        except WorkflowError as error:
            rules_form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                "Approvers may now approve their own updates."
                if allowed
                else "Updates must now be approved by someone other than who submitted them.",
            )
            return redirect("rounds")
    # Shown again on the rounds page with what was typed and the errors beside the fields.
    return _rounds_page(request, RoundForm(), rules_form)


@login_required
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock a round, after a page listing every entry not yet approved and every item not started."""
    reporting_round = round_for_managing(request.user, pk)
    if request.method == "POST":
        try:
            acknowledged = int(request.POST.get("acknowledged", "0")) if request.POST.get("confirm") else 0
        except ValueError:
            acknowledged = 0
        try:
            lock_round(reporting_round, request.user, acknowledged)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("lock_round", reporting_round.pk)
        messages.success(request, f"{reporting_round.period.label} is locked; no more changes without reopening.")
        return redirect("rounds")
    if reporting_round.is_locked:
        messages.info(request, f"{reporting_round.period.label} is already locked.")
        return redirect("rounds")
    unfinished = unfinished_in_round(reporting_round)
    counts: dict[str, int] = {}
    for entry in unfinished:
        counts[entry.state_label] = counts.get(entry.state_label, 0) + 1
    return render(
        request,
        "indicators/lock_round.html",
        {"round": reporting_round, "unfinished": unfinished, "counts": counts},
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    reporting_round = round_for_managing(request.user, pk)
    try:
        reopen_round(reporting_round, request.user, request.POST.get("reason", ""))
    except WorkflowError as error:
        # Shown at the reason's box, on the rounds page again.
        return _rounds_page(
            request, RoundForm(), ReviewRulesForm(initial=_current_rules()), (reporting_round.pk, str(error))
        )
    messages.success(request, f"{reporting_round.period.label} is open again.")
    return redirect("rounds")


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's counts by state, per service and per person, with the deadline and whom to chase."""
    reporting_round = round_for_managing(request.user, pk)
    return render(
        request,
        "indicators/round_progress.html",
        {"progress": build_round_progress(reporting_round, timezone.localdate())},
    )


@login_required
@require_POST
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the chosen people the reminder of what they have still to hand in, now (recorded)."""
    reporting_round = round_for_managing(request.user, pk)
    try:
        chosen = {int(person) for person in request.POST.getlist("person")}
    except ValueError:
        chosen = set()
    if not chosen:
        messages.error(request, "Choose who to chase: tick the people to send the reminder to.")
        return redirect("round_progress", reporting_round.pk)
    try:
        # The site's address as settings give it, else as this request reached it.
        site = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
        sent = send_chase(reporting_round, chosen, request.user, site)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("round_progress", reporting_round.pk)
    except OSError:  # the mail server refused or could not be reached (smtplib's errors are OSErrors)
        logger.exception("Chase for %s not sent", reporting_round.period.label)
        messages.error(
            request, "The reminders could not be sent: the mail server did not accept them. Try again later."
        )
        return redirect("round_progress", reporting_round.pk)
    names = ", ".join(c.person.get_full_name() or c.person.username for c in sent)
    if sent:
        messages.success(request, f"Reminder sent to {len(sent)} {'person' if len(sent) == 1 else 'people'}: {names}.")
    if len(sent) < len(chosen):
        left = len(chosen) - len(sent)
        messages.info(
            request,
            f"{left} {'person was' if left == 1 else 'people were'} not sent anything: nothing outstanding, "
            "or no email address.",
        )
    return redirect("round_progress", reporting_round.pk)
