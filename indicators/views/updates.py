"""Pages for officers: what is due from them, and the forms to report it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from reports.presentation.status import status_words
from reports.trail import trail

from ..due import NOT_STARTED, STATE_LABELS, DueItem, RiskReviewDue, due_in_round, reported_in_round, risk_reviews_due
from ..forms import ActionUpdateForm, IndicatorValueForm, typed_but_not_saved
from ..models import (
    ActionUpdate,
    ExceptionReport,
    Indicator,
    IndicatorValue,
    ReportingRound,
    ReviewState,
    Service,
    Target,
)
from ..numbers import agrees_with_ratio
from ..periods import Period, PeriodError
from ..permissions import (
    action_for_editing,
    entry_for_recall,
    indicator_for_editing,
    indicators_for_editing,
    require_performance_team,
    user_roles,
)
from ..preview import neighbours, preview
from ..status import applicable_target, indicator_status, progress_fall
from ..workflow import (
    Conflict,
    WorkflowError,
    correcting,
    editable,
    is_round_period,
    missing_exception_report,
    period_in_round,
    recall_entry,
    recallable,
    require_open_round,
    save_entry,
    save_value,
)
from .redirects import next_url

# Late and returned items first, then what has not been started, drafts, and what is handed in.
_ORDER = {ReviewState.RETURNED: 0, NOT_STARTED: 1, ReviewState.DRAFT: 2, ReviewState.SUBMITTED: 3}


def _period_from_url(token: str) -> Period:
    try:
        return Period.parse(token)
    except PeriodError as error:
        raise Http404(str(error)) from error


def _review_row(review: RiskReviewDue, period: Period, deadline) -> dict:
    """A risk review due, as `_row` gives an update or a value."""
    return {
        "kind": "risk",
        "code": review.reference,
        "title": review.title,
        "plan": review.plan,
        "period": period,
        "entry": None,
        "state": review.state,
        "state_label": STATE_LABELS[review.state],
        "outstanding": review.outstanding,
        "late": review.outstanding and deadline < timezone.localdate(),
        "url": reverse("review_risk", args=[review.risk_id]),
    }


def _row(item: DueItem, deadline) -> dict:
    return {
        "kind": item.kind,
        "code": item.obj.code,
        "title": item.obj.title,
        "plan": item.obj.plan.title if item.obj.plan else "",
        "period": item.period,
        "entry": item.entry,
        "state": item.state,
        "state_label": item.state_label,
        "outstanding": item.outstanding,
        "late": item.outstanding and deadline < timezone.localdate(),
        "url": reverse(f"{item.kind}_update", args=[item.period.slug, item.obj.pk]),
    }


@login_required
def my_updates(request: HttpRequest) -> HttpResponse:
    """Everything due from the signed-in officer in the open reporting rounds (`due.due_in_round`),
    and the reviews of the risks they own in the current round (`due.risk_reviews_due`: the round a
    risk's review page opens); the performance team may look at anyone's (`?person=<id>`, from a
    round's progress page)."""
    user = request.user
    person = user
    if request.GET.get("person"):
        require_performance_team(user, "looks at other people's updates")
        try:
            person = get_object_or_404(get_user_model(), pk=int(request.GET["person"]))
        except ValueError as error:
            raise Http404("No such person.") from error
    sections = []
    has_indicators = False
    for number, reporting_round in enumerate(ReportingRound.objects.open()):
        items = [_row(item, reporting_round.deadline) for item in due_in_round(reporting_round, [person.pk])]
        if number == 0:
            period = period_in_round(reporting_round.period)
            items += [
                _review_row(review, period, reporting_round.deadline)
                for review in risk_reviews_due(reporting_round, [person.pk])
            ]
        items.sort(key=lambda i: (not i["late"], _ORDER.get(i["state"], 4), i["code"]))
        has_indicators = has_indicators or any(i["kind"] == "indicator" for i in items)
        outstanding = sum(1 for i in items if i["outstanding"])
        sections.append({"round": reporting_round, "entries": items, "outstanding": outstanding})
    return render(
        request,
        "indicators/my_updates.html",
        {
            "sections": sections,
            "roles": user_roles(user),
            "has_indicators": has_indicators,
            "person": person if person != user else None,
        },
    )


def _with_version(data, other):
    """The user's input, based now on the other person's version: saving again is a knowing choice."""
    data = data.copy()
    data["version"] = other.version if other else 0
    return data


def _save_form(
    request: HttpRequest,
    save: Callable[[], Any],
    form: Any,
    form_again: Callable[[Any], Any],
    code: str,
    period: Period,
    *,
    submit: bool,
    corrected_url: str,
    done_url: str,
) -> tuple[HttpResponse | None, Any, Any]:
    """Save an update form's entry (`save`), as both update forms do: on success a message and a
    redirect (to `corrected_url` for a correction, else `done_url`); when someone else saved
    meanwhile, the form again (`form_again`) over their version, which is also returned to show
    beside it; on a workflow refusal, its message and the same form. Returns (redirect or None,
    form, other version or None)."""
    try:
        save()
    except Conflict as error:
        _conflict_message(request, error)
        return None, form_again(_with_version(request.POST, error.current)), error.current
    except WorkflowError as error:
        messages.error(request, str(error))
        return None, form, None
    if corrected_url:
        messages.success(request, f"{code} {period.label} corrected; the reason is recorded.")
        return redirect(corrected_url), form, None
    messages.success(request, f"{code} {'submitted for approval' if submit else 'saved as a draft'}.")
    return redirect(done_url), form, None


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
    if not is_round_period(period_obj):
        raise Http404("Actions are updated for a round's quarter, half year or year.")
    entry = ActionUpdate.objects.filter(action=action, period=period_obj).select_related("author").first()
    previous = (
        ActionUpdate.objects.approved().filter(action=action).exclude(period=period_obj).order_by("-period").first()
    )
    correction = correcting(period_obj, request.user)
    can_edit, closed_reason = (True, "") if correction else editable(period_obj, entry)
    other_version = None
    # The fall is measured from the last approved update before this period.
    earlier = previous.progress if previous and previous.period.end < period_obj.end else None
    fall = progress_fall(earlier, entry.progress if entry else None)
    hold_fall = None  # the progress a submission was held at, to confirm the fall
    refused = request.method == "POST" and not can_edit

    if refused:
        # Locked or sent on while the form was open: what was typed is shown, to copy, not lost.
        form = ActionUpdateForm(request.POST, action=action, correction=correction)
    elif request.method == "POST":
        form = ActionUpdateForm(request.POST, action=action, correction=correction)
        if form.is_valid():
            submit = "submit" in request.POST
            typed = form.cleaned_data.get("progress")
            fall = progress_fall(earlier, typed)
            if submit and fall and request.POST.get("confirm_fall") != str(typed):
                # A large fall is held once, so the officer sees it before it goes to the approver;
                # submitting again with the same figure confirms it.
                hold_fall = typed
            else:
                response, form, other_version = _save_form(
                    request,
                    lambda: save_entry(
                        ActionUpdate,
                        {"action": action, "period": period_obj},
                        form.cleaned_data["version"],
                        form.entry_fields(),
                        request.user,
                        submit,
                        reason=form.cleaned_data.get("correction_reason", ""),
                    ),
                    form,
                    lambda data: ActionUpdateForm(data, action=action, correction=correction),
                    action.code,
                    period_obj,
                    submit=submit,
                    corrected_url=reverse("reports:action", args=[action.pk]) if correction else "",
                    done_url=reverse("my_updates"),
                )
                if response:
                    return response
    else:
        initial = {"version": entry.version if entry else 0}
        if entry:
            initial |= {
                "progress": entry.progress,
                "narrative": entry.narrative_text,
                "revised_due_date": entry.revised_due_date,
                "cancel": entry.set_status == ActionUpdate.SetStatus.CANCELLED,
                "cancel_reason": entry.status_reason,
            }
        form = ActionUpdateForm(initial=initial, action=action, correction=correction)
    return render(
        request,
        "indicators/action_update.html",
        {
            "action": action,
            "trail": trail(action, f"Update for {period_obj.label}"),
            "period": period_obj,
            "form": form,
            "entry": entry,
            "previous": previous,
            "earlier_progress": earlier,
            "fall": fall,
            "hold_fall": hold_fall,
            "editable": can_edit,
            "closed_reason": closed_reason,
            "recallable": recallable(period_obj, entry),
            "other_version": other_version,
            "correction": correction,
            "unsaved": typed_but_not_saved(form) if refused else [],
        },
        status=403 if refused else 200,
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
    correction = correcting(period_obj, request.user)
    can_edit, closed_reason = (True, "") if correction else editable(period_obj, entry)
    result = None
    other_version = None
    refused = request.method == "POST" and not can_edit

    if refused:
        # Locked or sent on while the form was open: what was typed is shown, to copy, not lost.
        form = IndicatorValueForm(request.POST, indicator=indicator, correction=correction)
    elif request.method == "POST":
        form = IndicatorValueForm(request.POST, indicator=indicator, correction=correction)
        if form.is_valid():
            result = preview(indicator, period_obj, form.cleaned_data.get("value"), values, targets)
            submit = "submit" in request.POST
            if submit or (correction and "check" not in request.POST):
                form.require_exception_report(missing_exception_report(result.status, form.exception_fields()))
            if form.is_valid() and "check" not in request.POST:
                response, form, other_version = _save_form(
                    request,
                    lambda: save_value(
                        indicator,
                        period_obj,
                        form.cleaned_data["version"],
                        form.entry_fields(),
                        request.user,
                        submit,
                        exception_report=form.exception_fields(),
                        reason=form.cleaned_data.get("correction_reason", ""),
                    ),
                    form,
                    lambda data: IndicatorValueForm(data, indicator=indicator, correction=correction),
                    indicator.code,
                    period_obj,
                    submit=submit,
                    corrected_url=reverse("reports:indicator", args=[indicator.pk]) if correction else "",
                    done_url=next_url(request, "my_updates"),
                )
                if response:
                    return response
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
        form = IndicatorValueForm(initial=initial, indicator=indicator, correction=correction)
        if entry and entry.value is not None:
            result = preview(indicator, period_obj, entry.value, values, targets)
    recent = sorted((v for p, v in values.items() if p < period_obj), key=lambda v: v.period, reverse=True)[:4]
    return render(
        request,
        "indicators/indicator_update.html",
        {
            "indicator": indicator,
            "trail": trail(indicator, f"Value for {period_obj.label}"),
            "period": period_obj,
            "form": form,
            "entry": entry,
            **_target_panel(indicator, period_obj, targets),
            "recent": recent,
            "result": result,
            "words": status_words(),
            "editable": can_edit,
            "closed_reason": closed_reason,
            "recallable": recallable(period_obj, entry),
            "other_version": other_version,
            "correction": correction,
            "unsaved": typed_but_not_saved(form) if refused else [],
        },
        status=403 if refused else 200,
    )


def _target_panel(indicator: Indicator, period: Period, targets: dict[Period, Target]) -> dict[str, Any]:
    """The target the value is judged against (its own, else its year's: `status.applicable_target`)
    and the target row that was set, for its rationale."""
    rules = {p: t.as_rule() for p, t in targets.items()}
    applied = applicable_target(period, rules.get, indicator.part_of_year)
    return {"applied": applied, "target": targets.get(applied.period) if applied else None}


def _entry_page(kind: str, entry) -> str:
    if kind == "action":
        return reverse("action_update", args=[entry.period.slug, entry.action_id])
    if kind == "indicator":
        return reverse("indicator_update", args=[entry.period.slug, entry.indicator_id])
    return reverse("review_risk", args=[entry.risk_id])


@login_required
@require_POST
def recall(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Take a submission back to draft before it is decided on (`workflow.recall_entry`)."""
    if kind not in ("action", "indicator", "risk"):
        raise Http404("Nothing of that kind can be recalled.")
    entry = entry_for_recall(request.user, kind, pk)
    try:
        recall_entry(entry, int(request.POST.get("version", "")), request.user)
    except ValueError:
        messages.error(request, "The form was incomplete; try again.")
    except Conflict:
        messages.error(request, "It was changed while you were looking at it; check it again.")
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Recalled: it is a draft again. Change it and submit it when it is ready.")
    return redirect(_entry_page(kind, entry))


# Rows on one page of bulk entry. Each row posts at most five fields (`BULK_FIELDS`), so a page
# stays well below Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) whatever the council's size.
BULK_PAGE_SIZE = 100


# What the bulk page shows of each row's form; the rest (numerator, exception report) is on the
# indicator's own page.
BULK_FIELDS = ("value", "commentary", "version", "not_available", "not_available_reason")


def bulk_initial(entry: IndicatorValue) -> dict:
    return {
        "value": entry.value,
        "commentary": entry.commentary,
        "not_available": entry.not_available,
        "not_available_reason": entry.not_available_reason,
    }


@login_required
def bulk_values(request: HttpRequest, period: str) -> HttpResponse:
    """An officer's indicator values for a round on one page, a service and a page at a time,
    saved row by row as drafts.

    The page is one form: saving a row re-shows every other row with what was typed in it, so
    nothing is lost; "Save all" saves every row of the page that has something in it. Pages of
    `BULK_PAGE_SIZE` rows, optionally of one service, keep every post small.
    """
    period_obj = _period_from_url(period)
    candidates = reported_in_round(period_obj, indicators_for_editing(request.user))
    services = list(Service.objects.filter(indicators__in=candidates).distinct().order_by("name"))
    service = next((s for s in services if s.slug == request.GET.get("service")), None)
    if service is not None:
        candidates = candidates.filter(service=service)
    page = Paginator(candidates.select_related("service").order_by("code"), BULK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    try:
        require_open_round(period_obj)
        closed_reason = ""
    except WorkflowError as error:
        closed_reason = str(error)
    indicators = list(page.object_list)
    own = {i.id: period_in_round(period_obj, i.frequency_enum) for i in indicators}
    keys = {p.key for p in own.values()} | {p.previous().key for p in own.values()}
    existing = {
        (v.indicator_id, v.period): v for v in IndicatorValue.objects.filter(indicator__in=indicators, period__in=keys)
    }
    years = {p.financial_year_period().key for p in own.values()}
    targets = {
        (t.indicator_id, t.period): t.as_rule()
        for t in Target.objects.filter(indicator__in=indicators, period__in=keys | years)
    }
    chosen = request.POST.get("save_row", "all") if request.method == "POST" else None
    # Locked while the page was open: nothing is saved; what was typed in each row is shown, to copy.
    refused = chosen is not None and bool(closed_reason)
    unsaved = [
        (f"{indicator.code} {label[0].lower()}{label[1:]}", text)
        for indicator in (indicators if refused else [])
        for label, text in typed_but_not_saved(
            IndicatorValueForm(request.POST, prefix=f"i{indicator.id}", indicator=indicator)
        )
    ]
    rows = []
    saved = []
    for indicator in indicators:
        prefix = f"i{indicator.id}"
        entry = existing.get((indicator.id, own[indicator.id]))
        row_editable = not closed_reason and (entry is None or entry.is_editable)
        initial = {"version": entry.version if entry else 0}
        if entry:
            initial |= bulk_initial(entry)
        form = IndicatorValueForm(initial=initial, prefix=prefix, indicator=indicator)
        typed = (
            request.POST.get(f"{prefix}-value", "").strip() or request.POST.get(f"{prefix}-not_available", "")
            if chosen
            else ""
        )
        if chosen and row_editable and (chosen == str(indicator.id) or (chosen == "all" and typed)):
            form = IndicatorValueForm(request.POST, prefix=prefix, indicator=indicator)
            if form.is_valid():
                fields = form.entry_fields()
                # This page has no numerator and denominator boxes: a stored ratio stays while the
                # value typed is the figure it gives.
                if entry is not None and agrees_with_ratio(
                    fields["value"], entry.numerator, entry.denominator, indicator.unit, indicator.decimal_places
                ):
                    fields |= {"value": entry.value, "numerator": entry.numerator, "denominator": entry.denominator}
                try:
                    entry = save_value(
                        indicator,
                        own[indicator.id],
                        form.cleaned_data["version"],
                        fields,
                        request.user,
                        submit=False,
                    )
                except Conflict:
                    form.add_error("value", "Someone else saved this value meanwhile: reload the page to see it.")
                except WorkflowError as error:
                    form.add_error("value", str(error))
                else:
                    saved.append(indicator.code)
                    initial = {"version": entry.version} | bulk_initial(entry)
                    form = IndicatorValueForm(initial=initial, prefix=prefix, indicator=indicator)
        elif chosen:
            # Keep what was typed in rows that were not saved this time.
            kept = {name: request.POST.get(f"{prefix}-{name}", "") for name in BULK_FIELDS}
            form = IndicatorValueForm(initial=kept, prefix=prefix, indicator=indicator)
        target = applicable_target(
            own[indicator.id], lambda p, i=indicator.id: targets.get((i, p)), indicator.part_of_year
        )
        status = None
        if entry and entry.value is not None:
            status = indicator_status(entry.value, target.rule if target else None, indicator.polarity_enum)
        previous = existing.get((indicator.id, own[indicator.id].previous()))
        form.fields["value"].label = f"Value for {indicator.code}"
        form.fields["commentary"].label = f"Commentary for {indicator.code}"
        form.fields["not_available"].label = f"Value not available for {indicator.code}"
        form.fields["not_available_reason"].label = f"Why the value for {indicator.code} is not available"
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

    def page_query(number: int) -> str:
        return urlencode({**({"service": service.slug} if service else {}), "page": number})

    return render(
        request,
        "indicators/bulk_values.html",
        {
            "period": period_obj,
            "rows": rows,
            "words": status_words(),
            "closed_reason": closed_reason,
            "unsaved": unsaved,
            "services": services,
            "service": service,
            "page": page,
            "this_page": page_query(page.number),
            "previous_page": page_query(page.previous_page_number()) if page.has_previous() else "",
            "next_page": page_query(page.next_page_number()) if page.has_next() else "",
        },
        status=403 if refused else 200,
    )
