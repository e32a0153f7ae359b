"""Bulk writes with audit history: COPY on PostgreSQL, simple-history's helpers elsewhere."""

from decimal import Decimal

import pytest

from indicators import bulk
from indicators.bulk import write_with_history
from indicators.models import IndicatorValue, ReviewState, Role
from indicators.periods import Period
from tests.factories import make_indicator, make_service, make_user, make_value

pytestmark = pytest.mark.django_db
AWKWARD = 'Tab\there, new line\nthere, back\\slash, "quotes", \\N and ünïcode'


def test_new_and_changed_rows_each_get_one_history_row_with_user_and_reason(monkeypatch):
    monkeypatch.setattr(bulk, "ANALYZE_FROM", 1)  # the statistics refresh runs too (PostgreSQL)
    service = make_service()
    first, second = make_indicator(service, code="A1"), make_indicator(service, code="A2")
    existing = make_value(first, "Q1 2022/23", 10)
    before = existing.history.count()
    user = make_user("perf", Role.Kind.PERFORMANCE)

    new = [
        IndicatorValue(indicator=second, period=Period.parse(label), value=Decimal(n), state=ReviewState.APPROVED)
        for n, label in enumerate(["Q1 2022/23", "Q2 2022/23"], start=1)
    ]
    new.append(
        IndicatorValue(
            indicator=first,
            period=Period.parse("Q2 2022/23"),
            not_available=True,
            not_available_reason="Awaiting data",
            commentary=AWKWARD,
        )
    )
    existing.value, existing.commentary = Decimal("10.25"), AWKWARD
    write_with_history(IndicatorValue, new, [existing], ["value", "commentary"], user, "Imported from x.csv")

    stored = {(v.indicator.code, v.period.label): v for v in IndicatorValue.objects.select_related("indicator")}
    assert stored["A2", "Q1 2022/23"].value == 1 and stored["A2", "Q2 2022/23"].value == 2
    assert stored["A1", "Q2 2022/23"].commentary == AWKWARD and stored["A1", "Q2 2022/23"].value is None
    assert stored["A1", "Q1 2022/23"].value == Decimal("10.25") and stored["A1", "Q1 2022/23"].commentary == AWKWARD
    assert stored["A1", "Q1 2022/23"].updated >= stored["A1", "Q1 2022/23"].created

    for value in stored.values():
        latest = value.history.first()
        assert latest.history_change_reason == "Imported from x.csv" and latest.history_user == user
        assert latest.value == value.value and latest.commentary == value.commentary
    assert existing.history.count() == before + 1
    assert stored["A1", "Q1 2022/23"].history.first().history_type == "~"
    assert stored["A2", "Q1 2022/23"].history.count() == 1
    assert stored["A2", "Q1 2022/23"].history.first().history_type == "+"


def test_new_rows_can_be_saved_normally_afterwards():
    """Ids taken in bulk must leave the table's sequence ahead of them."""
    service = make_service()
    indicator = make_indicator(service, code="A1")
    row = IndicatorValue(indicator=indicator, period=Period.parse("Q1 2022/23"), value=Decimal(1))
    write_with_history(IndicatorValue, [row], [], [], None, "Imported")
    later = make_value(indicator, "Q2 2022/23", 2)
    assert later.pk != row.pk and IndicatorValue.objects.count() == 2
