from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import ActionUpdate, IndicatorValue, Risk, Role
from indicators.periods import Period
from tests.factories import make_action, make_indicator, make_plan, make_service, make_update, make_user, make_value

pytestmark = pytest.mark.django_db


def test_period_field_round_trips_and_sorts():
    indicator = make_indicator()
    for label in ["Q3 2022/23", "Q1 2022/23", "Q4 2021/22", "Q2 2022/23"]:
        make_value(indicator, label, 1)
    periods = list(
        IndicatorValue.objects.filter(indicator=indicator).order_by("period").values_list("period", flat=True)
    )
    assert periods == [Period.parse(p) for p in ["Q4 2021/22", "Q1 2022/23", "Q2 2022/23", "Q3 2022/23"]]
    assert IndicatorValue.objects.filter(period="Q2 2022/23").count() == 1  # labels work in look-ups too


def test_one_value_per_indicator_and_period():
    indicator = make_indicator()
    make_value(indicator, "Q2 2022/23", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(indicator, "Q2 2022/23", 2)


def test_value_or_not_available_is_enforced_by_the_database():
    indicator = make_indicator()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(indicator=indicator, period=Period.parse("Q1 2022/23"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, period=Period.parse("Q1 2022/23"), value=Decimal(1), not_available=True
        )


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"value": None}, "value"),
        ({"value": Decimal(1), "not_available": True, "not_available_reason": "x"}, "value"),
        ({"value": None, "not_available": True}, "not_available_reason"),
        ({"value": Decimal(1), "denominator": Decimal(0)}, "denominator"),
    ],
)
def test_value_validation_messages(fields, error_field):
    value = IndicatorValue(indicator=make_indicator(), period=Period.parse("Q1 2022/23"), **fields)
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert error_field in error.value.message_dict


def test_progress_over_100_is_rejected():
    update = ActionUpdate(action=make_action(make_plan()), period=Period.parse("Q1 2022/23"), progress=120)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "progress" in error.value.message_dict


def test_cancelling_needs_a_reason():
    update = ActionUpdate(
        action=make_action(make_plan()), period=Period.parse("Q1 2022/23"), progress=10, set_status="cancelled"
    )
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "status_reason" in error.value.message_dict


def test_action_group_must_be_in_the_same_plan():
    group = make_action(make_plan())
    action = make_action(make_plan(), parent=group)
    with pytest.raises(ValidationError):
        action.full_clean()


def test_approver_role_needs_a_service():
    with pytest.raises(ValidationError):
        Role(user=make_user("someone"), kind=Role.Kind.APPROVER).full_clean()


def test_risk_score_and_limits():
    risk = Risk(service=make_service(), reference="R1", title="Risk", likelihood=4, impact=5, target_score=6)
    assert risk.score == 20
    risk.likelihood = 6
    with pytest.raises(ValidationError):
        risk.full_clean()


def test_audit_history_keeps_who_when_and_old_and_new_values():
    officer = make_user("officer")
    update = make_update(make_action(make_plan()), "Q2 2022/23", 40, narrative="First")
    update._history_user = officer
    update.progress = 55
    update.save()
    latest, first = update.history.all()[:2]
    assert latest.history_user == officer
    assert latest.history_date is not None
    delta = latest.diff_against(first)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes == {"progress": (40, 55)}
