"""Signing in: password change and reset for every user, and lifting lockouts (django-axes).

A user name is locked out from one address after AXES_FAILURE_LIMIT failed sign-ins there, for
AXES_COOLOFF_TIME hours (or until lifted). The performance team sees current lockouts on one page and
lifts them; every lift is logged with who did it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from indicators.permissions import require_performance_team

logger = logging.getLogger(__name__)


class PlainPasswordHelp:
    """The new password's rules as one sentence of plain text from the validators themselves:
    Django gives them as an HTML list, which our templates (rightly) show as text."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validation.password_validators_help_texts())


class PasswordChangeForm(PlainPasswordHelp, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(PlainPasswordHelp, auth_forms.SetPasswordForm):
    pass


def client_address(request: HttpRequest) -> str:
    """The address a request came from, for lockouts: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies
    of our own, the X-Forwarded-For entry the outermost of them added (entries left of it are whatever
    the client sent, so never trusted)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_attempt: dt.datetime


def current_lockouts() -> list[Lockout]:
    """Each user name and address locked out now, most recent first (as django-axes counts: the
    failures there within the cool-off time, summed over browsers)."""
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME))
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [Lockout(**row) for row in rows]


def lift_lockout(username: str, ip_address: str, lifted_by) -> int:
    """Forget the failed sign-ins of `username` from `ip_address`, so they can sign in again at once."""
    count = reset(username=username, ip=ip_address)
    logger.warning("Sign-in lockout of %r from %s lifted by %s", username, ip_address, lifted_by)
    return count


@login_required
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, "can lift sign-in lockouts")
    if request.method == "POST":
        username, ip_address = request.POST.get("username", ""), request.POST.get("ip_address", "")
        if lift_lockout(username, ip_address, request.user):
            messages.success(request, f"{username} can sign in again from {ip_address}.")
        return redirect("lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": current_lockouts(), "limit": settings.AXES_FAILURE_LIMIT, "cooloff": settings.AXES_COOLOFF_TIME},
    )
