"""Sign-in security: lockouts, session timeouts, password change and reset, the Content-Security-Policy."""

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Role
from perfdash.accounts import client_address
from tests.browser import browser_page, serious_accessibility_violations, sign_in
from tests.factories import PASSWORD, make_performance_user, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_user_out_from_that_address_and_are_logged(client, caplog):
    make_user("officer", Role.Kind.MEMBER)
    with caplog.at_level(logging.INFO, logger="axes"):
        for _ in range(4):
            assert attempt(client, "officer", "wrong").status_code == 200  # the form again, with its error
        locked = attempt(client, "officer", "wrong")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.text
    assert caplog.text.count('login failure by {username: "officer", ip_address: "192.0.2.10"') == 5
    assert 'Locking out {username: "officer", ip_address: "192.0.2.10"' in caplog.text

    # Even the right password is refused now, from that address...
    refused = attempt(client, "officer", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but not from another one: guessing from one place does not lock the owner out everywhere.
    assert attempt(client, "officer", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client):
    make_user("officer", Role.Kind.MEMBER)
    for n in range(5):
        client.post(LOGIN, {"username": "officer", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, "officer", PASSWORD, address="127.0.0.1").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (0, "203.0.113.5", "127.0.0.1"),  # no proxy of ours: the header is the client's own word
        (1, "203.0.113.5", "203.0.113.5"),  # nginx set it to the address it saw
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # nginx appended to what the client sent
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # a load balancer, then nginx
        (2, "203.0.113.5", "127.0.0.1"),  # fewer entries than proxies: not from our proxies
    ],
)
def test_behind_our_own_proxies_the_lockout_counts_the_address_they_saw(settings, rf, proxies, forwarded_for, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post(LOGIN, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="127.0.0.1")
    assert client_address(request) == address


def test_the_lockout_ends_after_the_cool_off_time(client):
    make_user("officer", Role.Kind.MEMBER)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            attempt(client, "officer", "wrong")
        assert attempt(client, "officer", PASSWORD).status_code == 429
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 1, tzinfo=dt.UTC), tick=False):
        assert attempt(client, "officer", PASSWORD).status_code == 302


def test_the_performance_team_lifts_a_lockout(client, caplog):
    make_user("officer", Role.Kind.MEMBER)
    admin = make_performance_user("admin")
    for _ in range(5):
        attempt(client, "officer", "wrong")

    client.force_login(admin)
    page = client.get(reverse("lockouts"))
    assert page.status_code == 200
    assert "officer" in page.text and "192.0.2.10" in page.text
    with caplog.at_level(logging.WARNING, logger="perfdash.accounts"):
        lifted = client.post(reverse("lockouts"), {"username": "officer", "ip_address": "192.0.2.10"}, follow=True)
    assert "officer can sign in again from 192.0.2.10" in lifted.text
    assert "lifted by admin" in caplog.text
    assert "No one is locked out" in lifted.text

    client.logout()
    assert attempt(client, "officer", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", [Role.Kind.MEMBER, Role.Kind.OFFICER, Role.Kind.APPROVER])
def test_only_the_performance_team_sees_lockouts(client, role):
    from tests.factories import make_service

    service = make_service() if role != Role.Kind.MEMBER else None
    client.force_login(make_user("someone", role, service))
    assert client.get(reverse("lockouts")).status_code == 403
    assert client.post(reverse("lockouts"), {"username": "x", "ip_address": "192.0.2.1"}).status_code == 403


def test_signed_out_after_an_hour_without_activity(client):
    make_user("member", Role.Kind.MEMBER)
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert attempt(client, "member", PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert client.get("/").status_code == 200  # still signed in; the idle clock starts again
    with time_machine.travel(start + dt.timedelta(minutes=59 + 61), tick=False):
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "signed out after 60 minutes without activity" in response.text


def test_signed_out_twelve_hours_after_signing_in_however_active(client):
    make_user("member", Role.Kind.MEMBER)
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        attempt(client, "member", PASSWORD)
    for half_hours in range(1, 24):
        with time_machine.travel(start + dt.timedelta(minutes=30 * half_hours), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "signed out 12 hours after signing in" in response.text


def test_an_officer_changes_their_password_checked_by_the_validators(client):
    officer = make_user("officer", Role.Kind.MEMBER, first_name="Olive", last_name="Officer")
    client.force_login(officer)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Change your password" in page.text
    # The rules as plain words: Django's own help is an HTML list, once shown as its tags.
    assert "Your password must contain at least 8 characters." in page.text and "&lt;li&gt;" not in page.text

    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "This password is too common" in weak.text
    assert "can’t be entirely numeric" in weak.text  # the validators' rules, shown as the field's hint

    new = "quarterly-scorecard-42"
    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Password changed" in changed.text
    officer.refresh_from_db()
    assert officer.check_password(new)
    assert client.get("/").status_code == 200  # still signed in


def test_a_member_resets_a_forgotten_password_by_email(client):
    member = make_user("member", Role.Kind.MEMBER, email="member@example.gov.uk")
    login_page = client.get(LOGIN)
    assert reverse("password_reset") in login_page.text

    sent = client.post(reverse("password_reset"), {"email": "member@example.gov.uk"}, follow=True)
    assert "Check your email" in sent.text
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["member@example.gov.uk"]
    assert email.subject == "Reset your perfdash password"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", email.body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    assert "Your password must contain at least 8 characters." in form.text and "&lt;li&gt;" not in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "benchmark-family-2023", "new_password2": "benchmark-family-2023"},
        follow=True,
    )
    assert "Password set" in done.text
    member.refresh_from_db()
    assert member.check_password("benchmark-family-2023")

    used_again = client.get(link, follow=True)
    assert "has been used already or has expired" in used_again.text


def test_no_email_says_whether_an_address_has_an_account(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.uk"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_draw_under_the_policy_with_no_violations(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    from indicators.models import Indicator

    benchmarked = Indicator.objects.exclude(benchmark_code="").first()
    with browser_page() as page:
        problems = []
        page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation',"
            " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        sign_in(page, live_server.url, "member", "member-demo-2022")
        page.goto(f"{live_server.url}{reverse('reports:council_scorecard')}")
        page.get_by_role("link", name="Looked after children cared for in kinship care").first.click()
        page.wait_for_selector(".chart-box .main-svg")
        page.locator(".chart-box .main-svg").first.hover()  # hover labels are drawn too
        page.goto(f"{live_server.url}{reverse('reports:benchmark_indicator', args=[benchmarked.pk])}")
        page.wait_for_selector(".chart-box .main-svg")
        assert page.locator(".chart-box .main-svg").count() >= 2  # the trend and the family group
        assert serious_accessibility_violations(page) == []
        page.goto(f"{live_server.url}{reverse('password_change')}")
        page.goto(f"{live_server.url}{reverse('admin:index')}")
        assert problems == []
