"""Scorecards for members and managers, the indicator and action pages they drill into, and the benchmarking pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from markupsafe import Markup

from indicators.benchmarking import Comparison, load_benchmark_data
from indicators.models import Action, ActionUpdate, Committee, Indicator, IndicatorValue, Plan, ReviewState, Service
from indicators.periods import Period, PeriodError
from indicators.permissions import is_performance_team
from indicators.progress import latest_updates, plan_progress
from indicators.versions import BENCHMARKS, EVERYTHING, indicator_key
from indicators.workflow import locked_periods
from reports.presentation.numbers import format_number
from reports.presentation.status import status_words
from reports.trail import Trail, trail

from .build import build_scorecard
from .cache import cached_on
from .charts import Chart, benchmark_chart, benchmark_trend_chart, indicator_history_chart, progress_history_chart
from .deflate import accepts_gzip, gzip_around
from .exports import (
    CSV_TYPE,
    XLSX_TYPE,
    benchmarking_file_name,
    benchmarking_sheet,
    file_name,
    sheet_download,
    to_csv,
    to_xlsx,
)
from .filters import parse_filters
from .history import indicator_history, with_figure_changes
from .page import scorecard_page
from .scope import Scope, committee_scope, council_scope, plan_scope, service_scope

BODY_SLOT = "<!-- perfdash: scorecard body -->"


def _period_param(request: HttpRequest) -> Period | None:
    text = request.GET.get("period", "").strip()
    if not text:
        return None
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise Http404(str(error)) from error


def _scorecard(request: HttpRequest, scope: Scope, crumbs: Trail) -> HttpResponse:
    period = _period_param(request)
    filters = parse_filters(request.GET)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        card = build_scorecard(scope, period, filters)
        content, kind = (to_csv(card), CSV_TYPE) if export == "csv" else (to_xlsx(card), XLSX_TYPE)
        return _download(content, kind, file_name(card, export))

    page = scorecard_page(scope, period, filters)
    # The cached body (about 2 MB on a council-wide page) is spliced into the rendered page as
    # bytes rather than passed through the template and encoded again on every request; to a
    # browser that accepts gzip it is sent as it is kept, compressed (a tenth of the size).
    response = render(request, "reports/scorecard.html", {"title": page.title, "body": BODY_SLOT, "trail": crumbs})
    head, _, tail = response.content.partition(BODY_SLOT.encode())
    if accepts_gzip(request):
        response.content = gzip_around(head, page.body, page.deflated, tail)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = b"".join((head, page.body, tail))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def council_scorecard(request: HttpRequest) -> HttpResponse:
    return _scorecard(request, council_scope(), trail(None))


@login_required
def committee_scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    committee = get_object_or_404(Committee, slug=slug)
    return _scorecard(request, committee_scope(committee), trail(committee))


@login_required
def service_scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    return _scorecard(request, service_scope(service), trail(service))


@login_required
def plan_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("service"), pk=pk)
    return _scorecard(request, plan_scope(plan), trail(plan))


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The page is the same for everyone but the performance team's links to correct a locked
    # period, and is kept as markup: a warm page reads no indicator at all. A missing indicator
    # is a 404 from the build, never cached.
    data = cached_on(
        f"indicator:{pk}",
        [EVERYTHING, indicator_key(pk), BENCHMARKS],
        lambda: _indicator_data(pk),
        size=lambda data: 4 * len(data["html"]),
    )
    # The performance team may correct a locked period's value, with a reason (one query).
    rows = data["history"].rows
    correctable = locked_periods(row.period for row in rows) if is_performance_team(request.user) else set()
    html = _indicator_html(data, correctable) if correctable else data["html"]
    return render(request, "reports/indicator.html", {"indicator": data["indicator"], "content": html})


def _value_text(indicator: Indicator) -> Callable[[Decimal | None], str]:
    def text(value: Decimal | None) -> str:
        return "not available" if value is None else format_number(value, indicator.decimal_places, indicator.unit)

    return text


def _percent_text(progress: int | None) -> str:
    return "none" if progress is None else f"{progress}%"


def _date_text(day) -> str:
    return "none" if day is None else f"{day.day} {day:%B %Y}"


def _indicator_data(pk: int) -> dict:
    """The indicator page's data and its markup (`html`, without links to correct): cached on
    the indicator's own data version, "all" (which its definition, owner, plan, service and
    committees move) and the benchmarks' (`cache.cached_on`)."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("service", "plan", "plan__service", "outcome", "owner"), pk=pk
    )
    history = indicator_history(indicator)
    benchmarks = load_benchmark_data([indicator.id])
    years = benchmarks.years(indicator.id)
    comparison = benchmarks.comparison(indicator, years[0]) if years else None
    data = {
        "indicator": indicator,
        "trail": trail(indicator),
        "history": history,
        "chart": indicator_history_chart(
            f"{indicator.code} {indicator.title}", indicator.unit, history.series(), _formatter(indicator)
        ),
        "exceptions": list(indicator.exception_reports.select_related("author").order_by("-period")),
        "timeline": with_figure_changes(
            list(
                IndicatorValue.history.filter(indicator_id=indicator.id)
                .select_related("history_user")
                .order_by("-history_date", "-history_id")
            ),
            [("Value", "value", _value_text(indicator))],
        ),
        "comparison": comparison,
        "benchmark_chart": _benchmark_chart(indicator, comparison) if comparison else None,
        "words": status_words(),
    }
    return {**data, "html": _indicator_html(data, set())}


def _indicator_html(data: dict, correctable: set[Period]) -> Markup:
    return Markup(  # noqa: S704 - rendered by our autoescaping template
        render_to_string("reports/indicator_content.html", {**data, "correctable": correctable})
    )


def _formatter(indicator: Indicator) -> Callable[[Decimal | None], str]:
    """Figures as the indicator shows them; "–" for none."""
    return functools.partial(format_number, places=indicator.decimal_places, unit=indicator.unit)


def _benchmark_chart(indicator: Indicator, comparison: Comparison) -> Chart:
    return benchmark_chart(
        f"{indicator.title}: {comparison.period.label}", indicator.unit, comparison, _formatter(indicator)
    )


@login_required
def benchmarking(request: HttpRequest) -> HttpResponse:
    """Every benchmarked indicator's latest year: our figure, the averages and our ranks."""
    data = load_benchmark_data(latest_year_only=True)
    indicators = Indicator.objects.filter(id__in=list(data.values)).select_related("service")
    rows = [
        (indicator, data.comparison(indicator, data.years(indicator.id)[0]))
        for indicator in sorted(indicators, key=lambda i: (i.service.name, i.order, i.code))
    ]
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        content, kind = sheet_download(benchmarking_sheet(rows), export)
        return _download(content, kind, benchmarking_file_name(data.own, rows, export))
    return render(request, "reports/benchmarking.html", {"rows": rows, "own": data.own})


@login_required
def benchmark_indicator(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("service"), pk=pk)
    data = load_benchmark_data([indicator.id])
    comparisons = data.comparisons(indicator)
    period = _period_param(request)
    chosen = next((c for c in comparisons if c.period == period), None) if period else None
    if period and chosen is None:
        raise Http404(f"No benchmarking figures for {period.label}.")
    comparison = chosen or (comparisons[0] if comparisons else None)
    return render(
        request,
        "reports/benchmark_indicator.html",
        {
            "indicator": indicator,
            "comparison": comparison,
            "comparisons": comparisons,
            "chart": _benchmark_chart(indicator, comparison) if comparison else None,
            "trend_chart": benchmark_trend_chart(
                f"{indicator.title}: year by year",
                indicator.unit,
                comparisons,
                _formatter(indicator),
            )
            if len(comparisons) > 1
            else None,
            "own": data.own,
        },
    )


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.select_related("plan", "plan__service", "parent", "outcome", "owner", "assigned_to"), pk=pk
    )
    plan_actions = list(Action.objects.filter(plan=action.plan).order_by("order", "code"))
    updates = list(ActionUpdate.objects.approved().filter(action=action).select_related("author").order_by("-period"))
    timeline = with_figure_changes(
        list(
            ActionUpdate.history.filter(action_id=action.id)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        ),
        [("Progress", "progress", _percent_text), ("Revised due date", "revised_due_date", _date_text)],
    )
    updates.sort(key=lambda u: u.period.end, reverse=True)
    period = _period_param(request) or (updates[0].period if updates else None)
    node = None
    if period:
        [latest] = latest_updates([period], action__plan=action.plan, state=ReviewState.APPROVED)
        progress = plan_progress(action.plan, period, plan_actions, latest)
        node = next((n for n in progress.all_actions() if n.action.id == action.id), None)
    children = [a for a in plan_actions if a.parent_id == action.id]
    chart = progress_history_chart(
        f"{action.code} progress", [(u.period, u.progress) for u in reversed(updates) if u.progress is not None]
    )
    # The performance team may correct a locked period's update, with a reason (one query).
    correctable = locked_periods(u.period for u in updates) if is_performance_team(request.user) else set()
    return render(
        request,
        "reports/action.html",
        {
            "action": action,
            "node": node,
            "period": period,
            "updates": updates,
            "children": children,
            "chart": chart,
            "timeline": timeline,
            "correctable": correctable,
            "trail": trail(action),
        },
    )
