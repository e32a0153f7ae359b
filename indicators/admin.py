"""The performance team's set-up screens. Every edit here is kept in the audit history.

Values, action updates and targets for a locked period (its round locked by the performance team) are
corrections: the change form asks for a reason, refuses the change without one (or from anyone
outside the performance team), and the audit history keeps it (`workflow.require_correction_allowed`).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from .admin_history import HistoryAdmin
from .models import (
    Action,
    ActionUpdate,
    Committee,
    ComparatorCouncil,
    ComparatorValue,
    CorporatePriority,
    Directorate,
    ExceptionReport,
    FamilyGroup,
    Indicator,
    IndicatorValue,
    Outcome,
    Plan,
    ReportingRound,
    Reviewable,
    ReviewState,
    Risk,
    RiskReview,
    Role,
    Service,
    Target,
)
from .workflow import (
    CORRECTION_REASON_MAX,
    WorkflowError,
    apply_risk_review,
    correction_reason,
    locked_round,
    require_correction_allowed,
)


class CorrectionForm(forms.ModelForm):
    """A value, action update or target: a change for a locked period needs a reason."""

    correction_reason = forms.CharField(
        label="Reason for correction",
        required=False,
        max_length=CORRECTION_REASON_MAX,
        help_text="Needed when the period is locked (its round locked by the performance team); kept in the "
        "audit history.",
    )
    user = None  # the signed-in user, set for each request by the admin (`CorrectionAdmin`)

    def clean(self):
        cleaned = super().clean()
        if any(name != "correction_reason" for name in self.changed_data):
            self.check_correction(cleaned.get("period"))
        return cleaned

    def check_correction(self, new_period=None) -> None:
        """Refuse the change if it touches a locked period without the performance team and a reason
        (its stored period and the one it moves to); otherwise record the reason with the change."""
        periods = {p for p in (self.instance.period if self.instance.pk else None, new_period) if p is not None}
        reason = self.cleaned_data.get("correction_reason", "")
        try:
            for period in periods:
                require_correction_allowed(period, self.user, reason)
        except WorkflowError as error:
            raise ValidationError(str(error)) from error
        if any(locked_round(period) for period in periods):
            self.instance._change_reason = correction_reason(reason)


class CorrectionFormSet(BaseInlineFormSet):
    """Rows deleted from a locked period need a reason too (Django does not validate deleted rows)."""

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and hasattr(form, "cleaned_data"):
                form.check_correction()


class CorrectionAdmin(HistoryAdmin):
    """Admin for values, action updates and targets; whole-list deletion is off, and a row in a
    locked period is deleted only from its parent's page, with a reason."""

    form = CorrectionForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and locked_round(obj.period):
            return False
        return super().has_delete_permission(request, obj)


class ReviewedEntryAdmin:
    """Values, action updates and risk reviews go through review: their state, who submitted and
    who reviewed them, when, and the reviewer's comment are the workflow's record, shown here but
    changed only on the Review page (`workflow.review_entry`). Otherwise anyone in Set-up could
    approve an entry unreviewed under someone else's name. A record added here is written down as
    its author's, and as submitted or reviewed by them if it is added in that state."""

    WORKFLOW_FIELDS = (
        "author",
        "version",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.WORKFLOW_FIELDS]
        return fields if obj is None else [*fields, "state"]

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f not in self.WORKFLOW_FIELDS and f != "state"] + [
            "state",
            *self.WORKFLOW_FIELDS,
        ]

    def save_model(self, request, obj, form, change) -> None:
        record_set_up_change(obj, request.user, change)
        super().save_model(request, obj, form, change)


def record_set_up_change(entry, user, change: bool) -> None:
    """A value, update or review saved in Set-up: a change moves its version (an approver or officer
    with the old one open then meets a conflict, not a decision on figures they did not see); a new
    one is its adder's, submitted and reviewed by them if added in such a state."""
    if change:
        entry.version += 1
        return
    now = timezone.now()
    entry.author = user
    if entry.state in (ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED):
        entry.submitted_by, entry.submitted_at = user, now
    if entry.state in (ReviewState.APPROVED, ReviewState.RETURNED):
        entry.reviewed_by, entry.reviewed_at = user, now


class CorrectionInline:
    """Inline rows of values, updates or targets, each with its reason for a correction."""

    form = CorrectionForm
    formset = CorrectionFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"user": request.user})
        return formset


class EntryInlinesAdmin:
    """A parent's page with inline values or updates: each row saved is recorded as from Set-up
    (`record_set_up_change`), as on the entry's own page."""

    def save_formset(self, request, form, formset, change) -> None:
        if issubclass(formset.model, Reviewable):
            for inline_form in formset.forms:
                if inline_form.has_changed() and not getattr(inline_form, "cleaned_data", {}).get("DELETE"):
                    record_set_up_change(inline_form.instance, request.user, inline_form.instance.pk is not None)
        super().save_formset(request, form, formset, change)


class ServiceInline(admin.TabularInline):
    model = Service
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Directorate)
class DirectorateAdmin(HistoryAdmin):
    search_fields = ["name"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(HistoryAdmin):
    list_display = ["name", "directorate"]
    list_filter = ["directorate"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Committee)
class CommitteeAdmin(HistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["services", "members"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CorporatePriority)
class CorporatePriorityAdmin(HistoryAdmin):
    list_display = ["title", "framework", "abbreviation"]
    list_filter = ["framework"]
    search_fields = ["title"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["code", "title", "service", "years_label"]
    list_filter = ["service__directorate", "service"]
    search_fields = ["code", "title"]
    filter_horizontal = ["priorities"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(HistoryAdmin):
    list_display = ["title", "plan", "category", "order"]
    list_filter = ["plan"]
    search_fields = ["title"]


class ActionUpdateInline(CorrectionInline, admin.StackedInline):
    model = ActionUpdate
    extra = 0
    fields = [
        "period", "progress", "set_status", "status_reason", "revised_due_date", "narrative", "correction_reason",
        "state",
    ]  # fmt: skip
    readonly_fields = ["state"]  # changed on the Review page only (`ReviewedEntryAdmin`)


@admin.register(Action)
class ActionAdmin(EntryInlinesAdmin, HistoryAdmin):
    list_display = ["code", "title", "plan", "parent", "priority", "due_date", "assigned_to"]
    list_filter = ["plan", "priority", "outcome"]
    search_fields = ["code", "title", "desired_outcome"]
    list_select_related = ["plan", "parent", "assigned_to"]
    raw_id_fields = ["parent", "owner", "assigned_to"]
    filter_horizontal = ["priorities"]
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReviewedEntryAdmin, CorrectionAdmin):
    list_display = ["action", "period", "progress", "set_status", "author", "updated"]
    list_filter = ["action__plan", "period"]
    search_fields = ["action__code", "action__title", "narrative"]
    list_select_related = ["action", "author"]
    raw_id_fields = ["action"]


class TargetInline(CorrectionInline, admin.TabularInline):
    model = Target
    extra = 0


class IndicatorValueInline(CorrectionInline, admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = [
        "period", "value", "numerator", "denominator", "not_available", "not_available_reason", "commentary",
        "correction_reason", "state",
    ]  # fmt: skip
    readonly_fields = ["state"]


@admin.register(Indicator)
class IndicatorAdmin(EntryInlinesAdmin, HistoryAdmin):
    list_display = ["code", "title", "service", "unit", "polarity", "frequency", "source", "active"]
    list_filter = ["service", "plan", "polarity", "frequency", "source", "active"]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["service"]
    raw_id_fields = ["owner"]
    inlines = [TargetInline, IndicatorValueInline]


@admin.register(Target)
class TargetAdmin(CorrectionAdmin):
    list_display = ["indicator", "period", "value", "tolerance", "tolerance_type"]
    list_filter = ["indicator__service", "period"]
    search_fields = ["indicator__code", "indicator__title"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReviewedEntryAdmin, CorrectionAdmin):
    list_display = ["indicator", "period", "value", "not_available", "updated"]
    list_filter = ["indicator__service", "period", "not_available"]
    search_fields = ["indicator__code", "indicator__title", "commentary"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator"]


@admin.register(ExceptionReport)
class ExceptionReportAdmin(HistoryAdmin):
    list_display = ["indicator", "period", "timescale", "updated"]
    list_filter = ["indicator__service", "period"]
    search_fields = ["indicator__code", "performance", "improvement_actions"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator", "author"]


@admin.register(Risk)
class RiskAdmin(HistoryAdmin):
    list_display = ["reference", "title", "service", "likelihood", "impact", "score", "target_score", "review_date"]
    list_filter = ["service", "category"]
    search_fields = ["reference", "title", "description"]
    list_select_related = ["service"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["mitigating_actions"]


@admin.register(Role)
class RoleAdmin(HistoryAdmin):
    list_display = ["user", "kind", "service"]
    list_filter = ["kind", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "service"]
    raw_id_fields = ["user"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(HistoryAdmin):
    list_display = ["period", "deadline", "locked_at"]
    readonly_fields = ["opened_by", "opened_at", "locked_at", "locked_by"]


@admin.register(RiskReview)
class RiskReviewAdmin(ReviewedEntryAdmin, HistoryAdmin):
    def save_model(self, request, obj, form, change) -> None:
        """An approved review, the risk's latest, is its current assessment, as an approval makes it
        on the Review page (`workflow.apply_risk_review`), whether added or changed here."""
        super().save_model(request, obj, form, change)
        periods = RiskReview.objects.approved().filter(risk=obj.risk).values_list("period", flat=True)
        later = any(period.end > obj.period.end for period in periods)
        if obj.state == ReviewState.APPROVED and not later:
            apply_risk_review(obj, request.user)

    list_display = ["risk", "period", "likelihood", "impact", "state"]
    list_filter = ["state", "period"]
    search_fields = ["risk__reference", "risk__title"]
    list_select_related = ["risk"]
    raw_id_fields = ["risk"]


@admin.register(ComparatorCouncil)
class ComparatorCouncilAdmin(HistoryAdmin):
    list_display = ["name", "is_own", "is_national"]
    search_fields = ["name"]


@admin.register(FamilyGroup)
class FamilyGroupAdmin(HistoryAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


@admin.register(ComparatorValue)
class ComparatorValueAdmin(HistoryAdmin):
    list_display = ["indicator", "council", "period", "value"]
    list_filter = ["period", "council"]
    search_fields = ["indicator__code", "indicator__benchmark_code", "council__name"]
    list_select_related = ["indicator", "council"]
    raw_id_fields = ["indicator"]


# People -------------------------------------------------------------------------------------------

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The performance team adds people and keeps their names, emails and active status; what
    they may do is their roles (`Role`, which also gives the set-up screens). Superuser status,
    groups and permissions are a superuser's to change, and a superuser's account too: otherwise
    anyone in the performance team could make themselves, or anyone, a superuser."""

    PERFORMANCE_FIELDSETS = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.PERFORMANCE_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
