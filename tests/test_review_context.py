"""Review with context (issue 18, item 2): each queue row shows what the approver needs to judge it,
a fall in progress is flagged (to the officer before submitting too), and several entries are
approved together, each through `workflow.review_entry` with every rule applied."""

import datetime as dt

import pytest
from django.urls import reverse

from indicators.models import ActionUpdate, IndicatorValue, ReviewState, Role, WorkflowSettings
from indicators.periods import Period
from indicators.status import PROGRESS_FALL_FLAG, progress_fall
from indicators.workflow import review_entry
from reports.review_queue import build_review_queue
from tests.factories import (
    make_action,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_update,
    make_user,
    make_value,
    personas,
)

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, title="Service plan")
    action = make_action(plan, code="STRAT1.1", assigned_to=people["officer"], due_date=dt.date(2023, 3, 31))
    indicator = make_indicator(
        service, plan=plan, code="KIN1", owner=people["officer"], unit="%", decimal_places=1, polarity="higher"
    )
    make_round("Q1 2022/23", locked=True)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    make_update(action, "Q1 2022/23", 83)
    make_target(indicator, "Q2 2022/23", 30, tolerance=5)
    make_value(indicator, "Q1 2022/23", 28)
    make_value(indicator, "Q2 2021/22", 25)
    submitted = {"state": ReviewState.SUBMITTED, "submitted_by": people["officer"], "author": people["officer"]}
    update = make_update(action, "Q2 2022/23", 30, narrative="<p>Two carers withdrew.</p>", **submitted)
    value = make_value(indicator, "Q2 2022/23", 27, **submitted)
    return {**people, "service": service, "plan": plan, "action": action, "indicator": indicator} | {
        "update": update,
        "value": value,
        "submitted": submitted,
    }


@pytest.mark.parametrize(
    ("previous", "new", "flag"),
    [(83, 30, 53), (50, 30, PROGRESS_FALL_FLAG), (50, 31, None), (30, 83, None), (None, 30, None), (50, None, None)],
)
def test_a_fall_of_twenty_points_or_more_is_flagged(previous, new, flag):
    assert progress_fall(previous, new) == flag


def test_value_row_context(world):
    queue = build_review_queue(world["approver"])
    [row] = queue.values
    assert row.target.value == 30 and row.target.rule.tolerance == 5 and row.target_note == ""
    assert row.status.label == "Within tolerance"  # 27 against 30, within 5
    assert (row.previous_period.label, row.previous.value) == ("Q1 2022/23", 28)
    assert (row.last_year_period.label, row.last_year.value) == ("Q2 2021/22", 25)
    assert row.short_trend.label == "Sustained" and row.long_trend.label == "Improving"
    assert row.decision.can_approve


def test_action_row_context(world):
    [row] = build_review_queue(world["approver"]).updates
    assert row.previous.progress == 83 and row.previous.period.label == "Q1 2022/23"
    assert row.fall == 53
    assert row.status.label == "Check progress"  # 30% half way through: behind


def test_page_shows_the_context_and_links(client, world):
    client.force_login(world["approver"])
    page = client.get(reverse("review_queue")).content.decode()
    for text in (
        "27.0%",  # the figure with its unit
        "Target</dt><dd>30.0%",
        "Tolerance</dt><dd>5.0 points",  # an absolute band on a percentage: not 5% of the target
        "Within tolerance",
        "Previous period (Q1 2022/23)</dt><dd>28.0%",
        "Same period last year (Q2 2021/22)</dt><dd>25.0%",
        "Progress fell by 53 points</strong>, from 83% to 30%",
        "Previous approved (Q1 2022/23)",
        "31 Mar 2023",
        "Check progress",
        reverse("reports:action", args=[world["action"].pk]),
        reverse("reports:indicator", args=[world["indicator"].pk]),
        f'value="action:{world["update"].pk}:{world["update"].version}"',
        "Approve selected",
    ):
        assert text in page, text


def test_queue_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["approver"])
    with django_assert_max_num_queries(14) as first:
        client.get(reverse("review_queue"))
    for _ in range(5):
        action = make_action(world["plan"], assigned_to=world["officer"])
        make_update(action, "Q1 2022/23", 60)
        make_update(action, "Q2 2022/23", 70, **world["submitted"])
        indicator = make_indicator(world["service"], plan=world["plan"], owner=world["officer"])
        make_target(indicator, "Q2 2022/23", 10)
        make_value(indicator, "Q1 2022/23", 9)
        make_value(indicator, "Q2 2022/23", 11, **world["submitted"])
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(reverse("review_queue")).content.decode()
    assert page.count('name="entry"') == 12


def test_queue_for_one_service(client, world):
    other = make_service("Housing")
    indicator = make_indicator(other, code="HOU1")
    make_value(indicator, "Q2 2022/23", 5, state=ReviewState.SUBMITTED)
    client.force_login(world["admin"])
    assert "HOU1" in client.get(reverse("review_queue")).content.decode()
    page = client.get(reverse("review_queue"), {"service": world["service"].pk}).content.decode()
    assert "HOU1" not in page and "KIN1" in page and "Updates to review: Children&#39;s services" in page


def _approve(client, *entries, **extra):
    tokens = [f"{kind}:{entry.pk}:{entry.version}" for kind, entry in entries]
    return client.post(reverse("approve_selected"), {"entry": tokens, **extra}, follow=True)


def test_approve_several_together(client, world):
    client.force_login(world["approver"])
    page = _approve(client, ("action", world["update"]), ("indicator", world["value"])).content.decode()
    assert "Approved 2: STRAT1.1 Q2 2022/23, KIN1 Q2 2022/23." in page
    assert ActionUpdate.objects.get(pk=world["update"].pk).state == ReviewState.APPROVED
    value = IndicatorValue.objects.get(pk=world["value"].pk)
    assert value.state == ReviewState.APPROVED and value.reviewed_by == world["approver"]
    assert value.history.first().history_change_reason == "Approved"


def test_each_rule_applies_and_refusals_are_reported(client, world):
    """An entry in a locked round and the approver's own entry are refused, with why; the rest pass."""
    own = {"state": ReviewState.SUBMITTED, "submitted_by": world["approver"], "author": world["approver"]}
    own_update = make_update(make_action(world["plan"], code="OWN1"), "Q2 2022/23", 40, **own)
    locked = make_value(make_indicator(world["service"], code="OLD1"), "Q1 2022/23", 3, **world["submitted"])
    stale = world["value"]
    stale_version = stale.version
    IndicatorValue.objects.filter(pk=stale.pk).update(version=stale_version + 1)  # changed meanwhile
    client.force_login(world["approver"])
    page = _approve(
        client, ("action", world["update"]), ("action", own_update), ("indicator", locked), ("indicator", stale)
    ).content.decode()
    assert "Approved 1: STRAT1.1 Q2 2022/23." in page
    assert "Not approved (3)" in page
    assert "OWN1 Q2 2022/23: You submitted or wrote this update, so someone else must approve it" in page
    assert "OLD1 Q1 2022/23: Q1 2022/23 was locked by the performance team" in page
    assert "KIN1 Q2 2022/23: changed while you were looking at it" in page
    assert ActionUpdate.objects.get(pk=own_update.pk).state == ReviewState.SUBMITTED
    assert IndicatorValue.objects.get(pk=locked.pk).state == ReviewState.SUBMITTED
    # Once the council allows it, the approver's own entry goes through too.
    WorkflowSettings.objects.create(pk=1, allow_self_approval=True)
    own_update.refresh_from_db()
    assert "Approved 1: OWN1" in _approve(client, ("action", own_update)).content.decode()


def test_another_services_entry_and_people_who_do_not_review(client, world):
    foreign = make_value(make_indicator(make_service(), code="FOR1"), "Q2 2022/23", 1, state=ReviewState.SUBMITTED)
    client.force_login(world["approver"])
    page = _approve(client, ("indicator", foreign), ("indicator", world["value"])).content.decode()
    assert "Approved 1: KIN1" in page and "You cannot review updates for this service" in page
    assert IndicatorValue.objects.get(pk=foreign.pk).state == ReviewState.SUBMITTED
    assert "Tick the updates to approve first" in _approve(client).content.decode()
    for name in ("officer", "member"):
        client.force_login(world[name])
        assert (
            client.post(reverse("approve_selected"), {"entry": [f"action:{world['update'].pk}:1"]}).status_code == 403
        )


def test_the_officer_sees_a_fall_before_it_is_submitted(client, world):
    action = world["action"]
    ActionUpdate.objects.filter(pk=world["update"].pk).delete()
    client.force_login(world["officer"])
    url = reverse("action_update", args=[Q2.slug, action.pk])
    data = {"progress": "30", "narrative": "Two carers withdrew.", "version": "0", "submit": "1"}
    page = client.post(url, data).content.decode()
    assert "Progress falls by 53 points</strong>, from 83% in the last approved update (Q1 2022/23) to 30%" in page
    assert "Not submitted yet" in page and 'name="confirm_fall" value="30"' in page
    assert 'value="30"' in page and "Two carers withdrew." in page  # what was typed is kept
    assert not ActionUpdate.objects.filter(action=action, period=Q2).exists()
    # A different figure is checked again; confirming the same one submits it.
    client.post(url, data | {"progress": "40", "confirm_fall": "30"})
    assert not ActionUpdate.objects.filter(action=action, period=Q2).exists()
    client.post(url, data | {"confirm_fall": "30"})
    assert ActionUpdate.objects.get(action=action, period=Q2).state == ReviewState.SUBMITTED


def test_a_draft_with_a_fall_is_saved_and_flagged_on_the_form(client, world):
    action = world["action"]
    ActionUpdate.objects.filter(pk=world["update"].pk).delete()
    client.force_login(world["officer"])
    url = reverse("action_update", args=[Q2.slug, action.pk])
    client.post(url, {"progress": "30", "narrative": "Two carers withdrew.", "version": "0", "save": "1"})
    draft = ActionUpdate.objects.get(action=action, period=Q2)
    assert draft.state == ReviewState.DRAFT
    page = client.get(url).content.decode()
    assert "Progress falls by 53 points" in page and "The approver will see it flagged" in page
    # A smaller dip is submitted straight away.
    data = {"progress": "70", "narrative": "A small dip.", "version": str(draft.version), "submit": "1"}
    client.post(url, data)
    assert ActionUpdate.objects.get(action=action, period=Q2).state == ReviewState.SUBMITTED


def test_the_builder_alone_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    approver = world["approver"]
    with django_assert_num_queries(11):  # the user's roles and the chosen service included
        build_review_queue(approver, world["service"].pk)


def test_a_value_without_its_own_target_is_judged_against_the_years(client, world):
    indicator = make_indicator(world["service"], code="YR1", unit="%", polarity="higher")
    make_target(indicator, "2022/23", 50, tolerance=10)
    make_value(indicator, "Q2 2022/23", 45, **world["submitted"])
    [row] = [r for r in build_review_queue(world["approver"]).values if r.entry.indicator == indicator]
    assert row.target.value == 50 and row.target_note == "against the 2022/23 target"
    assert row.status.label == "Within tolerance"
    client.force_login(world["approver"])
    assert "against the 2022/23 target" in client.get(reverse("review_queue")).content.decode()


def test_a_return_on_an_entry_decided_meanwhile_says_what_happened_and_keeps_the_comment(client, world):
    """Two approvers, or two tabs: the second's return comment was lost, with only "changed"."""
    value = world["value"]
    seen = value.version
    other = make_user("sam", Role.Kind.APPROVER, world["service"], first_name="Sam", last_name="Reid")
    review_entry(value, seen, other, approve=True)
    client.force_login(world["approver"])
    comment = "The figure looks low against the Q1 return: please check the denominator."
    page = client.post(
        reverse("review_value", args=[value.pk]),
        {"decision": "return", "version": str(seen), "comment": comment},
        follow=True,
    ).content.decode()
    assert "KIN1 Q2 2022/23 was changed while you were looking at it: it was approved by Sam Reid at" in page
    assert f"Your comment was not sent: “{comment}”" in page
    value.refresh_from_db()
    assert (value.state, value.reviewed_by) == (ReviewState.APPROVED, other)
