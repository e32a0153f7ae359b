"""The audit history's admin pages, with "revert" closed where `permissions.can_revert_history` says.

django-simple-history's `revert_disabled` only hides the button: its history form view still saves
a past version on a POST. Every history admin derives from `HistoryAdmin`, which refuses that POST
too (403), so a hidden button cannot be worked around with a hand-made request.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from .permissions import can_revert_history


class RevertGuardMixin:
    """Closes the history revert for objects `can_revert_history` refuses, for the button and the POST."""

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return (obj is not None and not can_revert_history(request.user, obj)) or super().revert_disabled(request, obj)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not can_revert_history(request.user, obj):
                raise PermissionDenied("This record's history cannot be reverted: change it through its own page.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class HistoryAdmin(RevertGuardMixin, SimpleHistoryAdmin):
    """The admin with audit history that every model's admin uses."""
