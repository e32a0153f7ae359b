"""Session timeouts: signed out after a spell without a request, and a while after signing in."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "perfdash_signed_in_at"
LAST_SEEN_AT = "perfdash_last_seen_at"
# Recording every request would write the session row on every page; to the minute is enough.
LAST_SEEN_PRECISION = 60


@receiver(user_logged_in)
def _start_session_clocks(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def session_expired(session, now: int) -> str | None:
    """Why this signed-in session has run out ("idle" or "absolute"), or None while it is current."""
    if now - session.get(LAST_SEEN_AT, now) > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    if now - session.get(SIGNED_IN_AT, now) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    return None


class SessionTimeoutMiddleware:
    """Signs the user out when their session has run out (`session_expired`), with a message saying why.

    SESSION_IDLE_TIMEOUT and SESSION_ABSOLUTE_TIMEOUT (seconds) come from the environment (settings).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        expired = session_expired(session, now)
        if expired:
            logout(request)
            if expired == "idle":
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                messages.info(request, f"You were signed out after {minutes} minutes without activity.")
            else:
                hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
                messages.info(request, f"You were signed out {hours} hours after signing in. Please sign in again.")
            return
        # Sessions from before these clocks existed start them now.
        session.setdefault(SIGNED_IN_AT, now)
        if now - session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_PRECISION:
            session[LAST_SEEN_AT] = now
