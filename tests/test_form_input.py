"""Forms never fail on what is typed: numbers too large to store, text too long, and `next`
addresses that lead off the site give a message (or are ignored), keeping what was typed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse

from indicators.forms import IndicatorValueForm
from indicators.models import IndicatorValue
from indicators.periods import Period
from indicators.views.redirects import next_url
from tests.factories import make_indicator, make_round, make_service, make_target, personas

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")
HUGE = "100000000000000000000"


@pytest.fixture
def world():
    service = make_service()
    people = personas(service)
    kin = make_indicator(service, code="KIN1", unit="%", decimal_places=1, owner=people["officer"])
    make_target(kin, "Q2 2022/23", 30, 2)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"kin": kin, **people}


def indicator_url(indicator):
    return reverse("indicator_update", args=[Q2.slug, indicator.pk])


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": HUGE}, "value", "too large: a figure must be smaller than 1,000,000,000,000"),
        ({"value": "-1,000,000,000,000"}, "value", "too large"),
        ({"value": "", "numerator": HUGE, "denominator": "3"}, "numerator", "too large"),
        ({"value": "", "numerator": "999999999999", "denominator": "0.001"}, "denominator", "too large to store"),
        ({"value": "", "not_available": "on", "not_available_reason": "x" * 301}, "not_available_reason", "301"),
        ({"value": "12", "timescale": "y" * 301}, "timescale", "at most 300 characters"),
    ],
)
def test_officer_form_refuses_what_cannot_be_stored_beside_the_field_keeping_input(client, world, data, field, message):
    client.force_login(world["officer"])
    typed = {"commentary": "Typed before the mistake", "version": "0", "save": "1"} | data
    response = client.post(indicator_url(world["kin"]), typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and f'id="id_{field}-error"' in body
    assert "Typed before the mistake" in body
    for name, value in data.items():
        if name != "not_available" and 0 < len(value) < 100:
            assert f'value="{value}"' in body
    assert not IndicatorValue.objects.filter(period=Q2).exists()


def test_the_largest_storable_figure_is_saved_and_finer_ones_rounded_to_what_is_stored(client, world):
    client.force_login(world["officer"])
    client.post(indicator_url(world["kin"]), {"value": "999,999,999,999.999", "version": "0", "save": "1"})
    assert IndicatorValue.objects.get(period=Q2).value == Decimal("999999999999.999")
    form = IndicatorValueForm({"value": "41.833333333", "version": "0"}, indicator=world["kin"])
    assert form.is_valid() and form.cleaned_data["value"] == Decimal("41.8333")


def test_bulk_values_page_gives_a_field_error_for_a_huge_number_and_keeps_every_row(client, world):
    other = make_indicator(world["kin"].service, code="KIN2", owner=world["officer"])
    client.force_login(world["officer"])
    url = reverse("bulk_values", args=[Q2.slug])
    kin = world["kin"]
    data = {
        f"i{kin.id}-value": HUGE,
        f"i{kin.id}-commentary": "Oops, too many zeros",
        f"i{kin.id}-version": "0",
        f"i{other.id}-value": "7",
        f"i{other.id}-commentary": "Fine",
        f"i{other.id}-version": "0",
        "save_row": "all",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "too large" in body and f'value="{HUGE}"' in body and "Oops, too many zeros" in body
    assert IndicatorValue.objects.get(indicator=other).value == 7  # the good row is saved
    assert not IndicatorValue.objects.filter(indicator=kin).exists()


@pytest.mark.parametrize(
    ("given", "followed"),
    [
        ("/updates/", True),
        ("/reports/committee/ecod/?period=2022/23-Q2", True),
        ("https://evil.example/phish", False),
        ("//evil.example/phish", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("http://testserver/updates/", False),  # only paths are followed
        ("", False),
    ],
)
def test_next_is_followed_only_to_this_sites_own_paths(given, followed):
    request = RequestFactory().post("/", {"next": given})
    assert next_url(request, "/home/") == (given if followed else "/home/")


def test_saving_with_an_offsite_next_goes_to_my_updates(client, world):
    client.force_login(world["officer"])
    for given, expected in (("https://evil.example/", reverse("my_updates")), ("/benchmarking/", "/benchmarking/")):
        IndicatorValue.objects.all().delete()
        response = client.post(indicator_url(world["kin"]), {"value": "31", "version": "0", "save": "1", "next": given})
        assert response.status_code == 302 and response["Location"] == expected


def test_a_count_refuses_a_fraction_on_the_bulk_page_naming_the_indicator_and_shows_whole_numbers(client, world):
    count = make_indicator(world["kin"].service, code="KIN3", unit="children", owner=world["officer"])
    client.force_login(world["officer"])
    url = reverse("bulk_values", args=[Q2.slug])
    data = {f"i{count.id}-value": "1234.5", f"i{count.id}-version": "0", "save_row": str(count.id)}
    body = client.post(url, data).content.decode()
    assert "Value for KIN3: 1,234.5 is not a whole number" in body  # the summary names the indicator
    assert f'id="id_i{count.id}-value-error"' in body and 'value="1234.5"' in body  # beside the field, kept
    assert not IndicatorValue.objects.filter(indicator=count).exists()

    client.post(url, data | {f"i{count.id}-value": "1,234"})
    assert IndicatorValue.objects.get(indicator=count).value == 1234
    body = client.get(url).content.decode()
    assert 'value="1234"' in body and "1234.0000" not in body


def test_the_update_form_refuses_a_fraction_for_a_count_and_keeps_it_for_a_percentage(client, world):
    count = make_indicator(world["kin"].service, code="KIN4", unit="households", owner=world["officer"])
    form = IndicatorValueForm({"value": "12.5", "version": "0"}, indicator=count)
    assert not form.is_valid() and "is not a whole number" in form.errors["value"][0]
    assert IndicatorValueForm({"value": "12", "version": "0"}, indicator=count).is_valid()
    form = IndicatorValueForm({"value": "41.85", "version": "0"}, indicator=world["kin"])
    assert form.is_valid() and form.cleaned_data["value"] == Decimal("41.85")
    # A stored figure comes back into the box with the indicator's places.
    form = IndicatorValueForm(initial={"value": Decimal("41.8000"), "version": 0}, indicator=world["kin"])
    assert 'value="41.8"' in str(form["value"])
