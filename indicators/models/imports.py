"""Uploaded spreadsheets waiting between their preview and their confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PendingImport(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation, with the options it was
    checked with; once confirmed (`applied_at`), the record of what was imported."""

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replace_in_progress = models.BooleanField(
        default=False, help_text="Replace officers' entries still in progress (drafts, submitted, returned)"
    )
    correction_reason = models.CharField(
        max_length=300, blank=True, help_text="Why entries in progress or issued periods are changed"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"
