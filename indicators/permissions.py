"""Who may do what. Every view that changes data asks here, one helper per kind of object.

- Performance team: everything, including opening, locking and reopening reporting rounds,
  imports and the benchmarking settings.
- Approver (for a service): edit, approve and return that service's updates and risk reviews.
- Officer (for a service): edit updates for actions and indicators they are assigned or own,
  and for anything in their service; review the risks they own or their service's; submit
  them for approval.
- Committee member: read only.

Views fetch objects through the `..._for_...(user, pk)` helpers, which raise 404 for an
object that does not exist and 403 for one the user may not touch; pages that offer a link
ask the matching `can_...` function, so nobody is shown a link that would give them a 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Action,
    ActionUpdate,
    FamilyGroup,
    Indicator,
    IndicatorValue,
    PendingImport,
    ReportingRound,
    Reviewable,
    Risk,
    RiskReview,
    Role,
)


@dataclass(frozen=True)
class UserRoles:
    performance: bool = False
    approver_for: frozenset[int] = field(default_factory=frozenset)
    officer_for: frozenset[int] = field(default_factory=frozenset)
    member: bool = False  # a committee member: reads scorecards and reports

    @property
    def edits_for(self) -> frozenset[int]:
        return self.approver_for | self.officer_for

    @property
    def can_enter_updates(self) -> bool:
        return self.performance or bool(self.edits_for)

    @property
    def can_review(self) -> bool:
        return self.performance or bool(self.approver_for)


def user_roles(user) -> UserRoles:
    """The user's roles (one query, remembered on the user object for the request)."""
    if not user.is_authenticated:
        return UserRoles()
    cached = getattr(user, "_perfdash_roles", None)
    if cached is None:
        rows = list(Role.objects.filter(user=user).values_list("kind", "service_id"))
        cached = UserRoles(
            performance=user.is_superuser or any(kind == Role.Kind.PERFORMANCE for kind, _ in rows),
            approver_for=frozenset(s for kind, s in rows if kind == Role.Kind.APPROVER and s),
            officer_for=frozenset(s for kind, s in rows if kind == Role.Kind.OFFICER and s),
            member=any(kind == Role.Kind.MEMBER for kind, _ in rows),
        )
        user._perfdash_roles = cached
    return cached


def can_edit_action(user, action: Action) -> bool:
    roles = user_roles(user)
    if roles.performance or action.plan.service_id in roles.edits_for:
        return True
    return bool(roles.officer_for) and user.id in (action.assigned_to_id, action.owner_id)


def can_edit_indicator(user, indicator: Indicator) -> bool:
    roles = user_roles(user)
    if roles.performance or indicator.service_id in roles.edits_for:
        return True
    return bool(roles.officer_for) and user.id == indicator.owner_id


def can_review(user, service_id: int) -> bool:
    """Whether `user` may approve or return the submitted entries of a service."""
    roles = user_roles(user)
    return roles.performance or service_id in roles.approver_for


def can_review_risk(user, risk: Risk) -> bool:
    """Whether `user` may write the quarterly review of `risk` (its owner, or its service's staff)."""
    roles = user_roles(user)
    if roles.performance or risk.service_id in roles.edits_for:
        return True
    return bool(roles.officer_for) and user.id == risk.owner_id


def is_performance_team(user) -> bool:
    return user_roles(user).performance


def require_performance_team(user, doing: str) -> None:
    """403 unless `user` is in the performance team; `doing` completes "Only the performance team …"."""
    if not is_performance_team(user):
        raise PermissionDenied(f"Only the performance team {doing}.")


def action_for_editing(user, pk: int) -> Action:
    """The action, or 403 if this user may not update it."""
    action = get_object_or_404(Action.objects.select_related("plan", "plan__service", "parent"), pk=pk)
    if not can_edit_action(user, action):
        raise PermissionDenied("You cannot update this action.")
    return action


def indicator_for_editing(user, pk: int) -> Indicator:
    """The indicator, or 403 if this user may not enter its values."""
    indicator = get_object_or_404(Indicator.objects.select_related("service", "plan"), pk=pk)
    if not can_edit_indicator(user, indicator):
        raise PermissionDenied("You cannot enter values for this indicator.")
    return indicator


def require_entering_updates(user) -> UserRoles:
    """The user's roles, or 403 unless they enter updates at all (officers, approvers, the performance team)."""
    roles = user_roles(user)
    if not roles.can_enter_updates:
        raise PermissionDenied("Only officers and approvers enter values.")
    return roles


def indicators_for_editing(user) -> QuerySet[Indicator]:
    """The indicators whose values `user` may enter (the same rule as `can_edit_indicator`); 403 for members."""
    roles = require_entering_updates(user)
    indicators = Indicator.objects.all()
    if roles.performance:
        return indicators
    mine = Q(service__in=roles.edits_for)
    if roles.officer_for:
        mine |= Q(owner=user)
    return indicators.filter(mine)


def risk_for_review(user, pk: int) -> Risk:
    """The risk, or 403 if this user may not write its quarterly review."""
    risk = get_object_or_404(Risk.objects.select_related("service", "owner"), pk=pk)
    if not can_review_risk(user, risk):
        raise PermissionDenied("You cannot review this risk.")
    return risk


EntryKind = Literal["action", "indicator", "risk"]


@dataclass(frozen=True)
class _Reviewed:
    """A kind of entry approvers decide on: its model, the lookup to its service, what its label needs."""

    model: type[Reviewable]
    service: str
    related: str

    def service_id(self, entry: Reviewable) -> int:
        return attrgetter(self.service.replace("__", ".") + "_id")(entry)


_REVIEWED: dict[str, _Reviewed] = {
    "action": _Reviewed(ActionUpdate, "action__plan__service", "action__plan"),
    "indicator": _Reviewed(IndicatorValue, "indicator__service", "indicator"),
    "risk": _Reviewed(RiskReview, "risk__service", "risk"),
}


def services_awaiting_review(period_keys: Iterable[str]) -> list[int]:
    """The service of each entry of every kind reviewed (`_REVIEWED`) awaiting review in the periods
    `period_keys`, once per entry (three queries): what approvers are reminded of."""
    keys = list(period_keys)
    return [
        service_id
        for reviewed in _REVIEWED.values()
        for (service_id,) in reviewed.model.objects.awaiting_review()
        .filter(period__in=keys)
        .values_list(reviewed.service)
    ]


def require_reviewer(user) -> UserRoles:
    """The user's roles, or 403 unless they review updates (approvers and the performance team)."""
    roles = user_roles(user)
    if not roles.can_review:
        raise PermissionDenied("Only approvers and the performance team review updates.")
    return roles


def entries_awaiting_review(user, kind: EntryKind) -> QuerySet:
    """The submitted entries of `kind` that `user` may approve or return; 403 unless they review."""
    roles = require_reviewer(user)
    reviewed = _REVIEWED[kind]
    entries = reviewed.model.objects.awaiting_review().select_related(reviewed.related)
    if not roles.performance:
        entries = entries.filter(**{f"{reviewed.service}__in": roles.approver_for})
    return entries


def entry_for_review(user, kind: EntryKind, pk: int) -> Reviewable:
    """The entry (an action update, indicator value or risk review), or 403 if this user may not review it."""
    reviewed = _REVIEWED[kind]
    entry = get_object_or_404(reviewed.model.objects.select_related(reviewed.related), pk=pk)
    if not can_review(user, reviewed.service_id(entry)):
        raise PermissionDenied("You cannot review updates for this service.")
    return entry


def round_for_managing(user, pk: int) -> ReportingRound:
    """The reporting round, or 403 unless the user is in the performance team."""
    require_performance_team(user, "manages reporting rounds")
    return get_object_or_404(ReportingRound, pk=pk)


def pending_import_for_confirming(user, pk: int) -> PendingImport:
    """The user's own checked upload, locked until the caller's transaction ends (so a second
    click on Confirm waits, then finds it applied), or 403 unless they are in the performance team."""
    require_performance_team(user, "imports data")
    return get_object_or_404(PendingImport.objects.select_for_update(), pk=pk, uploaded_by=user)


def import_for_viewing(user, pk: int) -> PendingImport:
    """An uploaded file and what became of it, or 403 unless the user is in the performance team."""
    require_performance_team(user, "imports data")
    return get_object_or_404(PendingImport.objects.select_related("uploaded_by"), pk=pk)


def family_group_for_editing(user, pk: int) -> FamilyGroup:
    """The benchmarking family group, or 403 unless the user is in the performance team."""
    require_performance_team(user, "changes the benchmarking settings")
    return get_object_or_404(FamilyGroup, pk=pk)


def entry_for_recall(user, kind: EntryKind, pk: int) -> Reviewable:
    """The entry, or 403 unless `user` may change it (whoever may edit the action or indicator, or
    write the risk's review, may take its submission back before it is decided on)."""
    reviewed = _REVIEWED[kind]
    entry = get_object_or_404(reviewed.model.objects.select_related(reviewed.related), pk=pk)
    allowed = {
        "action": lambda: can_edit_action(user, entry.action),
        "indicator": lambda: can_edit_indicator(user, entry.indicator),
        "risk": lambda: can_review_risk(user, entry.risk),
    }[kind]()
    if not allowed:
        raise PermissionDenied("You cannot change this entry.")
    return entry


def can_make_draft_pdf(user, service_ids: Iterable[int]) -> bool:
    """Whether `user` may make draft PDFs of a report covering `service_ids`: the performance team,
    and approvers for any of those services (drafts are for checking, not for members)."""
    roles = user_roles(user)
    return roles.performance or bool(roles.approver_for & set(service_ids))


def can_revert_history(user, obj) -> bool:
    """Whether the audit history's "revert" (saving a past version over the current one) is open
    for `obj`. Only the performance team reverts anything; and never:

    - a reviewable entry (action update, indicator value, risk review) or a reporting round: their
      states change only through `workflow.py`, with who, why and the checks (a revert would reopen
      a locked round or un-approve an entry without a reason);
    - a public record (`obj.is_public_record`): an issued report, or the definition of one.

    Every history admin asks here (`indicators.admin_history.HistoryAdmin`), for the button and
    for the POST alike.
    """
    if not is_performance_team(user):
        return False
    if isinstance(obj, Reviewable | ReportingRound):
        return False
    return not getattr(obj, "is_public_record", False)
