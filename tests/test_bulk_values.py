"""The bulk values page works for any council size: a service and a page at a time, so no post
comes near Django's 1,000-field limit (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue, ReportingRound, ReviewState
from indicators.periods import Period
from indicators.views.updates import BULK_PAGE_SIZE
from tests.factories import make_indicator, make_round, make_service, make_value, personas

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")
URL = reverse("bulk_values", args=[Q2.slug])


def many_indicators(service, count: int, prefix: str = "PI") -> list[Indicator]:
    Indicator.objects.bulk_create(
        Indicator(code=f"{prefix}{i:04d}", title=f"Indicator {i}", service=service) for i in range(count)
    )
    return list(Indicator.objects.filter(service=service).order_by("code"))


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"service": service, **people}


def form_fields(body: str) -> list[str]:
    form = body[body.index('<form method="post"') : body.index("</form>", body.index('<form method="post"'))]
    return re.findall(r'name="([^"]+)"', form)


def test_a_council_with_more_than_330_indicators_enters_them_page_by_page(client, world):
    indicators = many_indicators(world["service"], 400)
    client.force_login(world["officer"])
    body = client.get(URL).content.decode()
    assert "Page 1 of 4 (1–100 of 400 indicators)" in body
    fields = form_fields(body)
    # Every box of every row, and each row's Save button, well under the limit (a post carries one button).
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS * 3 // 4
    # Save every row of the page at once, as "Save all rows on this page" does.
    data = {"save_row": "all"}
    for indicator in indicators[:BULK_PAGE_SIZE]:
        data |= {f"i{indicator.id}-value": "7", f"i{indicator.id}-commentary": "", f"i{indicator.id}-version": "0"}
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(URL + "?page=1", data)
    assert response.status_code == 200
    assert IndicatorValue.objects.filter(period=Q2).count() == BULK_PAGE_SIZE
    # The last page has the rest, and saves them the same way.
    body = client.get(URL + "?page=4").content.decode()
    assert "Page 4 of 4 (301–400 of 400 indicators)" in body and "PI0399" in body and "PI0299" not in body
    last = indicators[-1]
    client.post(
        URL + "?page=4",
        {f"i{last.id}-value": "9", f"i{last.id}-commentary": "", f"i{last.id}-version": "0", "save_row": str(last.id)},
    )
    assert IndicatorValue.objects.get(indicator=last, period=Q2).value == 9


def test_the_page_filters_by_service_and_keeps_the_filter_when_saving(client, world):
    other = make_service("Justice services")
    many_indicators(world["service"], 3, "CHI")
    [justice, *_] = many_indicators(other, 2, "JUS")
    client.force_login(world["admin"])  # the performance team enters values for every service
    body = client.get(URL).content.decode()
    assert '<option value="' + other.slug + '">Justice services</option>' in body
    assert "CHI0000" in body and "JUS0000" in body
    body = client.get(URL + f"?service={other.slug}").content.decode()
    assert "JUS0000" in body and "CHI0000" not in body
    assert f'action="?service={other.slug}&amp;page=1"' in body
    data = {f"i{justice.id}-value": "3", f"i{justice.id}-version": "0", "save_row": str(justice.id)}
    body = client.post(URL + f"?service={other.slug}&page=1", data).content.decode()
    assert "CHI0000" not in body and "Saved as drafts: JUS0000" in body
    # An unknown service shows them all rather than nothing.
    assert "CHI0000" in client.get(URL + "?service=nope").content.decode()


def test_an_officer_sees_no_service_choice_for_one_service(client, world):
    many_indicators(world["service"], 2)
    client.force_login(world["officer"])
    body = client.get(URL).content.decode()
    assert 'name="service"' not in body and "Page 1 of" not in body  # one page, one service


def test_the_bulk_page_uses_a_fixed_number_of_queries(client, world):
    many_indicators(world["service"], 5, "A")
    client.force_login(world["officer"])
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    many_indicators(make_service(), 1, "B")  # another service: its officer does not see it
    indicators = many_indicators(world["service"], 250, "C")
    IndicatorValue.objects.bulk_create(IndicatorValue(indicator=i, period=Q2, value=1) for i in indicators[:50])
    with CaptureQueriesContext(connection) as large:
        body = client.get(URL).content.decode()
    assert "Page 1 of 3" in body
    assert len(small) == len(large)


def test_a_value_not_available_is_saved_with_its_reason_from_the_bulk_page(client, world):
    [first, second] = many_indicators(world["service"], 2)
    client.force_login(world["officer"])
    row = {f"i{first.id}-value": "", f"i{first.id}-not_available": "on", f"i{first.id}-version": "0"}
    body = client.post(URL, row | {"save_row": "all"}).content.decode()
    # No reason: said beside the box and in the summary, naming the indicator; the tick is kept.
    assert f"Why the value for {first.code} is not available: Say why the value is not available." in body
    assert f'name="i{first.id}-not_available" id="id_i{first.id}-not_available" checked' in body
    assert not IndicatorValue.objects.exists()

    row[f"i{first.id}-not_available_reason"] = "Published in March"
    other = {f"i{second.id}-value": "12", f"i{second.id}-version": "0"}
    client.post(URL, row | other | {"save_row": "all"})
    saved = IndicatorValue.objects.get(indicator=first)
    assert (saved.value, saved.not_available, saved.not_available_reason) == (None, True, "Published in March")
    assert IndicatorValue.objects.get(indicator=second).value == 12
    body = client.get(URL).content.decode()
    assert 'value="Published in March"' in body  # the draft comes back with its reason, ticked
    assert f'name="i{first.id}-not_available" id="id_i{first.id}-not_available" checked' in body


def test_saving_a_row_keeps_its_stored_numerator_and_denominator_while_the_value_is_theirs(client, world):
    """The page has no boxes for them: saving a row once wiped a value's 42 ÷ 424."""
    indicator = make_indicator(world["service"], code="R1", unit="%", decimal_places=1, owner=world["officer"])
    make_value(indicator, "Q2 2022/23", "9.91", numerator=42, denominator=424, state=ReviewState.DRAFT)
    client.force_login(world["officer"])

    def save(value: str) -> IndicatorValue:
        prefix = f"i{indicator.id}"
        version = IndicatorValue.objects.get(indicator=indicator).version
        row = {f"{prefix}-value": value, f"{prefix}-commentary": "Checked", f"{prefix}-version": version}
        page = client.post(URL, {"save_row": str(indicator.id)} | row)
        assert page.status_code == 200 and "Saved as drafts: R1" in page.content.decode()
        return IndicatorValue.objects.get(indicator=indicator)

    kept = save("9.9")
    assert (kept.value, kept.numerator, kept.denominator, kept.commentary) == (Decimal("9.91"), 42, 424, "Checked")
    changed = save("12.5")
    assert (changed.value, changed.numerator, changed.denominator) == (Decimal("12.5"), None, None)


def test_rows_posted_after_the_round_was_locked_are_shown_back_not_lost(client, world):
    indicator = make_indicator(world["service"], code="R1", unit="%", decimal_places=1, owner=world["officer"])
    client.force_login(world["officer"])
    ReportingRound.objects.update(locked_at=dt.datetime(2022, 11, 1, tzinfo=dt.UTC))
    prefix = f"i{indicator.id}"
    refused = client.post(
        URL,
        {"save_row": "all", f"{prefix}-value": "12.5", f"{prefix}-commentary": "Up on Q1", f"{prefix}-version": "0"},
    )
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "<h2>Not saved</h2>" in page and "locked" in page
    assert "<dt>R1 value</dt><dd>12.5</dd>" in page and "<dt>R1 commentary</dt><dd>Up on Q1</dd>" in page
    assert not IndicatorValue.objects.exists()
