"""Single sign-on, end to end: a real OpenID Connect provider (django-oidc-provider, in a small
project of its own under tests/oidc_provider_site) on loopback, perfdash signing people in through it
in a real browser."""

import subprocess
import sys

import pytest
from django.urls import reverse

from indicators.models import Role
from tests.browser import browser_page
from tests.factories import PASSWORD, make_user
from tests.servers import GUNICORN, ROOT, environment, free_port, wait_until_serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_ID, CLIENT_SECRET = "perfdash-test", "a-client-secret-for-the-test-only"
EMPLOYEE, EMPLOYEE_PASSWORD = "o.officer", "council-directory-password-1"


@pytest.fixture
def provider(live_server, tmp_path):
    """The provider's issuer URL, with one employee (o.officer@council.example) and perfdash registered."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider_site.settings",
        PROVIDER_URL=url,
        PROVIDER_DB=str(tmp_path / "provider.sqlite3"),
    )
    callback = f"{live_server.url}{reverse('oidc_authentication_callback')}"
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider_site.setup", callback, CLIENT_ID, CLIENT_SECRET]
        + [EMPLOYEE, EMPLOYEE_PASSWORD, "o.officer@council.example"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--threads", "4", "--no-control-socket"]
        + ["django.core.wsgi:get_wsgi_application()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(server, f"{url}/openid/.well-known/openid-configuration")
        yield f"{url}/openid"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Council account"
    return settings


def sign_in_through_the_provider(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Council account").click()
    page.get_by_label("Work account").fill(EMPLOYEE)
    page.get_by_label("Password").fill(EMPLOYEE_PASSWORD)
    page.get_by_role("button", name="Sign in to the council").click()


def test_a_council_employee_signs_in_through_the_provider_matched_by_email(live_server, sso):
    officer = make_user("olive", Role.Kind.MEMBER, email="O.Officer@council.example")
    with browser_page() as page:
        sign_in_through_the_provider(page, live_server.url)
        page.wait_for_url(f"{live_server.url}/")
        assert "olive" in page.locator(".signout").inner_text()
        assert page.get_by_role("link", name="Scorecards").is_visible()  # a member's menu: roles from perfdash
    officer.refresh_from_db()
    assert officer.last_login is not None


def test_nobody_is_let_in_without_a_perfdash_account(live_server, sso, django_user_model):
    make_user("someone-else", Role.Kind.MEMBER, email="someone.else@council.example")
    with browser_page() as page:
        sign_in_through_the_provider(page, live_server.url)
        page.wait_for_url(f"{live_server.url}/accounts/login/")
        assert "no perfdash account has that email address" in page.locator("main").inner_text()
    assert not django_user_model.objects.filter(email__iexact="o.officer@council.example").exists()


def test_local_passwords_can_be_turned_off(client, sso):
    sso.LOCAL_PASSWORDS = False
    sso.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "perfdash.sso.CouncilOIDCBackend"]
    make_user("olive", Role.Kind.MEMBER, email="o.officer@council.example")
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Council account" in page
    assert 'name="password"' not in page
    refused = client.post("/accounts/login/", {"username": "olive", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert refused.status_code == 200
    assert client.get(reverse("password_reset")).status_code == 404
    assert client.get(reverse("password_change")).status_code in (302, 404)


def test_without_an_issuer_there_is_no_single_sign_on(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
