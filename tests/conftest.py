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

    from reports.scorecards.cache import forget_recent

    cache.clear()
    forget_recent()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo council, loaded once for the module that asks for it and rolled back after it.

    Like Django's setUpTestData: the load runs in a transaction that stays open for the module, and
    each test runs in a savepoint inside it, so tests see the demo and never each other's changes.
    Modules with transactional tests (the browser tests) cannot share it and load their own.
    """
    import io

    from django.core.management import call_command
    from django.db import transaction

    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        call_command("load_demo", force=True, stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
