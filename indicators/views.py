from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Committee, Plan


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("service").annotate(
        action_count=Count("actions", distinct=True), indicator_count=Count("indicators", distinct=True)
    )
    committees = Committee.objects.prefetch_related(
        Prefetch("services__plans", queryset=plans.order_by("title"))
    ).order_by("name")
    return render(request, "indicators/home.html", {"committees": committees})
