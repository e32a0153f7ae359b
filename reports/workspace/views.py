"""The home page and the search: thin views over `home.build_home` and `search.search`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indicators.models import Committee, Plan, ReportingRound
from indicators.permissions import user_roles

from .home import build_home
from .search import search as run_search


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's sections (`home.build_home`), then every plan by committee."""
    roles = user_roles(request.user)
    plans = Plan.objects.select_related("service").annotate(
        action_count=Count("actions", distinct=True), indicator_count=Count("indicators", distinct=True)
    )
    committees = Committee.objects.prefetch_related(
        Prefetch("services__plans", queryset=plans.order_by("title"))
    ).order_by("name")
    return render(
        request,
        "reports/home.html",
        {
            "home": build_home(request.user, roles, timezone.localdate()),
            "committees": committees,
            "roles": roles,
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Indicators, actions, risks and plans by code or title, grouped (`search.search`)."""
    current = ReportingRound.objects.open().first()
    results = run_search(request.user, request.GET.get("q", ""), current.period if current else None)
    return render(request, "reports/search.html", {"results": results})
