"""The set-up screens (Django's admin): reached by the performance team through its role alone."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from indicators.models import Role
from tests.factories import make_performance_user, make_service, make_user

pytestmark = pytest.mark.django_db
SET_UP_MODELS = [
    "directorate",
    "service",
    "committee",
    "corporatepriority",
    "plan",
    "outcome",
    "action",
    "actionupdate",
    "indicator",
    "target",
    "indicatorvalue",
    "exceptionreport",
    "risk",
    "role",
    "reportinground",
    "riskreview",
    "comparatorcouncil",
    "familygroup",
    "comparatorvalue",
]


@pytest.fixture
def performance_client(client, demo_db):
    """The demo's performance-team user, who is not a superuser."""
    user = User.objects.get(username="performance")
    assert not user.is_superuser
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", SET_UP_MODELS)
def test_set_up_screens_open_with_demo_data(performance_client, model):
    changelist = performance_client.get(reverse(f"admin:indicators_{model}_changelist") + "?q=a")
    assert changelist.status_code == 200
    add = performance_client.get(reverse(f"admin:indicators_{model}_add"))
    assert add.status_code == 200


def test_issued_reports_are_read_only_in_the_admin(performance_client):
    changelist = performance_client.get(reverse("admin:reports_issuedreport_changelist"))
    assert changelist.status_code == 200
    add_issued = performance_client.get(reverse("admin:reports_issuedreport_add"))
    assert add_issued.status_code == 403
    add_definition = performance_client.get(reverse("admin:reports_committeereport_add"))
    assert add_definition.status_code == 200


def test_the_performance_role_gives_and_takes_the_set_up_screens(client):
    user = make_performance_user("analyst")
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("indicators.change_indicator") and user.has_perm("reports.add_committeereport")
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200

    Role.objects.filter(user=user).delete()
    user = User.objects.get(pk=user.pk)  # permissions are cached on the instance
    assert not user.is_staff and not user.has_perm("indicators.change_indicator")
    client.force_login(user)
    refused = client.get(reverse("admin:index"))
    assert refused.status_code == 302


@pytest.mark.parametrize("kind", [Role.Kind.MEMBER, Role.Kind.OFFICER, Role.Kind.APPROVER])
def test_other_roles_cannot_open_the_admin(client, kind):
    service = make_service() if kind != Role.Kind.MEMBER else None
    user = make_user(f"someone-{kind}", kind, service)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_performance_team_cannot_make_anyone_a_superuser_nor_change_a_superuser(performance_client):
    """They add people and keep their details; superuser status, groups and permissions, and
    superusers' own accounts, are not theirs to change (a superuser was once made this way)."""
    officer = User.objects.get(username="officer2")
    url = reverse("admin:auth_user_change", args=[officer.pk])
    page = performance_client.get(url).content.decode()
    assert 'name="email"' in page and 'name="is_active"' in page
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page
    form = {
        "username": "officer2", "first_name": officer.first_name, "last_name": officer.last_name,
        "email": "officer2@example.org", "is_active": "on", "is_superuser": "on", "is_staff": "on",
    }  # fmt: skip
    assert performance_client.post(url, form).status_code == 302
    officer.refresh_from_db()
    assert officer.email == "officer2@example.org" and not officer.is_superuser and not officer.is_staff

    boss = User.objects.create_superuser("root", "root@example.org", "x-long-passphrase-1")
    seen = performance_client.get(reverse("admin:auth_user_change", args=[boss.pk]))
    assert seen.status_code == 200 and 'name="_save"' not in seen.content.decode()  # shown, not changeable
    assert (
        performance_client.post(
            reverse("admin:auth_user_change", args=[boss.pk]), form | {"username": "root"}
        ).status_code
        == 403
    )
    assert (
        performance_client.post(
            reverse("admin:auth_user_password_change", args=[boss.pk]),
            {"password1": "taken-over-99!", "password2": "taken-over-99!"},
        ).status_code
        == 403
    )
    boss.refresh_from_db()
    assert boss.check_password("x-long-passphrase-1")


def test_a_risk_review_added_as_approved_in_set_up_becomes_the_risks_assessment(performance_client):
    """As an approval on the Review page makes it (`workflow.apply_risk_review`)."""
    from indicators.models import Risk, RiskReview

    risk = Risk.objects.filter(owner__isnull=False).first()
    form = {
        "risk": str(risk.pk), "period": "Q4 2022/23", "likelihood": "1", "impact": "2",
        "latest_position": "Carers recruited", "reason": "", "state": "approved", "previous_score": str(risk.score),
    }  # fmt: skip
    response = performance_client.post(reverse("admin:indicators_riskreview_add"), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    review = RiskReview.objects.get(risk=risk, period="2022/23-Q4")
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.latest_position) == (1, 2, "Carers recruited")
    assert review.reviewed_by.username == "performance"
