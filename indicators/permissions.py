"""Who may do what. Every view that changes data asks here, one helper per kind of object.

- Performance team: everything, including opening, locking and reopening reporting rounds.
- Approver (for a service): edit, approve and return that service's updates.
- Officer (for a service): edit updates for actions and indicators they are assigned or own,
  and for anything in their service; submit them for approval.
- Committee member: read only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Action, Indicator, Role


@dataclass(frozen=True)
class UserRoles:
    performance: bool = False
    approver_for: frozenset[int] = field(default_factory=frozenset)
    officer_for: frozenset[int] = field(default_factory=frozenset)

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
    roles = user_roles(user)
    return roles.performance or service_id in roles.approver_for


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
