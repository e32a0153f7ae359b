def pytest_configure(config):
    """Test-wide settings, applied before any test server builds its middleware."""
    from django.conf import settings

    # A fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client and the live server speak plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Tests do not run collectstatic, so no manifest of hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached scorecards are keyed on history ids, which SQLite reuses after a test rolls back.
    from django.core.cache import cache

    cache.clear()
