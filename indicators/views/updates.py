"""Pages for officers: what is due from them, and the forms to report it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ..forms import ActionUpdateForm, IndicatorValueForm
from ..models import (
    Action,
    ActionUpdate,
    Committee,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    Plan,
    ReportingRound,
    ReviewState,
    Target,
)
from ..periods import Frequency, Period, PeriodError
from ..permissions import action_for_editing, indicator_for_editing, indicators_for_editing, user_roles
from ..preview import neighbours, preview
from ..progress import finished_action_ids
from ..status import indicator_status
from ..workflow import (
    Conflict,
    WorkflowError,
    editable,
    missing_exception_report,
    require_open_round,
    save_entry,
    save_value,
)
from .redirects import next_url

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "Not started", **dict(ReviewState.choices)}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("service").annotate(
        action_count=Count("actions", distinct=True), indicator_count=Count("indicators", distinct=True)
    )
    committees = Committee.objects.prefetch_related(
        Prefetch("services__plans", queryset=plans.order_by("title"))
    ).order_by("name")
    return render(request, "indicators/home.html", {"committees": committees, "roles": user_roles(request.user)})


def _period_from_url(token: str) -> Period:
    try:
        return Period.parse(token)
    except PeriodError as error:
        raise Http404(str(error)) from error


def _item(kind, obj, period, entry, deadline) -> dict:
    state = entry.state if entry else NOT_STARTED
    # Until it is submitted, an entry is still to be handed in.
    outstanding = entry is None or entry.is_editable
    return {
        "kind": kind,
        "obj": obj,
        "period": period,
        "entry": entry,
        "state": state,
        "state_label": STATE_LABELS[state],
        "outstanding": outstanding,
        "late": outstanding and deadline < timezone.localdate(),
        "url": reverse(f"{kind}_update", args=[period.slug, obj.pk]),
    }


@login_required
def my_updates(request: HttpRequest) -> HttpResponse:
    """Everything due from the signed-in officer in the open reporting rounds."""
    rounds = list(ReportingRound.objects.open())
    user = request.user
    actions = list(
        Action.objects.filter(Q(assigned_to=user) | Q(owner=user, assigned_to__isnull=True))
        .select_related("plan")
        .order_by("plan__title", "order", "code")
    )
    indicators = list(Indicator.objects.filter(owner=user, active=True).select_related("plan").order_by("code"))
    keys = {r.period.key for r in rounds} | {
        p.key for r in rounds for f in Frequency if (p := r.period.as_frequency(f)) is not None
    }
    updates = {
        (u.action_id, u.period): u
        for u in ActionUpdate.objects.filter(action__in=[a.id for a in actions], period__in=keys).only(
            "id", "action_id", "period", "state", "review_comment", "updated"
        )
    }
    values = {
        (v.indicator_id, v.period): v
        for v in IndicatorValue.objects.filter(indicator__in=[i.id for i in indicators], period__in=keys).only(
            "id", "indicator_id", "period", "state", "review_comment", "updated"
        )
    }
    sections = []
    for reporting_round in rounds:
        finished = finished_action_ids([a.id for a in actions], before=reporting_round.period)
        items = [
            _item(
                "action",
                a,
                reporting_round.period,
                updates.get((a.id, reporting_round.period)),
                reporting_round.deadline,
            )
            for a in actions
            if a.id not in finished
        ]
        for indicator in indicators:
            own = reporting_round.period.as_frequency(indicator.frequency_enum)
            if own is not None:
                items.append(
                    _item("indicator", indicator, own, values.get((indicator.id, own)), reporting_round.deadline)
                )
        # Late and returned items first, then what has not been started.
        order = {ReviewState.RETURNED: 0, NOT_STARTED: 1, ReviewState.DRAFT: 2, ReviewState.SUBMITTED: 3}
        items.sort(key=lambda i: (not i["late"], order.get(i["state"], 4), i["obj"].code))
        outstanding = sum(1 for i in items if i["outstanding"])
        sections.append({"round": reporting_round, "entries": items, "outstanding": outstanding})
    return render(
        request,
        "indicators/my_updates.html",
        {"sections": sections, "roles": user_roles(user), "has_indicators": bool(indicators)},
    )


def _with_version(data, other):
    """The user's input, based now on the other person's version: saving again is a knowing choice."""
    data = data.copy()
    data["version"] = other.version if other else 0
    return data


def _conflict_message(request, error: Conflict) -> None:
    other = error.current
    if other is None:
        messages.error(request, "This update was removed while you were editing it. Your text is below.")
        return
    who = other.author.get_full_name() if other.author else "Someone"
    messages.error(
        request,
        f"{who} saved this at {timezone.localtime(other.updated):%H:%M on %d %b %Y} while you were editing. "
        "Their version is shown beside the form and your text is kept below: merge what you need, then save again.",
    )


@login_required
def action_update(request: HttpRequest, period: str, pk: int) -> HttpResponse:
    action = action_for_editing(request.user, pk)
    period_obj = _period_from_url(period)
    if period_obj.frequency != Frequency.QUARTERLY:
        raise Http404("Actions are updated each quarter.")
    entry = ActionUpdate.objects.filter(action=action, period=period_obj).select_related("author").first()
    previous = (
        ActionUpdate.objects.approved().filter(action=action).exclude(period=period_obj).order_by("-period").first()
    )
    can_edit, closed_reason = editable(period_obj, entry)
    other_version = None

    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(closed_reason)
        form = ActionUpdateForm(request.POST, action=action)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                save_entry(
                    ActionUpdate,
                    {"action": action, "period": period_obj},
                    form.cleaned_data["version"],
                    form.entry_fields(),
                    request.user,
                    submit,
                )
            except Conflict as error:
                _conflict_message(request, error)
                other_version = error.current
                form = ActionUpdateForm(_with_version(request.POST, other_version), action=action)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"{action.code} {'submitted for approval' if submit else 'saved as a draft'}.",
                )
                return redirect("my_updates")
    else:
        initial = {"version": entry.version if entry else 0}
        if entry:
            initial |= {
                "progress": entry.progress,
                "narrative": entry.narrative,
                "revised_due_date": entry.revised_due_date,
                "cancel": entry.set_status == ActionUpdate.SetStatus.CANCELLED,
                "cancel_reason": entry.status_reason,
            }
        form = ActionUpdateForm(initial=initial, action=action)
    return render(
        request,
        "indicators/action_update.html",
        {
            "action": action,
            "period": period_obj,
            "form": form,
            "entry": entry,
            "previous": previous,
            "editable": can_edit,
            "closed_reason": closed_reason,
            "other_version": other_version,
        },
    )


@login_required
def indicator_update(request: HttpRequest, period: str, pk: int) -> HttpResponse:
    indicator = indicator_for_editing(request.user, pk)
    period_obj = _period_from_url(period)
    if period_obj.frequency != indicator.frequency_enum:
        raise Http404(f"{indicator.code} is reported {indicator.get_frequency_display().lower()}.")
    values, targets = neighbours(indicator, period_obj)
    entry = values.get(period_obj)
    exception = ExceptionReport.objects.filter(indicator=indicator, period=period_obj).first()
    can_edit, closed_reason = editable(period_obj, entry)
    result = None
    other_version = None

    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(closed_reason)
        form = IndicatorValueForm(request.POST, indicator=indicator)
        if form.is_valid():
            result = preview(indicator, period_obj, form.cleaned_data.get("value"), values, targets)
            submit = "submit" in request.POST
            if submit:
                form.require_exception_report(missing_exception_report(result.status, form.exception_fields()))
            if form.is_valid() and "check" not in request.POST:
                try:
                    save_value(
                        indicator,
                        period_obj,
                        form.cleaned_data["version"],
                        form.entry_fields(),
                        request.user,
                        submit,
                        exception_report=form.exception_fields(),
                    )
                except Conflict as error:
                    _conflict_message(request, error)
                    other_version = error.current
                    form = IndicatorValueForm(_with_version(request.POST, other_version), indicator=indicator)
                except WorkflowError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        f"{indicator.code} {'submitted for approval' if submit else 'saved as a draft'}.",
                    )
                    return redirect(next_url(request, "my_updates"))
    else:
        initial = {"version": entry.version if entry else 0}
        if entry:
            initial |= {
                "value": entry.value if not entry.numerator else None,
                "numerator": entry.numerator,
                "denominator": entry.denominator,
                "not_available": entry.not_available,
                "not_available_reason": entry.not_available_reason,
                "commentary": entry.commentary,
            }
        if exception:
            initial |= {name: getattr(exception, name) for name in IndicatorValueForm.EXCEPTION_FIELDS}
        form = IndicatorValueForm(initial=initial, indicator=indicator)
        if entry and entry.value is not None:
            result = preview(indicator, period_obj, entry.value, values, targets)
    recent = sorted((v for p, v in values.items() if p < period_obj), key=lambda v: v.period, reverse=True)[:4]
    return render(
        request,
        "indicators/indicator_update.html",
        {
            "indicator": indicator,
            "period": period_obj,
            "form": form,
            "entry": entry,
            "target": targets.get(period_obj),
            "recent": recent,
            "result": result,
            "editable": can_edit,
            "closed_reason": closed_reason,
            "other_version": other_version,
        },
    )


@login_required
def bulk_values(request: HttpRequest, period: str) -> HttpResponse:
    """All of an officer's indicator values for a round on one page, saved row by row as drafts.

    The page is one form: saving a row re-shows every other row with what was typed in it, so
    nothing is lost; "Save all" saves every row that has something in it.
    """
    period_obj = _period_from_url(period)
    candidates = indicators_for_editing(request.user).filter(active=True).select_related("service").order_by("code")
    try:
        require_open_round(period_obj)
        closed_reason = ""
    except WorkflowError as error:
        closed_reason = str(error)
    indicators = [i for i in candidates if period_obj.as_frequency(i.frequency_enum) is not None]
    own = {i.id: period_obj.as_frequency(i.frequency_enum) for i in indicators}
    keys = {p.key for p in own.values()} | {p.previous().key for p in own.values()}
    existing = {
        (v.indicator_id, v.period): v for v in IndicatorValue.objects.filter(indicator__in=indicators, period__in=keys)
    }
    targets = {(t.indicator_id, t.period): t for t in Target.objects.filter(indicator__in=indicators, period__in=keys)}
    chosen = request.POST.get("save_row", "all") if request.method == "POST" else None
    if chosen is not None and closed_reason:
        raise PermissionDenied(closed_reason)
    rows = []
    saved = []
    for indicator in indicators:
        prefix = f"i{indicator.id}"
        entry = existing.get((indicator.id, own[indicator.id]))
        row_editable = not closed_reason and (entry is None or entry.is_editable)
        initial = {"version": entry.version if entry else 0}
        if entry:
            initial |= {"value": entry.value, "commentary": entry.commentary}
        form = IndicatorValueForm(initial=initial, prefix=prefix, indicator=indicator)
        typed = request.POST.get(f"{prefix}-value", "").strip() if chosen else ""
        if chosen and row_editable and (chosen == str(indicator.id) or (chosen == "all" and typed)):
            form = IndicatorValueForm(request.POST, prefix=prefix, indicator=indicator)
            if form.is_valid():
                try:
                    entry = save_value(
                        indicator,
                        own[indicator.id],
                        form.cleaned_data["version"],
                        form.entry_fields() | ({"not_available": False} if not entry else {}),
                        request.user,
                        submit=False,
                    )
                except Conflict:
                    form.add_error("value", "Someone else saved this value meanwhile: reload the page to see it.")
                except WorkflowError as error:
                    form.add_error("value", str(error))
                else:
                    saved.append(indicator.code)
                    initial = {"version": entry.version, "value": entry.value, "commentary": entry.commentary}
                    form = IndicatorValueForm(initial=initial, prefix=prefix, indicator=indicator)
        elif chosen:
            # Keep what was typed in rows that were not saved this time.
            kept = {name: request.POST.get(f"{prefix}-{name}", "") for name in ("value", "commentary", "version")}
            form = IndicatorValueForm(initial=kept, prefix=prefix, indicator=indicator)
        target = targets.get((indicator.id, own[indicator.id]))
        status = None
        if entry and entry.value is not None:
            status = indicator_status(entry.value, target.as_rule() if target else None, indicator.polarity_enum)
        previous = existing.get((indicator.id, own[indicator.id].previous()))
        form.fields["value"].label = f"Value for {indicator.code}"
        form.fields["commentary"].label = f"Commentary for {indicator.code}"
        form.fields["commentary"].widget.attrs["rows"] = 2
        rows.append(
            {
                "indicator": indicator,
                "period": own[indicator.id],
                "form": form,
                "entry": entry,
                "editable": row_editable,
                "target": target,
                "previous": previous,
                "status": status,
                "url": reverse("indicator_update", args=[own[indicator.id].slug, indicator.pk]),
            }
        )
    if saved:
        messages.success(request, f"Saved as drafts: {', '.join(saved)}. Submit each one for approval from its page.")
    return render(
        request,
        "indicators/bulk_values.html",
        {"period": period_obj, "rows": rows, "closed_reason": closed_reason},
    )
