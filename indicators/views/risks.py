"""Risk registers (per service and per committee) and the owner's quarterly review of a risk."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from reports.trail import trail

from ..forms import typed_but_not_saved
from ..models import Committee, Risk, RiskReview, Service
from ..permissions import can_review_risk, risk_for_review
from ..risk_register import SORTS, build_register, score_history
from ..risks import risk_band
from ..workflow import Conflict, WorkflowError, current_round, editable, recallable, save_entry

SCALE = [(n, f"{n}") for n in range(1, 6)]


def _scale_param(request: HttpRequest, name: str) -> int | None:
    """A likelihood or impact from the query string (1-5), or None for any."""
    text = request.GET.get(name, "")
    return int(text) if text in {str(n) for n, _ in SCALE} else None


def _register(request: HttpRequest, title: str, risks, trail) -> HttpResponse:
    risks = list(risks.select_related("service", "owner").order_by("reference"))
    sort = request.GET.get("sort", "score")
    register = build_register(risks, timezone.localdate(), sort if sort in SORTS else "score")
    # A heat-map cell links here with its likelihood and impact: the rows narrow, the map stays whole.
    likelihood, impact = _scale_param(request, "likelihood"), _scale_param(request, "impact")
    rows = [
        row
        for row in register.rows
        if (likelihood is None or row.likelihood == likelihood) and (impact is None or row.impact == impact)
    ]
    reviewable = {risk.id for risk in risks if can_review_risk(request.user, risk)}
    return render(
        request,
        "indicators/risk_register.html",
        {
            "title": title,
            "register": register,
            "rows": rows,
            "likelihood": likelihood,
            "impact": impact,
            "reviewable": reviewable,
            "sort": sort,
            "trail": trail,
        },
    )


@login_required
def registers(request: HttpRequest) -> HttpResponse:
    """Every committee's and service's risk register, with how many risks each holds (two queries)."""
    committees = Committee.objects.annotate(risk_count=Count("services__risks")).order_by("name")
    services = Service.objects.annotate(risk_count=Count("risks")).order_by("name")
    return render(
        request,
        "indicators/risk_registers.html",
        {"committees": committees, "services": services, "trail": trail(None, "Risk registers")},
    )


@login_required
def service_register(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    return _register(request, service.name, Risk.objects.filter(service=service), trail(service, "Risk register"))


@login_required
def committee_register(request: HttpRequest, slug: str) -> HttpResponse:
    committee = get_object_or_404(Committee, slug=slug)
    return _register(
        request,
        committee.name,
        Risk.objects.filter(service__in=committee.services.all()),
        trail(committee, "Risk register"),
    )


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A risk for anyone signed in (members included): its score over time from the audit
    history, controls, further and linked plan actions, and its approved reviews."""
    risk = get_object_or_404(Risk.objects.select_related("service", "owner", "plan", "plan__service"), pk=pk)
    return render(
        request,
        "indicators/risk.html",
        {
            "risk": risk,
            "band": risk_band(risk.score),
            "scores": score_history(risk),
            "mitigating": list(risk.mitigating_actions.select_related("plan").order_by("code")),
            "reviews": list(risk.reviews.approved().select_related("reviewed_by").order_by("-period")),
            "can_review": can_review_risk(request.user, risk),
            "trail": trail(risk),
        },
    )


class RiskReviewForm(forms.Form):
    likelihood = forms.TypedChoiceField(
        label="Likelihood now", choices=SCALE, coerce=int,
        help_text="1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain",
    )  # fmt: skip
    impact = forms.TypedChoiceField(
        label="Impact now", choices=SCALE, coerce=int,
        help_text="1 negligible, 2 minor, 3 moderate, 4 major, 5 catastrophic",
    )  # fmt: skip
    latest_position = forms.CharField(label="Latest position", widget=forms.Textarea(attrs={"rows": 4}),
                                      error_messages={"required": "Describe the latest position."})  # fmt: skip
    reason = forms.CharField(label="Why the score changed", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, risk: Risk, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.risk = risk

    def clean(self):
        cleaned = super().clean()
        changed = (cleaned.get("likelihood"), cleaned.get("impact")) != (self.risk.likelihood, self.risk.impact)
        if changed and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the likelihood or impact has changed.")
        return cleaned


@login_required
def review_risk(request: HttpRequest, pk: int) -> HttpResponse:
    risk = risk_for_review(request.user, pk)
    try:
        period = current_round().period
    except WorkflowError as error:
        if request.method == "POST":
            # The round closed while the form was open: what was typed is shown, to copy, not lost.
            unsaved = typed_but_not_saved(RiskReviewForm(request.POST, risk=risk))
            context = {"risk": risk, "reason": f"{error} Risks cannot be reviewed just now.", "unsaved": unsaved}
            return render(request, "indicators/not_saved.html", context, status=403)
        messages.error(request, f"{error} Risks cannot be reviewed just now.")
        return redirect("service_risks", risk.service.slug)
    entry = RiskReview.objects.filter(risk=risk, period=period).first()
    can_edit, closed_reason = editable(period, entry)
    refused = request.method == "POST" and not can_edit
    if refused:
        form = RiskReviewForm(request.POST, risk=risk)
    elif request.method == "POST":
        form = RiskReviewForm(request.POST, risk=risk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_entry(
                    RiskReview,
                    {"risk": risk, "period": period},
                    data["version"],
                    {
                        "likelihood": data["likelihood"],
                        "impact": data["impact"],
                        "latest_position": data["latest_position"].strip(),
                        "reason": (data.get("reason") or "").strip(),
                        "previous_score": risk.score,
                    },
                    request.user,
                    submit="submit" in request.POST,
                )
            except (Conflict, WorkflowError) as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, f"Review of {risk.reference} {'submitted' if 'submit' in request.POST else 'saved'}."
                )
                return redirect("service_risks", risk.service.slug)
    else:
        initial = {
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "latest_position": risk.latest_position,
            "version": 0,
        }
        if entry:
            initial |= {
                "likelihood": entry.likelihood,
                "impact": entry.impact,
                "latest_position": entry.latest_position,
                "reason": entry.reason,
                "version": entry.version,
            }
        form = RiskReviewForm(initial=initial, risk=risk)
    return render(
        request,
        "indicators/risk_review.html",
        {
            "risk": risk,
            "form": form,
            "entry": entry,
            "editable": can_edit,
            "closed_reason": closed_reason,
            "recallable": recallable(period, entry),
            "period": period,
            "mitigating": list(risk.mitigating_actions.order_by("code")),
            "trail": trail(risk, f"Review for {period.label}"),
            "unsaved": typed_but_not_saved(form) if refused else [],
        },
        status=403 if refused else 200,
    )
