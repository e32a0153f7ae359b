"""Uploaded spreadsheets waiting between their preview and their confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PendingImport(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation."""

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"
