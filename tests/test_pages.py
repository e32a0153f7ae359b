import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_committee, make_plan, make_service, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return personas(make_service("Children's services"))


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_page_and_bad_password_keeps_username(client, people):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'value="member"' in response.content


def test_sign_in_then_home_lists_plans_by_committee(client, people):
    service = people["officer"].roles.get().service
    make_committee(service, name="Scrutiny committee")
    make_plan(service, title="Service plan 2020-23")
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert b"Scrutiny committee" in response.content
    assert b"Service plan 2020-23" in response.content


def test_home_uses_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    client.force_login(people["member"])
    for _ in range(3):
        service = make_service()
        make_committee(service)
        for _ in range(3):
            make_plan(service)
    client.get(reverse("home"))  # the member's committee cards: built once per change of data (test_home)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_sign_out_needs_post(client, people):
    client.force_login(people["member"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(client, people):
    client.force_login(people["member"])
    assert (
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        in client.get(reverse("home")).content.decode()
    )
    client.logout()
    response = client.get("/favicon.ico")  # asked for by pages without the link, signed in or not
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
