"""Issuing a committee report that a council can defend: the readiness check, an explicit
confirmation, one version per confirmation, scope within the committee, definitions frozen at issue,
the history's revert closed, withdrawal once, the PDF checked on every download, draft PDFs."""

import datetime as dt
import io
import json
import logging
import threading
import uuid

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin_history import RevertGuardMixin
from indicators.models import (
    Action,
    Committee,
    CorporatePriority,
    IndicatorValue,
    ReportingRound,
    ReviewState,
    Role,
    Target,
)
from indicators.periods import Period
from indicators.permissions import can_revert_history
from reports.committee import tasks
from reports.committee.readiness import build_readiness
from reports.models import CommitteeReport, IssuedReport, ReportRender
from tests.factories import (
    make_action,
    make_committee,
    make_indicator,
    make_performance_user,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_update,
    make_user,
    make_value,
    personas,
)
from tests.test_committee_reports import confirm_issue, confirmation_token

pytestmark = pytest.mark.django_db
Q2, Q3 = Period.parse("Q2 2022/23"), Period.parse("Q3 2022/23")


@pytest.fixture
def world():
    """A small council: one committee scrutinising one service with a plan, an action and a measure."""
    service = make_service("Housing")
    people = personas(service)
    committee = make_committee(service, name="Housing Committee")
    plan = make_plan(service, title="Housing plan")
    action = make_action(plan, code="H1", title="Build homes")
    make_update(action, "Q2 2022/23", 40)
    indicator = make_indicator(service, plan=plan, code="HPI1", title="Homes let", unit="%", decimal_places=1)
    make_target(indicator, "Q2 2022/23", 50, 5)
    make_value(indicator, "Q2 2022/23", 52)
    report = CommitteeReport.objects.create(
        title="Housing: Quarter 2", committee=committee, meeting_date=dt.date(2022, 11, 30), period=Q2
    )
    return {"service": service, "committee": committee, "plan": plan, "action": action, "indicator": indicator,
            "report": report, **people}  # fmt: skip


def issue_directly(report: CommitteeReport, user) -> IssuedReport:
    """Issue `report` as a confirmed issue does (readiness recorded), without the pages."""
    tasks.request_issue(report, user, uuid.uuid4(), build_readiness(report).record())
    return report.issues.latest("version")


# 1. Readiness ----------------------------------------------------------------------------------


def test_readiness_lists_every_kind_of_gap_on_the_demo_by_plan_and_code(client, django_assert_max_num_queries):
    # The demo is loaded here (and rolled back): its people would clash with the `world` fixture's.
    call_command("load_demo", force=True, stdout=io.StringIO())
    committee = Committee.objects.get(slug="ecod")
    report = CommitteeReport.objects.create(
        title="Quarter 3 performance", committee=committee, meeting_date=dt.date(2023, 2, 28), period=Q3
    )
    in_scope = Action.objects.filter(plan__service__in=committee.services.all(), parent__isnull=False)
    submitted = in_scope.order_by("code").first()
    make_update(submitted, "Q3 2022/23", 80, state=ReviewState.SUBMITTED)
    # An approved red figure with no exception report (an import from before the rule, say).
    target = Target.objects.filter(period=Q3, indicator__service__in=committee.services.all()).first()
    red = target.indicator
    IndicatorValue.objects.filter(indicator=red, period=Q3).delete()
    far = target.value - 10 * (target.tolerance + 1) if red.polarity == "higher" else target.value * 3 + 10
    make_value(red, "Q3 2022/23", far)

    checks = build_readiness(report)
    assert [gap.code for gap in checks.unapproved] == [submitted.code]
    assert checks.no_update and submitted.code not in {gap.code for gap in checks.no_update}
    assert "Submitted, waiting for a decision" in checks.unapproved[0].detail
    assert [gap.code for gap in checks.red_without_exception] == [red.code]
    assert checks.no_figure and red.code not in {gap.code for gap in checks.no_figure}
    assert all(gap.plan for gap in checks.no_figure)
    assert [(g.plan, g.code) for g in checks.no_figure] == sorted((g.plan, g.code) for g in checks.no_figure)
    assert checks.revised == [] and not checks.ready

    client.force_login(make_performance_user("perf-checker"))
    with django_assert_max_num_queries(40):
        page = client.get(reverse("reports:readiness", args=[report.pk])).content.decode()
    assert "Entries not yet approved (1)" in page and "Red measures without an exception report (1)" in page
    assert '<div class="notice" role="status">' in page  # outstanding: the warning's colours
    assert f"Measures with no figure ({len(checks.no_figure)})" in page
    assert submitted.code in page and red.code in page and checks.no_figure[0].code in page
    # The confirmation names the committee, the meeting and the period, and what is outstanding.
    assert "goes to Education, Children" in page or committee.name in page
    assert "for its meeting on 28 February 2023" in page and Q3.long_label in page
    assert f"with the {checks.total} outstanding points listed above" in page


def test_nothing_outstanding_is_shown_as_good_news(client, world):
    assert build_readiness(world["report"]).ready
    client.force_login(world["admin"])
    page = client.get(reverse("reports:readiness", args=[world["report"].pk])).content.decode()
    assert '<div class="notice all-clear" role="status">' in page and "Nothing outstanding." in page


def test_readiness_lists_figures_revised_since_the_previous_issue(client, world):
    admin_user, report = world["admin"], world["report"]
    first = issue_directly(report, admin_user)
    assert first.version == 1 and first.outstanding["summary"] == "Nothing outstanding"
    client.force_login(admin_user)
    page = client.get(reverse("reports:readiness", args=[report.pk])).content.decode()
    assert "No figure has changed since version 1 was issued" in page
    IndicatorValue.objects.filter(indicator=world["indicator"], period=Q2).update(value=38)
    checks = build_readiness(report)
    assert [gap.code for gap in checks.revised] == ["HPI1"]
    assert checks.revised[0].detail == "Value for Q2 2022/23: 52.0% in version 1, 38.0% now"
    assert checks.revised[0].plan == "Housing plan"
    assert [gap.code for gap in checks.red_without_exception] == ["HPI1"]
    page = client.get(reverse("reports:readiness", args=[report.pk])).content.decode()
    assert "No figure has changed since version" not in page


def test_readiness_reads_a_fixed_number_of_queries(world):
    report = world["report"]
    issue_directly(report, world["admin"])
    with CaptureQueriesContext(connection) as before:
        build_readiness(report)
    for i in range(8):
        make_update(make_action(world["plan"], code=f"N{i}"), "Q2 2022/23", 10, state=ReviewState.SUBMITTED)
        indicator = make_indicator(world["service"], plan=world["plan"], code=f"NPI{i}")
        make_target(indicator, "Q2 2022/23", 50, 1)
        if i % 2:
            make_value(indicator, "Q2 2022/23", 10, state=ReviewState.DRAFT)
        else:
            make_value(indicator, "Q2 2022/23", None, not_available=True, not_available_reason="Published in May")
    with CaptureQueriesContext(connection) as after:
        checks = build_readiness(report)
    assert len(checks.unapproved) == 12 and len(checks.no_figure) == 8
    assert len(after) == len(before)


def test_issue_needs_an_explicit_confirmation_and_keeps_what_was_outstanding(client, world):
    report, action = world["report"], world["action"]
    make_update(make_action(world["plan"], code="H2"), "Q2 2022/23", 10, state=ReviewState.RETURNED)
    client.force_login(world["admin"])
    token = confirmation_token(client, report)
    refused = client.post(reverse("reports:readiness", args=[report.pk]), {"confirmation": token})
    assert refused.status_code == 200 and "Tick the box to confirm the issue" in refused.content.decode()
    assert not IssuedReport.objects.exists()
    # The report page offers the check, not a one-click issue.
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert 'name="issue"' not in page and reverse("reports:readiness", args=[report.pk]) in page

    response = confirm_issue(client, report, token)
    assert response.status_code == 302
    issued = IssuedReport.objects.get(report=report)
    assert issued.version == 1 and issued.outstanding["total"] == 1
    assert issued.outstanding["unapproved"][0]["code"] == "H2"
    assert issued.outstanding["summary"] == "1 entry not yet approved"
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert "1 entry not yet approved" in page and action.code  # the record states it


# 2. One version per confirmation ----------------------------------------------------------------


def test_the_same_confirmation_posted_twice_issues_one_version(client, world):
    report = world["report"]
    client.force_login(world["admin"])
    token = confirmation_token(client, report)
    confirm_issue(client, report, token)
    again = confirm_issue(client, report, token)
    assert again.status_code == 302
    assert IssuedReport.objects.filter(report=report).count() == 1
    followed = client.get(again.url).content.decode()
    assert "already been sent: the report was issued once, not twice" in followed
    # A new confirmation is a new version, numbered in order.
    confirm_issue(client, report)
    assert list(report.issues.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_the_database_refuses_a_second_issue_with_the_same_version(world):
    report = world["report"]
    IssuedReport.objects.create(report=report, version=1, data={}, pdf=b"%PDF one", page_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedReport.objects.create(report=report, version=1, data={}, pdf=b"%PDF two", page_count=1)
    render = ReportRender.objects.create(report=report, issue=True, confirmation=uuid.UUID(int=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRender.objects.create(report=report, issue=True, confirmation=render.confirmation)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_one_confirmation_give_one_version(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    report, admin_user = world["report"], world["admin"]
    token = str(uuid.uuid4())
    start = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        client = Client()
        client.force_login(admin_user)
        try:
            start.wait(timeout=30)
            response = client.post(
                reverse("reports:readiness", args=[report.pk]),
                {"confirmation": token, "issues_seen": 0, "confirm": "on"},
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert statuses == [302, 302]
    assert IssuedReport.objects.filter(report=report).count() == 1
    assert ReportRender.objects.filter(report=report, issue=True).count() == 1


# 3. Scope and definitions ------------------------------------------------------------------------


def test_scope_must_lie_within_the_committees_services(client, world):
    other = make_service("Roads")
    other_plan = make_plan(other, title="Roads plan")
    client.force_login(world["admin"])
    url = reverse("reports:committee_reports")
    data = {"title": "Mixed", "committee": world["committee"].pk, "meeting_date": "2022-11-30",
            "period": "Q2 2022/23", "services": [other.pk]}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "Housing Committee does not scrutinise Roads" in page and not CommitteeReport.objects.filter(title="Mixed")
    page = client.post(url, data | {"services": [], "plans": [other_plan.pk]}).content.decode()
    assert "Roads plan is not a plan of the report" in page
    client.post(url, data | {"services": [world["service"].pk], "plans": [world["plan"].pk]})
    assert CommitteeReport.objects.filter(title="Mixed").exists()


def test_the_scope_is_pinned_at_first_issue(world):
    report, committee = world["report"], world["committee"]
    assert not report.services.exists()  # "every service the committee scrutinises"
    issue_directly(report, world["admin"])
    assert list(report.services.all()) == [world["service"]]
    committee.services.add(make_service("Roads"))
    assert [s.name for s in CommitteeReport.objects.get(pk=report.pk).services.all()] == ["Housing"]


def test_the_scope_pinned_is_the_one_the_issue_was_made_from(world, monkeypatch):
    """The committee gains a service while the issue renders: the issued record pins the services
    its PDF shows, not those of a moment later."""
    report, committee = world["report"], world["committee"]
    real_write = tasks.write_pdf

    def write_while_the_committee_changes(html):
        committee.services.add(make_service("Roads"))
        return real_write(html)

    monkeypatch.setattr(tasks, "write_pdf", write_while_the_committee_changes)
    issued = issue_directly(report, world["admin"])
    assert [s.name for s in report.services.all()] == ["Housing"]
    assert "Roads" not in json.dumps(issued.data)


def test_definitions_can_be_changed_and_deleted_until_first_issued(client, world):
    report = world["report"]
    client.force_login(world["admin"])
    edit = reverse("reports:edit_report", args=[report.pk])
    data = {"title": "Housing: Q2 (corrected)", "committee": world["committee"].pk, "meeting_date": "2022-12-07",
            "period": "Q2 2022/23", "include_summary": "on"}  # fmt: skip
    assert client.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.title == "Housing: Q2 (corrected)" and report.meeting_date == dt.date(2022, 12, 7)
    spare = CommitteeReport.objects.create(
        title="Spare", committee=world["committee"], meeting_date=dt.date(2022, 11, 30), period=Q2
    )
    client.post(reverse("reports:delete_report", args=[spare.pk]))
    assert not CommitteeReport.objects.filter(pk=spare.pk).exists()

    issue_directly(report, world["admin"])
    response = client.post(edit, data | {"title": "Renamed after issue"})
    assert response.status_code == 302 and CommitteeReport.objects.get(pk=report.pk).title == "Housing: Q2 (corrected)"
    client.post(reverse("reports:delete_report", args=[report.pk]))
    assert CommitteeReport.objects.filter(pk=report.pk).exists()
    assert client.get(reverse("reports:edit_report", args=[report.pk])).status_code == 302
    for member in (world["member"], world["officer"], world["approver"]):
        client.force_login(member)
        assert client.post(edit, data).status_code == 403


# 4. Frozen means frozen --------------------------------------------------------------------------


def test_an_issued_definition_cannot_change_in_code_or_the_admin(client, world):
    report, admin_user = world["report"], world["admin"]
    issue_directly(report, admin_user)
    report = CommitteeReport.objects.get(pk=report.pk)
    report.title = "Renamed"
    with pytest.raises(ValidationError):
        report.full_clean()
    with pytest.raises(ValidationError):
        report.save()
    # Refused inside Django's own atomic block: a savepoint keeps the test's transaction usable.
    with pytest.raises(ValidationError), transaction.atomic():
        report.services.add(make_service())
    with pytest.raises(ValidationError), transaction.atomic():
        world["plan"].committeereport_set.add(report)  # from the other side
    with pytest.raises(ValidationError):
        CommitteeReport.objects.get(pk=report.pk).delete()
    report = CommitteeReport.objects.get(pk=report.pk)
    report.include_risks = True  # the appendices are not part of the record's identity
    report.save()

    client.force_login(admin_user)
    change = reverse("admin:reports_committeereport_change", args=[report.pk])
    page = client.get(change).content.decode()
    assert 'name="title"' not in page and 'name="committee"' not in page and 'name="services"' not in page
    renamed = {"title": "Renamed in the admin", "committee": make_committee().pk, "meeting_date": "2023-01-01",
               "period": "Q3 2022/23", "include_summary": "on"}  # fmt: skip
    client.post(change, renamed)
    stored = CommitteeReport.objects.get(pk=report.pk)
    assert (stored.title, stored.committee_id, stored.period) == ("Housing: Quarter 2", world["committee"].pk, Q2)
    delete = reverse("admin:reports_committeereport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def history_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_simple_history", args=[obj.pk, obj.history.last().pk])


def test_the_history_revert_is_refused_for_issued_reports_rounds_and_entries(client, world):
    admin_user = world["admin"]
    client.force_login(admin_user)
    issued = issue_directly(world["report"], admin_user)
    issued.withdraw(admin_user, "Wrong period")
    round_ = make_round("Q2 2022/23")
    round_.locked_at = dt.datetime(2022, 11, 1, tzinfo=dt.UTC)
    round_.save()
    value = IndicatorValue.objects.get(indicator=world["indicator"], period=Q2)
    value.state = ReviewState.SUBMITTED  # its first history row says submitted; now approved
    value.save()
    value.state = ReviewState.APPROVED
    value.save()

    # The oldest version of each, posted straight to the revert URL (the button is hidden).
    refused = [
        (issued, {}),
        (
            world["report"],
            {
                "title": "Reverted",
                "committee": world["committee"].pk,
                "meeting_date": "2022-11-30",
                "period": "Q2 2022/23",
            },
        ),  # fmt: skip
        (round_, {"period": "Q2 2022/23", "deadline": "2022-11-21"}),
        (value, {"indicator": world["indicator"].pk, "period": "Q2 2022/23", "value": "52", "state": "submitted"}),
        (world["action"].updates.get(), {"action": world["action"].pk, "period": "Q2 2022/23", "progress": "0"}),
    ]
    for obj, data in refused:
        assert client.get(history_url(obj)).context["title"].startswith("View"), obj  # no Revert button
        assert client.post(history_url(obj), data).status_code == 403, obj
    assert IssuedReport.objects.get(pk=issued.pk).withdrawn_reason == "Wrong period"
    assert ReportingRound.objects.get(pk=round_.pk).locked_at is not None
    assert IndicatorValue.objects.get(pk=value.pk).state == ReviewState.APPROVED

    # Set-up records without a workflow of their own can still be reverted by the performance team.
    priority = CorporatePriority.objects.create(framework="Corporate Plan", abbreviation="CP", title="Thriving places")
    priority.title = "Thriving places (renamed)"
    priority.save()
    first = priority.history.last()
    response = client.post(
        reverse("admin:indicators_corporatepriority_simple_history", args=[priority.pk, first.pk]),
        {"framework": first.framework, "abbreviation": first.abbreviation, "title": first.title},
    )
    assert response.status_code == 302
    assert CorporatePriority.objects.get(pk=priority.pk).title == "Thriving places"


def test_who_may_revert_what(world):
    plan, report = world["plan"], world["report"]
    assert can_revert_history(world["admin"], plan) and can_revert_history(world["admin"], report)
    for name in ("approver", "officer", "member"):
        assert not can_revert_history(world[name], plan)
    issued = issue_directly(report, world["admin"])
    update = world["action"].updates.get()
    closed = [issued, CommitteeReport.objects.get(pk=report.pk), make_round("Q3 2022/23"), update]
    for obj in closed:
        assert not can_revert_history(world["admin"], obj), obj


def test_every_history_admin_closes_the_revert_through_one_rule():
    guarded = [type(model_admin) for model_admin in admin.site._registry.values()]
    history_admins = [cls for cls in guarded if issubclass(cls, SimpleHistoryAdmin)]
    assert len(history_admins) > 20
    assert all(issubclass(cls, RevertGuardMixin) for cls in history_admins), [
        cls for cls in history_admins if not issubclass(cls, RevertGuardMixin)
    ]


def test_a_report_is_withdrawn_once_and_its_reason_kept(client, world):
    admin_user = world["admin"]
    issued = issue_directly(world["report"], admin_user)
    client.force_login(admin_user)
    url = reverse("reports:withdraw", args=[issued.pk])
    client.post(url, {"reason": "Wrong period chosen"})
    second = client.post(url, {"reason": "Another reason"}, follow=True).content.decode()
    assert "already withdrawn" in second
    stored = IssuedReport.objects.get(pk=issued.pk)
    assert stored.withdrawn_reason == "Wrong period chosen"
    stored.withdrawn_at = None
    with pytest.raises(ValidationError):
        stored.save()
    stored = IssuedReport.objects.get(pk=issued.pk)
    stored.withdrawn_reason = "Rewritten"
    with pytest.raises(ValidationError):
        stored.save()


def test_a_tampered_pdf_is_refused_logged_and_reported(client, world, caplog, mailoutbox):
    admin_user = world["admin"]
    admin_user.email = "performance@council.example"
    admin_user.save()
    issued = issue_directly(world["report"], admin_user)
    client.force_login(world["member"])
    good = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert good.status_code == 200 and good["ETag"] == f'"{issued.sha256}"'

    IssuedReport.objects.filter(pk=issued.pk).update(pdf=b"%PDF-1.7 altered in the database")
    with caplog.at_level(logging.ERROR, logger="reports.committee.views"):
        refused = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert refused.status_code == 409 and refused["Content-Type"].startswith("text/html")
    assert "no longer matches the fingerprint" in refused.content.decode() and "ETag" not in refused
    assert any("does not match its SHA-256" in record.getMessage() for record in caplog.records)
    assert [message.to for message in mailoutbox] == [["performance@council.example"]]
    assert "integrity check" in mailoutbox[0].subject

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 issued reports do not match"):
        call_command("verify_archive", stdout=out, stderr=err)
    assert "MISMATCH" in err.getvalue()


# 5. Draft PDFs -----------------------------------------------------------------------------------


def test_only_the_performance_team_and_the_services_approvers_make_drafts(client, world):
    report = world["report"]
    url = reverse("reports:make_pdf", args=[report.pk])
    for name in ("member", "officer", "other_officer"):
        client.force_login(world[name])
        assert client.post(url).status_code == 403, name
        assert client.get(reverse("reports:readiness", args=[report.pk])).status_code == 403, name
        assert client.get(reverse("reports:preview", args=[report.pk])).status_code == 403, name
        page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
        assert "Make a draft PDF" not in page and "Preview the report" not in page
    other_approver = make_user("other_approver", Role.Kind.APPROVER, make_service())
    client.force_login(other_approver)
    assert client.post(url).status_code == 403
    assert not ReportRender.objects.exists()

    client.force_login(world["approver"])
    response = client.post(url)
    render = ReportRender.objects.get(report=report)
    assert response.status_code == 302 and response.url == reverse("reports:render_pdf", args=[render.pk])
    assert client.get(response.url).content.startswith(b"%PDF")
    # The approver checks the report but does not issue it.
    assert 'name="confirm"' not in client.get(reverse("reports:readiness", args=[report.pk])).content.decode()
    assert client.post(reverse("reports:readiness", args=[report.pk]), {"confirm": "on"}).status_code == 403
    client.force_login(world["member"])
    assert client.get(reverse("reports:render_pdf", args=[render.pk])).status_code == 403


def test_old_drafts_are_pruned_but_issues_and_each_latest_draft_kept(world):
    report = world["report"]
    old = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    drafts = [ReportRender.objects.create(report=report, status="done", pdf=b"%PDF", finished_at=old) for _ in range(3)]
    issue = ReportRender.objects.create(report=report, issue=True, status="done", finished_at=old,
                                        confirmation=uuid.uuid4())  # fmt: skip
    call_command("prune_draft_pdfs", days=30, stdout=io.StringIO())
    left = set(ReportRender.objects.values_list("pk", flat=True))
    assert left == {drafts[-1].pk, issue.pk}


def test_readiness_lists_a_plan_declaring_more_measures_than_it_reports(world):
    plan = world["indicator"].plan
    plan.declared_measures = 3
    plan.save()
    checks = build_readiness(world["report"])
    [gap] = checks.declared
    assert (gap.plan, gap.code) == (plan.title, plan.code)
    assert gap.detail == "The plan declares 3 measures; this report covers 1"
    assert "1 plan reporting fewer or more measures than it declares" in checks.summary()


def test_readiness_lists_actions_due_an_update_that_have_none_for_the_period(world):
    """A Q3 report would otherwise print Q2's progress and commentary as if they were current."""
    plan, officer = world["plan"], world["officer"]
    report = CommitteeReport.objects.create(
        title="Housing: Quarter 3", committee=world["committee"], meeting_date=dt.date(2023, 2, 28), period=Q3
    )
    stale = world["action"]  # unassigned, updated for Q2 only
    owned = make_action(plan, code="H2", title="Repair homes", assigned_to=officer)
    make_update(owned, "Q2 2022/23", 30)
    make_action(plan, code="H3", title="Never updated", assigned_to=officer)
    overdue = make_action(plan, code="H4", title="Late", assigned_to=officer, due_date=dt.date(2022, 12, 1))
    make_update(overdue, "Q2 2022/23", 60)
    done = make_action(plan, code="H5", title="Done", assigned_to=officer)
    make_update(done, "Q2 2022/23", 100)
    make_action(plan, code="H6", title="Starts next year", assigned_to=officer, start_date=dt.date(2023, 4, 1))
    waiting = make_action(plan, code="H7", title="Waiting", assigned_to=officer)
    make_update(waiting, "Q3 2022/23", 70, state=ReviewState.SUBMITTED)
    current = make_action(plan, code="H8", title="Current", assigned_to=officer)
    make_update(current, "Q3 2022/23", 70)
    group = make_action(plan, code="H9", title="A group", assigned_to=officer)
    make_update(make_action(plan, code="H9.1", parent=group, assigned_to=officer), "Q3 2022/23", 20)

    checks = build_readiness(report)
    owner = officer.get_full_name() or officer.username
    assert [(gap.code, gap.detail) for gap in checks.no_update] == [
        (
            stale.code,
            "Unassigned: no update for Q3 2022/23; the latest is for Q2 2022/23. Nobody is assigned to update it.",
        ),
        ("H2", f"Neglected: no update for Q3 2022/23; the latest is for Q2 2022/23. Owner: {owner}."),
        ("H3", f"Neglected: no update for Q3 2022/23; it has never been updated. Owner: {owner}."),
        ("H4", f"Overdue: no update for Q3 2022/23; the latest is for Q2 2022/23. Owner: {owner}."),
    ]
    assert checks.no_update[1].url == reverse("reports:action", args=[owned.pk])
    assert [gap.code for gap in checks.unapproved] == ["H7"]  # listed once, as waiting for approval
    assert "4 actions with no update" in checks.summary()

    # A year's report takes an approved update made for any of its quarters, as the action's status
    # does; H7's Q3 update is not approved yet, and a year's report asks only for Q4, H2 or the year.
    year = CommitteeReport.objects.create(
        title="Housing: the year", committee=world["committee"], meeting_date=dt.date(2023, 6, 30),
        period=Period.parse("2022/23"),
    )  # fmt: skip
    assert [gap.code for gap in build_readiness(year).no_update] == ["H3", "H7"]


def test_readiness_of_a_half_year_report_finds_the_half_years_action_updates(world):
    """A half-yearly council's action updates are made for H1, not for its last quarter."""
    h1 = Period.parse("H1 2022/23")
    report = CommitteeReport.objects.create(
        title="Housing: first half", committee=world["committee"], meeting_date=dt.date(2022, 11, 30), period=h1
    )
    make_update(world["action"], "H1 2022/23", 55, state=ReviewState.DRAFT)
    checks = build_readiness(report)
    assert [(gap.code, gap.detail) for gap in checks.unapproved] == [("H1", "Draft (H1 2022/23)")]


def test_a_confirmation_shown_before_another_issue_is_refused(client, world):
    """Two people (or two tabs) each confirm an issue from a page shown before either was sent:
    the first issues version 1, the second is refused instead of issuing version 2."""
    report = world["report"]
    client.force_login(world["admin"])
    first, second = confirmation_token(client, report), confirmation_token(client, report)
    assert confirm_issue(client, report, first, issues_seen=0).status_code == 302
    refused = client.post(
        reverse("reports:readiness", args=[report.pk]),
        {"confirmation": second, "issues_seen": 0, "confirm": "on"},
        follow=True,
    ).content.decode()
    assert "nothing was issued again" in refused
    assert list(report.issues.values_list("version", flat=True)) == [1]
    # A confirmation shown after the first issue makes version 2, as a deliberate re-issue.
    assert confirm_issue(client, report).status_code == 302
    assert sorted(report.issues.values_list("version", flat=True)) == [1, 2]


def test_the_report_page_names_each_version_and_shows_members_only_the_record(client, world):
    report = world["report"]
    issue_directly(report, world["admin"])
    IndicatorValue.objects.filter(indicator=world["indicator"], period=Q2).update(value=38)
    issue_directly(report, world["admin"])
    client.force_login(world["admin"])
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert page.index('<th scope="row">2<span class="muted">, current</span>') < page.index(
        '<th scope="row">1<span class="muted">, replaced by version 2</span>'
    )
    assert "<h2>Revised since version 1 (issued" in page and "<h2>Revised since version 2 (issued" in page
    assert "Recent PDFs" in page and "A draft always shows" in page

    client.force_login(world["member"])
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert "Recent PDFs" not in page and "A draft always shows" not in page
    assert "Download version 1 as PDF" in page and "Download version 2 as PDF" in page
    # The archive names each version and marks the replaced one; the home lists the current one only.
    archive = client.get(reverse("reports:committee_reports")).content.decode()
    assert archive.count("Housing: Quarter 2</a>, version 2") == 1
    assert 'Housing: Quarter 2</a>, version 1 <span class="muted">(replaced by version 2)</span>' in archive
    home = client.get(reverse("home")).content.decode()
    assert home.count("Housing: Quarter 2, version 2 (PDF)") == 1 and "Housing: Quarter 2 (PDF)" not in home


def test_a_measure_in_two_lists_is_one_item_in_the_confirmation(client, world):
    """Submitted and so with no approved figure: two points outstanding, about one measure."""
    IndicatorValue.objects.filter(indicator=world["indicator"]).update(state=ReviewState.SUBMITTED)
    checks = build_readiness(world["report"])
    assert ([g.code for g in checks.unapproved], [g.code for g in checks.no_figure]) == (["HPI1"], ["HPI1"])
    assert (checks.total, checks.items) == (2, 1)
    client.force_login(world["admin"])
    page = client.get(reverse("reports:readiness", args=[world["report"].pk])).content.decode()
    assert "with the 2 outstanding points listed above, about 1 item." in page
