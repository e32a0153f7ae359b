"""The council's own words for the indicator status categories.

A status is always derived and stored by its code (`status.Rag`); only the words shown for it,
and whether a summary lists it, are the council's choice. One row per category that the
performance team has reworded; a category without a row keeps its default words and is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from simple_history.models import HistoricalRecords

from ..status import RAG_LABELS, Rag

RAG_CHOICES = [(rag.value, label) for rag, label in RAG_LABELS.items()]


@dataclass(frozen=True)
class Wording:
    label: str
    listed: bool = True


class StatusWording(models.Model):
    code = models.CharField("category", max_length=20, choices=RAG_CHOICES, unique=True)
    label = models.CharField("words shown", max_length=100)
    listed = models.BooleanField("listed in summaries", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "status wording"

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    @classmethod
    def current(cls) -> dict[str, Wording]:
        """Every category's words and whether summaries list it (one query).

        Read once per scorecard build; a rewording moves the "all" data version every cached
        scorecard depends on (`indicators/versions.py`), so it shows at once and costs nothing
        on a cached page.
        """
        found = {rag.value: Wording(label) for rag, label in RAG_LABELS.items()}
        for code, label, listed in cls.objects.values_list("code", "label", "listed"):
            if code in found:
                found[code] = Wording(label.strip() or found[code].label, listed)
        return found

    @staticmethod
    def default(rag: Rag) -> Wording:
        return Wording(RAG_LABELS[rag])
