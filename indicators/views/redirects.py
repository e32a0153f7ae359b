"""Where a form goes after it is saved: a `next` the page was given, if it is one of this site's own paths."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """The `next` parameter (POST, else GET) when it is a path on this site, otherwise `fallback`
    (a URL name or path). A `next` naming another site ("https://evil.example", "//evil.example",
    "javascript:…") is ignored, so a crafted link cannot send someone elsewhere after saving."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted
    return resolve_url(fallback)
