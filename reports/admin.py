from django.contrib import admin

from indicators.admin_history import HistoryAdmin

from .models import CommitteeReport, IssuedReport

# What an issued report's definition shows read-only in the admin (the model refuses changes too).
FROZEN_FIELDS = ["title", "committee", "meeting_date", "period", "services", "plans"]


@admin.register(CommitteeReport)
class CommitteeReportAdmin(HistoryAdmin):
    """Report definitions: editable and deletable until first issued, then their record is read-only."""

    list_display = ["title", "committee", "meeting_date", "period"]
    list_filter = ["committee"]
    search_fields = ["title"]
    filter_horizontal = ["services", "plans"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + FROZEN_FIELDS if obj is not None and obj.is_issued else readonly

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_issued)


@admin.register(IssuedReport)
class IssuedReportAdmin(HistoryAdmin):
    """The archive, read only: issued reports are withdrawn (with a reason) from the report page."""

    list_display = ["report", "version", "issued_at", "issued_by", "page_count", "sha256", "withdrawn_at"]
    list_select_related = ["report", "issued_by"]
    exclude = ["data"]
    readonly_fields = ["report", "version", "issued_at", "issued_by", "page_count", "sha256", "withdrawn_at",
                       "withdrawn_by", "withdrawn_reason", "outstanding"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
