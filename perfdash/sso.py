"""Optional single sign-on with the council's identity provider (OpenID Connect: Entra ID, ADFS,
Google Workspace, ...), through mozilla-django-oidc.

Configured from the environment (settings): OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET. The
provider's endpoints are read from its discovery document the first time they are needed. A
signed-in identity is matched to an existing user by email address (case-insensitive); nobody is
created, and roles are still given in perfdash by the performance team. LOCAL_PASSWORDS=0 turns off
perfdash's own passwords, so everyone signs in through the provider.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

# mozilla-django-oidc's setting -> the provider's discovery document field.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


@dataclass(frozen=True)
class SignInOptions:
    provider: str | None  # the provider's name on the button, or None without single sign-on
    passwords: bool  # perfdash's own passwords (sign-in form, change, reset)


def sign_in_options() -> SignInOptions:
    """How people may sign in, for the templates."""
    return SignInOptions(settings.OIDC_PROVIDER_NAME if sso_enabled() else None, settings.LOCAL_PASSWORDS)


def local_passwords_only(view):
    """404 for a password page (change, reset) when LOCAL_PASSWORDS is off."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS:
            raise Http404("Passwords are managed by the council's identity provider.")
        return view(request, *args, **kwargs)

    return wrapper


@functools.cache
def discovery(issuer: str) -> dict:
    """The provider's OpenID configuration (fetched once per process and issuer)."""
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ValueError(f"The provider at {issuer} says its issuer is {document.get('issuer')!r}")
    return document


def oidc_setting(attr: str, *default):
    """A mozilla-django-oidc setting: from settings if set there, else an endpoint from discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        return discovery(settings.OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the existing user whose email address the provider vouches for."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs) -> None:
        # Django builds every backend for every sign-in; without single sign-on there is no
        # provider to read endpoints from, and only get_user (for existing sessions) is needed.
        if sso_enabled():
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not sso_enabled() or request is None or "code" not in request.GET:
            return None  # a password sign-in: not ours
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict) -> bool:
        # An address the provider has not verified could be anyone's.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict):
        users = super().filter_users_by_claims(claims).filter(is_active=True)
        if not users:
            logger.warning("Single sign-on by %s refused: no perfdash user has that email address", claims["email"])
        return users


class SignInWithProvider(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class ProviderCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            f"{settings.OIDC_PROVIDER_NAME} signed you in, but no perfdash account has that email address. "
            "Ask the performance team to add you.",
        )
        return redirect("login")


_sign_in = SignInWithProvider.as_view()
_callback = ProviderCallback.as_view()


def sign_in(request: HttpRequest) -> HttpResponse:
    """Off to the provider's sign-in page (then back to `callback`)."""
    if not sso_enabled():
        raise Http404("Single sign-on is not configured.")
    return _sign_in(request)


def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: exchange its code for the identity and sign that user in."""
    if not sso_enabled():
        raise Http404("Single sign-on is not configured.")
    return _callback(request)
