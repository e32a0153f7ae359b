"""The performance team's benchmarking settings: which council is ours, which row is the
national figure, and the family groups we compare with."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..models import ComparatorCouncil, FamilyGroup
from ..permissions import family_group_for_editing, require_performance_team


class CouncilsForm(forms.Form):
    own = forms.ModelChoiceField(
        ComparatorCouncil.objects.all(), label="Our council", required=False, empty_label="Not chosen"
    )
    national = forms.ModelChoiceField(
        ComparatorCouncil.objects.all(),
        label="The row holding the national figure",
        required=False,
        empty_label="None: use the mean of all councils",
        help_text="Published data usually has one, such as Scotland",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("own") and data.get("own") == data.get("national"):
            self.add_error("national", "Our council cannot also be the national figure.")
        return data


class FamilyGroupForm(forms.ModelForm):
    class Meta:
        model = FamilyGroup
        fields = ["name", "description", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = ComparatorCouncil.objects.filter(is_national=False)
        self.fields["members"].help_text = "Include our own council."


@login_required
def benchmark_settings(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "changes the benchmarking settings")
    councils = list(ComparatorCouncil.objects.all())
    initial = {
        "own": next((c for c in councils if c.is_own), None),
        "national": next((c for c in councils if c.is_national), None),
    }
    form = CouncilsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for council in councils:
                is_own = council == form.cleaned_data["own"]
                is_national = council == form.cleaned_data["national"]
                if (council.is_own, council.is_national) != (is_own, is_national):
                    council.is_own, council.is_national = False, False
                    council._change_reason = "Benchmarking settings"
                    council.save()  # clear first: only one council may hold each flag
            for council in councils:
                is_own = council == form.cleaned_data["own"]
                is_national = council == form.cleaned_data["national"]
                if is_own or is_national:
                    council.is_own, council.is_national = is_own, is_national
                    council._change_reason = "Benchmarking settings"
                    council.save()
        messages.success(request, "Benchmarking settings saved.")
        return redirect("benchmark_settings")
    groups = FamilyGroup.objects.prefetch_related("members")
    return render(request, "indicators/benchmark_settings.html", {"form": form, "groups": groups, "councils": councils})


@login_required
def family_group(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        group = family_group_for_editing(request.user, pk)
    else:
        require_performance_team(request.user, "changes the benchmarking settings")
        group = None
    form = FamilyGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        members = saved.members.count()
        councils = "council" if members == 1 else "councils"
        messages.success(request, f"Family group “{saved.name}” saved with {members} {councils}.")
        return redirect("benchmark_settings")
    return render(request, "indicators/family_group.html", {"form": form, "group": group})
