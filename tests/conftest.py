import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher keeps the suite quick; HTTPS redirects would bounce the test client.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
