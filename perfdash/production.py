"""What a server process refuses to start without when DEBUG is off."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_settings() -> None:
    """Stop a web server started with DEBUG off on the public development key or with no host names.

    Called from the WSGI and ASGI entry points, so gunicorn fails to boot with this message. Management
    commands (migrate, makemigrations --check, the tests) still run, and `check --deploy` still flags
    the development key for them.
    """
    if settings.DEBUG:
        return
    if not settings.SECRET_KEY or settings.SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off perfdash will not serve pages signed with the public "
            "development key: set SECRET_KEY to a long random value (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for development."
        )
    if not settings.ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG off set it to the site's host names, comma-separated "
            "(e.g. ALLOWED_HOSTS=performance.example.gov.uk), or set DEBUG=1 for development."
        )
