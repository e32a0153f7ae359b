"""Logs as one JSON object a line (LOG_FORMAT=json) for log collectors, and the optional error reporting.

Kept free of Django imports at module level: the settings module imports it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged too.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; the request's method and path, the status code and any
    exception for Django's own records; and whatever a caller passed as `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name in _STANDARD_ATTRIBUTES or name.startswith("_"):
                continue
            if name == "request":  # django.request and django.security records carry the request
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
            else:
                entry[name] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def start_error_reporting(dsn: str, environment: str, release: str | None = None) -> None:
    """Send unhandled errors to a Sentry-compatible service (Sentry, GlitchTip, ...); off unless SENTRY_DSN is set.

    sentry-sdk is not a dependency: install it where error reporting is wanted.
    """
    try:
        import sentry_sdk
    except ImportError as error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: `pip install sentry-sdk`, or unset SENTRY_DSN."
        ) from error
    # No personal data (user names, addresses, cookies) leaves the council's servers unless asked for.
    sentry_sdk.init(dsn=dsn, environment=environment, release=release, send_default_pii=False, traces_sample_rate=0)
