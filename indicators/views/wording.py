"""The performance team's status words: the council's own name for each indicator status
category, and which categories a summary lists. Only the words change: a status is derived and
kept by its code, so pages, exports and PDFs issued before keep theirs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..models import StatusWording
from ..permissions import require_performance_team
from ..status import RAG_LABELS, Rag

LABEL_LENGTH = StatusWording._meta.get_field("label").max_length


class WordingForm(forms.Form):
    """Per category: the words shown, and whether summaries list it."""

    def __init__(self, *args, current: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for rag, default in RAG_LABELS.items():
            words = current[rag.value]
            self.fields[f"label_{rag.value}"] = forms.CharField(
                label=f"Words for “{default}”",
                max_length=LABEL_LENGTH,
                initial=words.label,
                help_text=f"Default: {default}",
            )
            self.fields[f"listed_{rag.value}"] = forms.BooleanField(
                label="Listed in summaries", required=False, initial=words.listed
            )

    def categories(self) -> list[tuple[Rag, forms.BoundField, forms.BoundField]]:
        return [(rag, self[f"label_{rag.value}"], self[f"listed_{rag.value}"]) for rag in RAG_LABELS]


@login_required
def status_wording(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "words the status categories")
    current = StatusWording.current()
    form = WordingForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = _save(form.cleaned_data)
        messages.success(request, f"Status words saved ({changed} changed)." if changed else "Nothing changed.")
        return redirect("status_wording")
    return render(request, "indicators/status_wording.html", {"form": form})


@transaction.atomic
def _save(data: dict) -> int:
    """Store each category's words that differ from before; a category back to its defaults
    loses its row. Every change is an audit history row. Returns how many categories changed."""
    rows = {row.code: row for row in StatusWording.objects.select_for_update()}
    changed = 0
    for rag, default in RAG_LABELS.items():
        label, listed = data[f"label_{rag.value}"].strip(), data[f"listed_{rag.value}"]
        row = rows.get(rag.value)
        if row is None:
            if (label, listed) == (default, True):
                continue
            row = StatusWording(code=rag.value)
        elif (row.label, row.listed) == (label, listed):
            continue
        row.label, row.listed = label, listed
        row._change_reason = "Status words"
        if (label, listed) == (default, True):
            row.delete()
        else:
            row.save()
        changed += 1
    return changed
