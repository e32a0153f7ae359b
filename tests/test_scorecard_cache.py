"""The scorecard cache (`reports/scorecards/cache.py`, `page.py`): pages assembled from blocks
cached per plan, each rebuilt only when its own plan's data (or something every page shows)
changes, and never a stale figure after any kind of write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.bulk import write_with_history
from indicators.models import ActionUpdate, Committee, IndicatorValue, Plan, ReportingRound, ReviewState, StatusWording
from indicators.periods import Period
from indicators.versions import versions
from reports.scorecards import page
from reports.scorecards.build import build_scorecard
from reports.scorecards.filters import Filters
from reports.scorecards.scope import committee_scope, council_scope
from tests.factories import make_user

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def demo(demo_db):
    return Committee.objects.get(slug="ecod")


class Builds(list):
    """The plans of each block build, and the plans of the indicators it read."""

    def __init__(self) -> None:
        super().__init__()
        self.indicator_plans: list[set[int | None]] = []


@pytest.fixture
def builds(monkeypatch):
    """The plans of each block build, in order (a build with no plans rebuilt only the indicators
    in no plan)."""
    found = Builds()
    real = page.build_blocks

    def spy(scope, plans, *args, **kwargs):
        found.append(sorted(plan.code for plan in plans))
        found.indicator_plans.append({indicator.plan_id for indicator in scope.indicators})
        return real(scope, plans, *args, **kwargs)

    monkeypatch.setattr(page, "build_blocks", spy)
    return found


def whole(scope, period=Q2, filters=None) -> str:
    """The page body built and rendered in one piece, with no cache."""
    card = build_scorecard(scope, period, filters, with_revisions=True)
    return render_to_string(page.BODY, page.body_context(card))


def cached(scope, period=Q2, filters=None) -> str:
    return page.scorecard_page(scope, period, filters or Filters()).body.decode()


@pytest.mark.parametrize("filters", [Filters(), Filters(statuses=frozenset({"red", "amber"}))])
def test_a_page_from_blocks_is_the_page_built_whole(demo, filters):
    for scope in (council_scope(), committee_scope(demo)):
        assert cached(scope, filters=filters) == whole(scope, filters=filters)


def test_a_change_to_one_plan_rebuilds_only_that_plans_block(demo, builds):
    scope = council_scope()
    cached(scope)
    assert len(builds) == 1 and len(builds[0]) == Plan.objects.count()
    cached(scope)
    assert len(builds) == 1  # served whole from the cache

    value = IndicatorValue.objects.filter(period=Q2, indicator__plan__isnull=False).select_related("indicator").first()
    value.value += 1
    value.save()
    assert cached(scope) == whole(scope)
    assert builds[1] == [value.indicator.plan.code]
    # Only that plan's indicators were read: the block of indicators in no plan stood too.
    assert builds.indicator_plans[1] == {value.indicator.plan_id}

    update = ActionUpdate.objects.approved().select_related("action__plan").first()
    update.progress = (update.progress or 0) // 2
    update.save()
    assert cached(scope) == whole(scope)
    assert builds[2] == [update.action.plan.code]


FILTERS = [
    Filters(statuses=frozenset({"red", "amber"})),
    Filters(statuses=frozenset({"completed"}), query="e"),
    Filters(query="zzzz"),
]


def test_a_filtered_page_filters_the_rows_another_page_built(demo, builds, django_assert_max_num_queries):
    scope = council_scope()
    cached(scope)
    owner = IndicatorValue.objects.filter(period=Q2).exclude(indicator__owner=None).first().indicator.owner_id
    for filters in [*FILTERS, Filters(owner=owner)]:
        # The data versions, the plans and the period picker's: no rows read again.
        with django_assert_max_num_queries(6):
            body = cached(scope, filters=filters)
        assert body == whole(scope, filters=filters)
    assert len(builds) == 1


def test_a_filtered_page_shows_a_change_to_one_plan(demo, builds, django_assert_max_num_queries):
    scope = council_scope()
    value = IndicatorValue.objects.filter(period=Q2, indicator__plan__isnull=False).select_related("indicator").first()
    only = Filters(query=value.indicator.code)
    cached(scope)
    before = cached(scope, filters=only)
    assert len(builds) == 1

    value.value = Decimal("4321.5")
    value.save()
    with django_assert_max_num_queries(30):
        after = cached(scope, filters=only)
    assert after == whole(scope, filters=only) != before
    assert builds[1] == [value.indicator.plan.code]
    for filters in FILTERS:  # the block built for the filtered page serves the others
        assert cached(scope, filters=filters) == whole(scope, filters=filters)
    assert cached(scope) == whole(scope) and len(builds) == 2


def test_what_every_page_shows_rebuilds_every_block(demo, builds):
    scope = council_scope()
    cached(scope)
    wording = StatusWording.objects.get(code="red") if StatusWording.objects.filter(code="red").exists() else None
    if wording is None:
        StatusWording.objects.create(code="red", label="Off track")
    else:
        wording.label = "Off track"
        wording.save()
    body = cached(scope)
    assert "Off track" in body and body == whole(scope)
    assert len(builds[-1]) == Plan.objects.count()


def _value(demo) -> IndicatorValue:
    return IndicatorValue.objects.filter(period=Q2, indicator__service__committees=demo, value__isnull=False).first()


def _form_save(demo):
    value = _value(demo)
    value.value = Decimal("987.6")
    value.save()


def _approval(demo):
    value = _value(demo)
    value.state = "submitted"
    value.save()


def _import(demo):
    value = _value(demo)
    value.value = Decimal("123.4")
    write_with_history(IndicatorValue, [], [value], ["value"], None, "Imported")


def _delete(demo):
    _value(demo).delete()


def _admin(client, demo):
    client.force_login(make_user("perf", "performance", is_staff=True, is_superuser=True))
    value = _value(demo)
    url = f"/admin/indicators/indicatorvalue/{value.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"value": "55.5", "period": value.period.label, "correction_reason": "The published figure was wrong"})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def _round(demo):
    """A round locked, or reopened: the period picker marks the open ones."""
    reporting_round = ReportingRound.objects.order_by("-period").first()
    reporting_round.locked_at = None if reporting_round.locked_at else timezone.now()
    reporting_round.save()


@pytest.mark.parametrize("write", [_form_save, _approval, _import, _delete, _round])
def test_no_stale_figure_after_any_kind_of_write(demo, write):
    scopes = [council_scope(), committee_scope(demo)]
    for scope in scopes:
        cached(scope)
        cached(scope, None)
    before = versions(["all"])
    write(demo)
    for scope in scopes:
        assert cached(scope) == whole(scope)
        assert cached(scope, None) == whole(scope, None)
    assert write is not _round or versions(["all"]) != before


def test_no_stale_figure_after_an_admin_correction(client, demo):
    """The admin change form, correcting a figure of a locked (issued) period with a reason."""
    scope = committee_scope(demo)
    before = cached(scope)
    value = _value(demo)
    _admin(client, demo)
    value.refresh_from_db()
    assert value.value == Decimal("55.5")
    assert cached(scope) == whole(scope) != before


def test_the_indicator_page_is_cached_on_its_own_data(client, demo, monkeypatch):
    from django.urls import reverse

    from reports.scorecards import views

    builds = []
    real = views._indicator_data
    monkeypatch.setattr(views, "_indicator_data", lambda pk: builds.append(pk) or real(pk))
    client.force_login(make_user("cllr", "member"))
    value = _value(demo)
    url = reverse("reports:indicator", args=[value.indicator_id])
    assert client.get(url).status_code == 200
    client.get(url)
    assert builds == [value.indicator_id]

    other = IndicatorValue.objects.exclude(indicator=value.indicator).filter(value__isnull=False).first()
    other.value += 1
    other.save()
    client.get(url)
    assert len(builds) == 1  # another indicator's change leaves this page's data cached

    value.value = Decimal("4321")
    value.save()
    assert "4,321" in client.get(url).content.decode()
    assert len(builds) == 2

    value.value = Decimal("1234")
    write_with_history(IndicatorValue, [], [value], ["value"], None, "Imported")
    assert "1,234" in client.get(url).content.decode()


def test_latest_updates_picks_each_actions_latest_by_period_dates():
    """`progress.latest_updates`: for each period, each action's update whose period ends latest
    by then (then starts latest, then was written last), across cycles of different lengths."""
    from indicators.progress import latest_updates
    from tests.factories import make_action, make_plan, make_update

    plan = make_plan(first_year=2021, last_year=2024)
    first, second, third = make_action(plan), make_action(plan), make_action(plan)
    for action, period, progress in [
        (first, "Q1 2022/23", 10),
        (first, "H1 2022/23", 20),  # ends with Q2, starts earlier than Q2
        (first, "Q2 2022/23", 30),
        (first, "2022/23", 40),
        (second, "Sep 2022", 15),
        (second, "Q3 2021/22", 5),
        (third, "Q4 2022/23", 99),
    ]:
        make_update(action, period, progress)
    periods = [Period.parse(text) for text in ("Q1 2022/23", "Q2 2022/23", "Q3 2022/23", "2022/23", "Q4 2021/22")]
    found = latest_updates(periods, action__plan=plan)
    progress = [{action_id: update.progress for action_id, update in best.items()} for best in found]
    assert progress == [
        {first.id: 10, second.id: 5},
        {first.id: 30, second.id: 15},
        {first.id: 30, second.id: 15},
        {first.id: 40, second.id: 15, third.id: 99},
        {second.id: 5},
    ]


def test_stored_periods_ordered_by_their_end_in_sql_as_in_python():
    """`fields.period_end_order` (SQL, for choosing by period end in the database) gives what
    `fields.end_order` gives for the period, for every frequency."""
    from indicators.fields import end_order, period_end_order
    from tests.factories import make_action, make_plan, make_update

    action = make_action(make_plan(first_year=2021, last_year=2024))
    for text in ("Apr 2022", "Mar 2023", "Q1 2022/23", "Q4 2022/23", "H1 2022/23", "H2 2022/23", "2022/23", "2099/00"):
        make_update(action, text, 1)
    found = ActionUpdate.objects.annotate(order=period_end_order("period"))
    assert {(u.period, u.order) for u in found} == {(u.period, end_order(u.period)) for u in found}
    # By their end, then the longer first: of periods ending together, the shortest started last.
    assert [u.period.label for u in sorted(found.filter(action=action), key=lambda u: u.order)] == [
        "Apr 2022",
        "Q1 2022/23",
        "H1 2022/23",
        "2022/23",
        "H2 2022/23",
        "Q4 2022/23",
        "Mar 2023",
        "2099/00",
    ]


def test_latest_updates_agree_with_choosing_by_hand():
    """Each action's latest approved update by each period's end, as the database chooses it, is
    the one chosen by hand from every update (random updates of every frequency, some not
    approved; periods asked for more than once)."""
    import random

    from indicators.periods import Frequency
    from indicators.progress import latest_updates
    from tests.factories import make_action, make_plan, make_update

    rng = random.Random(7)  # noqa: S311 - repeatable test data
    plan = make_plan(first_year=2021, last_year=2024)
    actions = [make_action(plan) for _ in range(6)]
    periods = []
    for year in (2021, 2022, 2023):
        periods.append(Period.financial_year(year))
        for frequency in (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY):
            period = Period.containing(Period.financial_year(year).start, frequency)
            while period.start <= Period.financial_year(year).end:
                periods.append(period)
                period = period.next()
    made, seen = [], set()
    for _ in range(400):
        action, period = rng.choice(actions), rng.choice(periods)
        if (action.id, period) not in seen:
            seen.add((action.id, period))
            state = rng.choice([ReviewState.APPROVED, ReviewState.APPROVED, ReviewState.SUBMITTED])
            made.append(make_update(action, period.label, rng.randint(0, 100), state=state))
    asked = [*rng.sample(periods, 40), *periods[:3]]
    found = latest_updates(asked, updates=ActionUpdate.objects.approved(), action__plan=plan)
    for period, chosen in zip(asked, found, strict=True):
        by_hand: dict[int, ActionUpdate] = {}
        for update in made:
            if update.state == ReviewState.APPROVED and update.period.end <= period.end:
                best = by_hand.get(update.action_id)
                key = (update.period.end, update.period.start, update.id)
                if best is None or key > (best.period.end, best.period.start, best.id):
                    by_hand[update.action_id] = update
        assert {a: u.id for a, u in by_hand.items()} == {a: u.id for a, u in chosen.items()}, period


def test_latest_updates_for_more_periods_than_one_query_takes():
    from indicators.progress import PERIODS_PER_QUERY, latest_updates
    from tests.factories import make_action, make_plan, make_update

    plan = make_plan(first_year=2021, last_year=2024)
    make_update(make_action(plan), "Q1 2022/23", 1)
    months = [Period.parse("Apr 2022")]
    while len(months) <= PERIODS_PER_QUERY:
        months.append(months[-1].next())
    found = latest_updates([*months, *months], action__plan=plan)
    assert len(found) == 2 * len(months)
    assert [len(f) for f in found] == [0, 0] + [1] * (len(months) - 2) + [0, 0] + [1] * (len(months) - 2)


def test_leaf_statuses_are_those_of_the_plans_progress_leaves():
    """A year back the scorecard counts only the leaves' statuses (`progress.leaf_statuses`): the
    same statuses as the whole plan's progress gives its leaves, on random plans with groups
    several deep, actions whose group is not in the plan, and updates of every kind."""
    import random
    from types import SimpleNamespace

    from indicators.progress import LatestUpdate, leaf_statuses, plan_progress
    from reports.scorecards.load import ActionFacts

    rng = random.Random(7)  # noqa: S311 - test data
    period = Period.parse("Q2 2022/23")
    plan = SimpleNamespace(start_date=dt.date(2021, 4, 1))
    seen = {"groups": 0, "outside the plan": 0, "leaves": 0}
    for _ in range(40):
        size = rng.randint(1, 40)
        actions: list[ActionFacts] = []
        for n in range(1, size + 1):
            parent = rng.choice([None, rng.randint(1, size + 5), rng.randint(1, size + 5)])
            due = rng.choice([None, dt.date(2022, 6, 30), dt.date(2023, 3, 31), dt.date(2021, 12, 31)])
            actions.append(ActionFacts(n, 1, None, parent, f"A{n}", "", None, "", None, due,
                                       rng.choice([None, 5]), Decimal(1)))  # fmt: skip
        latest = {
            a.id: LatestUpdate(
                a.id,
                a.id,
                rng.choice([period, period.previous(), Period.parse("Q4 2021/22")]),
                rng.choice([None, 0, 30, 60, 100]),
                rng.choice(["", "cancelled"]),
                "",
                None,
                "",
            )  # fmt: skip
            for a in actions
            if rng.random() < 0.7
        }
        progress = plan_progress(plan, period, actions, latest)
        leaves = progress.leaf_actions()
        assert sorted(leaf_statuses(plan, period, actions, latest)) == sorted(node.status for node in leaves)
        seen["groups"] += sum(node.is_group for node in progress.all_actions())
        seen["outside the plan"] += len(actions) - len(progress.all_actions())
        seen["leaves"] += len(leaves)
    assert min(seen.values()) > 20, seen


def test_no_stale_revised_mark_after_a_report_is_issued_or_withdrawn(demo):
    """Issuing a report freezes its figures and withdrawing it drops them: the "revised since"
    marks of every cached scorecard follow at once."""
    from reports.models import CommitteeReport
    from tests.factories import make_performance_user
    from tests.test_corrections import issue_quickly

    scope = committee_scope(demo)
    cached(scope)
    report = CommitteeReport.objects.create(
        title="Quarter 2 performance", committee=demo, meeting_date=dt.date(2022, 12, 7), period=Q2
    )
    lead = make_performance_user("perf-lead")
    issued = issue_quickly(report, lead)
    assert cached(scope) == whole(scope)

    value = _value(demo)
    value.value += 5
    value.save()
    marked = cached(scope)
    assert marked == whole(scope) and "Revised since the report of" in marked

    issued.withdraw(lead, "Issued with the wrong appendix")
    unmarked = cached(scope)
    assert unmarked == whole(scope) and "Revised since the report of" not in unmarked


def test_versions_move_on_every_write_and_never_back():
    """`indicators.versions`: each bump moves a counter on, to at least the time in milliseconds
    (so a reset database never reuses a cached page's numbers); thousands of keys at once."""
    import time

    from indicators.versions import bump

    keys = [f"indicator:{n}" for n in range(1, 1001)]
    bump(keys)
    first = versions(keys)
    assert all(value >= time.time_ns() // 1_000_000 - 60_000 for value in first.values())
    bump(keys[:1])
    second = versions(keys[:2])
    assert second[keys[0]] > first[keys[0]] and second[keys[1]] == first[keys[1]]
    assert versions(["never-written"]) == {"never-written": 0}


def test_versions_moved_together_lock_their_rows_once_in_one_order(django_assert_num_queries):
    """An import moves versions once, at its end, in sorted order (`versions.moved_together`):
    two imports moving the same plans' counters in different orders could otherwise deadlock."""
    from indicators.versions import bump, moved_together

    before = versions(["plan:1", "plan:2"])
    with django_assert_num_queries(1), moved_together():
        bump(["plan:2"])
        with moved_together():  # nested: still once, at the outer end
            bump(["plan:1", "plan:2"])
    after = versions(["plan:1", "plan:2"])
    assert all(after[key] > before[key] for key in after)


def test_an_owners_new_name_shows_at_once_and_signing_in_keeps_the_cache(demo):
    from django.contrib.auth.models import update_last_login

    scope = council_scope()
    body = cached(scope)
    owner = ActionUpdate.objects.filter(action__assigned_to__isnull=False).first().action.assigned_to
    old_name = f"{owner.first_name} {owner.last_name}".strip()
    assert old_name and old_name in body
    before = versions(["all"])
    update_last_login(None, owner)  # what signing in saves: last_login only
    assert versions(["all"]) == before
    owner.last_name = "Renamed-Person"
    owner.save(update_fields=["last_name"])
    assert versions(["all"]) != before
    body = cached(scope)
    assert "Renamed-Person" in body and body == whole(scope)


def test_an_entry_moved_to_another_plan_rebuilds_both_plans(demo, builds):
    """An update moved to an action of another plan (the admin allows it) leaves neither plan's
    block stale."""
    scope = council_scope()
    cached(scope)
    update = ActionUpdate.objects.approved().select_related("action__plan").first()
    elsewhere = (
        update.action.__class__.objects.exclude(plan=update.action.plan)
        .exclude(updates__period=update.period)
        .filter(parent__isnull=False)
        .first()
    )
    before = update.action.plan.code
    update.action = elsewhere
    update.save()
    assert cached(scope) == whole(scope)
    assert builds[-1] == sorted({before, elsewhere.plan.code})


def test_a_page_is_the_same_from_this_process_the_shared_cache_or_a_build(demo):
    from reports.scorecards.cache import forget_recent

    scope = committee_scope(demo)
    built = cached(scope)
    assert cached(scope) == built  # kept by this process
    forget_recent()
    assert cached(scope) == built == whole(scope)  # another worker: from the shared cache's blocks


def test_a_browser_accepting_gzip_gets_the_same_page_compressed(client, demo):
    import gzip

    from django.urls import reverse

    client.force_login(make_user("cllr", "member"))
    url = reverse("reports:committee_scorecard", args=[demo.slug])
    plain = client.get(url, {"period": Q2.key})
    packed = client.get(url, {"period": Q2.key}, HTTP_ACCEPT_ENCODING="deflate, gzip;q=1.0")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    main = lambda page: page[page.index(b"<main") :]  # noqa: E731 - the header carries a per-request CSRF token
    assert main(gzip.decompress(packed.content)) == main(plain.content)
    assert len(packed.content) < len(plain.content) / 3


def test_a_worker_keeps_what_it_served_within_its_bytes_and_the_caches_timeout(monkeypatch):
    from reports.scorecards import cache

    monkeypatch.setattr(cache, "RECENT_BYTES", 100)
    cache.remember("a", "page a", 60)
    cache.remember("b", "page b", 30)
    assert cache.recall("a") == "page a"  # now the most recently used
    cache.remember("c", "page c", 30)
    assert (cache.recall("a"), cache.recall("b"), cache.recall("c")) == ("page a", None, "page c")
    monkeypatch.setattr(cache, "TIMEOUT", -1)
    assert cache.recall("a") is None


def test_deleting_an_owner_moves_every_version():
    """Their actions and measures lose their owner by an SQL update (SET_NULL): no history row,
    so only the user's own delete can tell the caches that the name has gone."""
    from tests.factories import make_user

    person = make_user("leaving")
    before = versions(["all"])
    person.delete()
    assert versions(["all"]) != before
