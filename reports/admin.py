from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommitteeReport, IssuedReport


@admin.register(CommitteeReport)
class CommitteeReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "meeting_date", "period"]
    list_filter = ["committee"]
    search_fields = ["title"]
    filter_horizontal = ["services", "plans"]


@admin.register(IssuedReport)
class IssuedReportAdmin(SimpleHistoryAdmin):
    """The archive, read only: issued reports are withdrawn (with a reason) from the report page."""

    list_display = ["report", "issued_at", "issued_by", "page_count", "sha256", "withdrawn_at"]
    list_select_related = ["report", "issued_by"]
    exclude = ["data"]
    readonly_fields = ["report", "issued_at", "issued_by", "page_count", "sha256", "withdrawn_at", "withdrawn_by",
                       "withdrawn_reason"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
