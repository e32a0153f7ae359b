"""Imports keep the workflow's promises: officers' work in progress is not overwritten, periods
whose report has been issued change only as corrections with a reason, red values are flagged
without their exception report (which can be imported too), and confirming twice writes once."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators import workflow
from indicators.imports import ImportOptions, apply_import, plan_import
from indicators.models import (
    Action,
    ActionUpdate,
    ExceptionReport,
    IndicatorValue,
    PendingImport,
    ReviewState,
    Target,
)
from indicators.periods import Period
from indicators.workflow import Conflict, WorkflowError, save_entry
from tests.factories import (
    make_action,
    make_indicator,
    make_plan,
    make_round,
    make_service,
    make_target,
    make_update,
    make_value,
    personas,
)

pytestmark = pytest.mark.django_db
Q1, Q2, Q3 = (Period.parse(f"Q{n} 2022/23") for n in (1, 2, 3))
VALUES = "indicator_code,period,value,numerator,denominator,not_available_reason,commentary\n"
EXCEPTIONS = "indicator_code,period,performance,improvement_actions,timescale,resources\n"
REASON = "Figures restated by the national publisher"


@pytest.fixture
def world():
    service = make_service()
    people = personas(service)
    for user, name in ((people["officer"], ("Kirsty", "Duncan")), (people["approver"], ("Alan", "Reid"))):
        user.first_name, user.last_name = name
        user.save()
    kin = make_indicator(service, code="KIN1", unit="%", decimal_places=1, owner=people["officer"])
    make_target(kin, "Q1 2022/23", 30, 2)
    make_target(kin, "Q2 2022/23", 30, 2)
    make_round("Q1 2022/23", deadline=dt.date(2022, 7, 21), locked=True)  # its report has been issued
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"service": service, "kin": kin, **people}


def values_csv(*rows: str) -> bytes:
    return (VALUES + "\n".join(rows) + "\n").encode()


def submitted_value(world, value=25) -> IndicatorValue:
    officer = world["officer"]
    return make_value(
        world["kin"],
        "Q2 2022/23",
        value,
        state=ReviewState.SUBMITTED,
        author=officer,
        submitted_by=officer,
        submitted_at=timezone.make_aware(dt.datetime(2022, 10, 3, 9)),
        version=2,
    )


# The rules, table-tested --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "persona", "reason", "refusal"),
    [
        ("Q2 2022/23", None, "", None),  # open round: anyone, no reason
        ("Q3 2022/23", None, "", None),  # no round at all
        ("Q1 2022/23", "admin", REASON, None),  # the performance team correcting, with a reason
        ("Q1 2022/23", "admin", "  ", "Say why this figure is being corrected"),
        ("Q1 2022/23", "approver", REASON, "Only the performance team can correct it"),
        ("Q1 2022/23", "officer", REASON, "Only the performance team can correct it"),
        ("Q1 2022/23", None, REASON, "Only the performance team can correct it"),
        ("Jun 2022", "officer", REASON, "Only the performance team"),  # a month of Q1: Q1's round
        ("2022/23", None, "", None),  # a year is entered in Q4's round, which is not locked
    ],
)
def test_require_correction_allowed(world, period, persona, reason, refusal):
    user = world[persona] if persona else None
    if refusal is None:
        workflow.require_correction_allowed(Period.parse(period), user, reason)
    else:
        with pytest.raises(WorkflowError, match=refusal) as raised:
            workflow.require_correction_allowed(Period.parse(period), user, reason)
        assert "is locked: the performance team has locked its round" in str(raised.value)


@pytest.mark.parametrize(
    ("state", "replace", "reason", "refusal"),
    [
        (ReviewState.APPROVED, False, "", None),
        (ReviewState.DRAFT, False, "", "is a draft by Kirsty Duncan: an import does not replace work in progress"),
        (ReviewState.SUBMITTED, False, "", "is submitted by Kirsty Duncan on 3 Oct 2022, waiting for approval"),
        (ReviewState.RETURNED, False, "", "is returned to Kirsty Duncan by Alan Reid"),
        (ReviewState.SUBMITTED, True, "", "give a reason for replacing it"),
        (ReviewState.SUBMITTED, True, REASON, None),
        (ReviewState.DRAFT, True, REASON, None),
    ],
)
def test_require_import_may_replace(world, state, replace, reason, refusal):
    entry = submitted_value(world)
    entry.state, entry.reviewed_by = state, world["approver"]
    if refusal is None:
        workflow.require_import_may_replace(entry, replace, reason)
    else:
        with pytest.raises(WorkflowError, match=refusal):
            workflow.require_import_may_replace(entry, replace, reason, label="The value")
    workflow.require_import_may_replace(None, False, "")  # nothing there yet: nothing to refuse


# Entries in progress ------------------------------------------------------------------------


def test_import_over_a_submitted_value_is_refused_naming_who_holds_it(world):
    submitted_value(world)
    plan = plan_import("values", values_csv("KIN1,Q2 2022/23,27,,,,From the return"), "q2.csv")
    [error] = plan.errors
    assert (error.row, error.column) == (2, "period")
    assert error.message.startswith(
        "The value of KIN1 for Q2 2022/23 is submitted by Kirsty Duncan on 3 Oct 2022, waiting for approval"
    )
    assert not plan.new and not plan.changed
    stored = IndicatorValue.objects.get(period=Q2)
    assert (stored.value, stored.state, stored.version) == (25, ReviewState.SUBMITTED, 2)


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.RETURNED])
def test_drafts_and_returned_values_are_refused_too(world, state):
    submitted_value(world).__class__.objects.update(state=state, reviewed_by=world["approver"])
    plan = plan_import("values", values_csv("KIN1,Q2 2022/23,25,,,,"), "q2.csv")  # even the same figure
    assert [e.row for e in plan.errors] == [2]


def test_replacing_an_entry_in_progress_by_choice_bumps_its_version_and_records_who_and_why(client, world):
    entry = submitted_value(world)
    admin = world["admin"]
    options = ImportOptions(user=admin, replace_in_progress=True, correction_reason=REASON)
    plan = plan_import("values", values_csv("KIN1,Q2 2022/23,27,,,,From the return"), "q2.csv", options)
    assert plan.valid, plan.errors
    assert [(c.field, c.old, c.new) for c in plan.changes] == [
        ("value", Decimal("25.0000"), Decimal("27")),
        ("commentary", "", "From the return"),
        ("state", "Submitted", "Approved"),
    ]
    assert plan.replaced == [entry]
    apply_import(plan, admin, "q2.csv")
    entry.refresh_from_db()
    assert (entry.value, entry.state, entry.version, entry.reviewed_by) == (27, ReviewState.APPROVED, 3, admin)
    latest = entry.history.first()
    assert latest.history_user == admin and latest.history_change_reason == f"Imported from q2.csv: {REASON}"

    # The officer's form, opened on version 2, now meets a conflict instead of saving over the import.
    with pytest.raises((Conflict, WorkflowError)):
        save_entry(
            IndicatorValue,
            {"indicator": world["kin"], "period": Q2},
            2,
            {"value": Decimal(24)},
            world["officer"],
            submit=False,
        )
    assert IndicatorValue.objects.get(period=Q2).value == 27


def test_an_approved_value_in_an_open_round_is_replaced_with_history_and_a_new_version(world):
    value = make_value(world["kin"], "Q2 2022/23", 25)
    plan = plan_import("values", values_csv("KIN1,Q2 2022/23,26,,,,"), "q2.csv")
    assert plan.valid and not plan.replaced
    apply_import(plan, world["admin"], "q2.csv")
    value.refresh_from_db()
    assert (value.value, value.state, value.version) == (26, ReviewState.APPROVED, 2)
    assert value.history.first().history_change_reason == "Imported from q2.csv"


def test_an_officers_open_form_conflicts_with_an_approved_import(world):
    """A value the officer started on (version 0: no entry yet) and the import created meanwhile."""
    apply_import(plan_import("values", values_csv("KIN1,Q2 2022/23,26,,,,"), "q2.csv"), None, "q2.csv")
    with pytest.raises(Conflict):
        save_entry(IndicatorValue, {"indicator": world["kin"], "period": Q2}, 0, {"value": 1}, world["officer"], False)


def test_action_updates_in_progress_follow_the_same_rule(world):
    plan_obj = make_plan(world["service"], code="SP1")
    action = make_action(plan_obj, code="A1")
    update = make_update(
        action, "Q2 2022/23", 30, state=ReviewState.DRAFT, author=world["officer"], narrative="<p>Mine</p>"
    )
    header = "plan_code,action_code,period,progress,update\n"
    content = (header + "SP1,A1,Q2 2022/23,60,Imported text\n").encode()
    [error] = plan_import("actions", content, "a.csv").errors
    assert error.message.startswith("The update of A1 for Q2 2022/23 is a draft by Kirsty Duncan")
    options = ImportOptions(user=world["admin"], replace_in_progress=True, correction_reason=REASON)
    plan = plan_import("actions", content, "a.csv", options)
    assert plan.valid and plan.replaced == [update]
    apply_import(plan, world["admin"], "a.csv")
    update.refresh_from_db()
    assert (update.progress, update.state, update.version, update.reviewed_by) == (
        60,
        ReviewState.APPROVED,
        2,
        world["admin"],
    )
    assert update.history.first().history_change_reason == f"Imported from a.csv: {REASON}"


# Locked periods -----------------------------------------------------------------------------


def test_import_into_a_locked_period_is_refused_without_a_reason(world):
    value = make_value(world["kin"], "Q1 2022/23", 29)
    content = values_csv("KIN1,Q1 2022/23,31,,,,Restated", "KIN1,Q2 2022/23,26,,,,")
    for options in (
        ImportOptions(),
        ImportOptions(user=world["admin"]),
        ImportOptions(user=world["approver"], correction_reason=REASON),
    ):
        plan = plan_import("values", content, "restated.csv", options)
        [error] = plan.errors
        assert (error.row, error.column) == (2, "period")
        assert error.message.startswith("Q1 2022/23 is locked: the performance team has locked its round")
        assert not plan.new and not plan.changed  # the Q2 row is not written either
    value.refresh_from_db()
    assert value.value == 29


def test_import_into_a_locked_period_with_a_reason_is_a_recorded_correction(world):
    value = make_value(world["kin"], "Q1 2022/23", 29)
    options = ImportOptions(user=world["admin"], correction_reason=REASON)
    plan = plan_import("values", values_csv("KIN1,Q1 2022/23,31,,,,Restated"), "restated.csv", options)
    assert plan.valid and plan.corrected == {Q1}
    apply_import(plan, world["admin"], "restated.csv")
    value.refresh_from_db()
    assert value.value == 31
    history = value.history.first()
    assert history.history_user == world["admin"]
    assert history.history_change_reason == f"Imported from restated.csv: {REASON}"
    assert value.history.count() == 2  # made, then corrected: the old figure is kept in the history


def test_unchanged_rows_of_a_locked_period_need_no_reason(world):
    """Re-importing a whole year's file, issued quarters included, writes nothing into them."""
    make_value(world["kin"], "Q1 2022/23", 29)
    plan = plan_import("values", values_csv("KIN1,Q1 2022/23,29,,,,", "KIN1,Q2 2022/23,26,,,,"), "year.csv")
    assert plan.valid and (len(plan.new), plan.unchanged, plan.corrected) == (1, 1, set())


def test_targets_and_exception_reports_of_a_locked_period_are_refused_without_a_reason(world):
    targets = b"indicator_code,period,target,tolerance,tolerance_type,rationale\nKIN1,Q1 2022/23,35,2,absolute,\n"
    [error] = plan_import("targets", targets, "t.csv").errors
    assert "Q1 2022/23 is locked" in error.message
    exceptions = (EXCEPTIONS + "KIN1,Q1 2022/23,Below target,Campaign,By Q4,\n").encode()
    [error] = plan_import("exceptions", exceptions, "e.csv").errors
    assert "Q1 2022/23 is locked" in error.message
    options = ImportOptions(user=world["admin"], correction_reason=REASON)
    apply_import(plan_import("targets", targets, "t.csv", options), world["admin"], "t.csv")
    assert Target.objects.get(period=Q1).value == 35


def test_every_import_of_figures_asks_the_one_rule_for_locked_periods(world, monkeypatch):
    """Values, targets, exception reports and action updates all call
    `workflow.require_correction_allowed`: changing that one function changes them all."""
    asked = []

    def refuse(period, user, reason):
        asked.append(period)
        raise WorkflowError("Refused by the one rule.")

    monkeypatch.setattr(workflow, "require_correction_allowed", refuse)
    plan_obj = make_plan(world["service"], code="SP1")
    make_action(plan_obj, code="A1")
    files = {
        "values": values_csv("KIN1,Q1 2022/23,31,,,,"),
        "targets": b"indicator_code,period,target\nKIN1,Q1 2022/23,35\n",
        "exceptions": (EXCEPTIONS + "KIN1,Q1 2022/23,Below,Campaign,By Q4,\n").encode(),
        "actions": b"plan_code,action_code,period,progress,update\nSP1,A1,Q1 2022/23,60,Text\n",
    }
    for kind, content in files.items():
        [error] = plan_import(kind, content, "f.csv").errors
        assert error.message == "Refused by the one rule.", kind
    assert asked == [Q1] * 4


def test_every_import_of_entries_asks_the_one_rule_for_work_in_progress(world, monkeypatch):
    labels = []

    def refuse(entry, replace, reason, label="This entry"):
        labels.append(label)
        raise WorkflowError("Refused by the one rule.")

    monkeypatch.setattr(workflow, "require_import_may_replace", refuse)
    submitted_value(world)
    action = make_action(make_plan(world["service"], code="SP1"), code="A1")
    make_update(action, "Q2 2022/23", 30, state=ReviewState.SUBMITTED)
    files = {
        "values": values_csv("KIN1,Q2 2022/23,31,,,,"),
        "exceptions": (EXCEPTIONS + "KIN1,Q2 2022/23,Below,Campaign,By Q4,\n").encode(),
        "actions": b"plan_code,action_code,period,progress,update\nSP1,A1,Q2 2022/23,60,Text\n",
    }
    for kind, content in files.items():
        [error] = plan_import(kind, content, "f.csv").errors
        assert error.message == "Refused by the one rule.", kind
    assert labels == [
        "The value of KIN1 for Q2 2022/23",
        "The value of KIN1 for Q2 2022/23",
        "The update of A1 for Q2 2022/23",
    ]


# Exception reports --------------------------------------------------------------------------


def test_values_preview_warns_of_each_red_value_without_an_exception_report(world):
    other = make_indicator(world["service"], code="JUS1", polarity="lower")
    make_target(other, "Q2 2022/23", 10, 1)
    content = values_csv(
        "KIN1,Q2 2022/23,26,,,,",  # red: 4 short of 30 with a tolerance of 2
        "JUS1,Q2 2022/23,10.5,,,,",  # amber
        "KIN1,Q3 2022/23,12,,,,",  # no target: data only
    )
    plan = plan_import("values", content, "q2.csv")
    assert plan.valid
    [warning] = plan.warnings
    assert (warning.row, warning.column) == (2, "value")
    assert warning.message.startswith(
        "KIN1 Q2 2022/23: 26 is outwith tolerance (target 30) and has no exception report"
    )

    ExceptionReport.objects.create(
        indicator=world["kin"], period=Q2, performance="Below", improvement_actions="Campaign", timescale="Q4"
    )
    assert not plan_import("values", content, "q2.csv").warnings


def test_exception_reports_import_checks_previews_and_confirms(world):
    make_value(world["kin"], "Q2 2022/23", 26)
    bad = (
        EXCEPTIONS
        + "KIN1,Q2 2022/23,,Campaign,By Q4,\n"
        + "KIN1,Sep 2022,Below,Campaign,By Q4,\n"
        + f"KIN1,Q3 2022/23,Below,Campaign,{'x' * 301},\n"
        + "NOPE,Q2 2022/23,Below,Campaign,By Q4,\n"
    ).encode()
    plan = plan_import("exceptions", bad, "e.csv")
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "performance"),
        (3, "period"),
        (4, "timescale"),
        (5, "indicator_code"),
    ]
    assert "at most 300 fit" in plan.errors[2].message

    good = (
        EXCEPTIONS + 'KIN1,Q2 2022/23,"Fewer carers, as expected",Recruitment campaign,By Q4 2022/23,None\n'
    ).encode()
    options = ImportOptions(user=world["admin"])
    plan = plan_import("exceptions", good, "e.csv", options)
    assert plan.valid and len(plan.new) == 1
    apply_import(plan, world["admin"], "e.csv")
    report = ExceptionReport.objects.get(indicator=world["kin"], period=Q2)
    assert (report.performance, report.timescale, report.resource_implications, report.author) == (
        "Fewer carers, as expected",
        "By Q4 2022/23",
        "None",
        world["admin"],
    )
    assert report.history.first().history_change_reason == "Imported from e.csv"
    assert plan_import("exceptions", good, "e.csv").unchanged == 1
    # A file without the optional resources column leaves the stored resource implications.
    without = (
        b"indicator_code,period,performance,improvement_actions,timescale\n"
        b"KIN1,Q2 2022/23,Lower,Recruitment campaign,By Q4\n"
    )
    plan = plan_import("exceptions", without, "e.csv", options)
    assert [change.field for change in plan.changes] == ["performance", "timescale"]
    assert not plan_import("values", values_csv("KIN1,Q2 2022/23,26,,,,"), "v.csv").warnings


def test_an_exception_report_for_a_value_in_progress_replaces_it_only_by_choice(world):
    value = submitted_value(world)
    content = (EXCEPTIONS + "KIN1,Q2 2022/23,Below,Campaign,By Q4,\n").encode()
    [error] = plan_import("exceptions", content, "e.csv").errors
    assert "is submitted by Kirsty Duncan" in error.message
    options = ImportOptions(user=world["admin"], replace_in_progress=True, correction_reason=REASON)
    apply_import(plan_import("exceptions", content, "e.csv", options), world["admin"], "e.csv")
    value.refresh_from_db()
    assert value.version == 3 and value.state == ReviewState.SUBMITTED  # its form now conflicts
    assert ExceptionReport.objects.get(indicator=world["kin"], period=Q2).performance == "Below"


# The upload page and the command -------------------------------------------------------------


def upload(client, content: bytes, name="q2.csv", kind="values", **options):
    return client.post(reverse("imports"), {"kind": kind, "file": SimpleUploadedFile(name, content), **options})


def test_upload_form_replaces_by_choice_previews_and_confirm_twice_writes_once(client, world):
    entry = submitted_value(world)
    client.force_login(world["admin"])
    content = values_csv("KIN1,Q2 2022/23,27,,,,From the return")
    refused = upload(client, content).content.decode()
    assert "is submitted by Kirsty Duncan" in refused and "nothing was written" in refused

    page = upload(client, content, replace_in_progress="on", correction_reason=REASON).content.decode()
    assert "ready to import" in page and "1 entry still in progress will be replaced" in page
    assert "outwith tolerance" in page  # 27 is red against 30 ± 2, with no exception report
    pending = PendingImport.objects.get()
    assert (pending.replace_in_progress, pending.correction_reason) == (True, REASON)
    confirm = reverse("confirm_import", args=[pending.pk])
    first = client.post(confirm)
    assert first.status_code == 302 and first["Location"] == reverse("import_detail", args=[pending.pk])
    history_rows = IndicatorValue.history.count()
    second = client.post(confirm, follow=True)
    assert "already been imported; nothing was written again" in second.content.decode()
    assert IndicatorValue.history.count() == history_rows  # no duplicate audit rows
    entry.refresh_from_db()
    assert (entry.value, entry.version) == (27, 3)
    detail = client.get(reverse("import_detail", args=[pending.pk])).content.decode()
    assert "<strong>0</strong> new, <strong>1</strong> changed" in detail and REASON in detail


def test_confirm_rechecks_and_refuses_when_the_data_changed_meanwhile(client, world):
    client.force_login(world["admin"])
    upload(client, values_csv("KIN1,Q2 2022/23,27,,,,"))
    pending = PendingImport.objects.get()
    submitted_value(world)  # the officer submits before the import is confirmed
    response = client.post(reverse("confirm_import", args=[pending.pk]), follow=True)
    assert "no longer passes its checks" in response.content.decode()
    assert IndicatorValue.objects.get().value == 25 and PendingImport.objects.get().applied_at is None


def test_import_pages_are_for_the_performance_team_and_detail_uses_fixed_queries(client, world):
    client.force_login(world["admin"])
    upload(client, values_csv("KIN1,Q2 2022/23,27,,,,"))
    pending = PendingImport.objects.get()
    client.post(reverse("confirm_import", args=[pending.pk]))
    url = reverse("import_detail", args=[pending.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    for persona in ("approver", "officer", "member"):
        client.force_login(world[persona])
        assert client.get(url).status_code == 403
        assert client.post(reverse("confirm_import", args=[pending.pk])).status_code == 403
    # One more import's detail page costs the same.
    client.force_login(world["admin"])
    upload(client, values_csv("KIN1,Q2 2022/23,28,,,,"), name="again.csv")
    again = PendingImport.objects.get(filename="again.csv")
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("import_detail", args=[again.pk]))
    assert len(second) == len(queries)


def test_command_refuses_work_in_progress_and_locked_periods_unless_told(tmp_path, world):
    submitted_value(world)
    make_value(world["kin"], "Q1 2022/23", 29)
    path = tmp_path / "values.csv"
    path.write_bytes(values_csv("KIN1,Q1 2022/23,31,,,,", "KIN1,Q2 2022/23,27,,,,"))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="2 problems found"):
        call_command("import_data", "values", str(path), stdout=io.StringIO(), stderr=errors)
    assert "row 2, period: Q1 2022/23 is locked" in errors.getvalue()
    assert "row 3, period: The value of KIN1 for Q2 2022/23 is submitted by Kirsty Duncan" in errors.getvalue()
    out = io.StringIO()
    call_command(
        "import_data", "values", str(path), "--commit", "--user", "admin", "--replace-in-progress",
        "--correction-reason", REASON, stdout=out,
    )  # fmt: skip
    assert "Corrects Q1 2022/23" in out.getvalue() and "1 entry still in progress is replaced" in out.getvalue()
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [27, 31]
    assert set(IndicatorValue.objects.values_list("state", flat=True)) == {ReviewState.APPROVED}


def test_a_new_action_for_a_locked_period_needs_no_reason_until_it_has_an_update(world):
    plan_obj = make_plan(world["service"], code="SP1")
    content = b"plan_code,action_code,title\nSP1,NEW1,A new action\n"
    plan = plan_import("actions", content, "a.csv")
    assert plan.valid
    apply_import(plan, world["admin"], "a.csv")
    assert Action.objects.filter(plan=plan_obj, code="NEW1").exists()
    assert not ActionUpdate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_write_once():
    """Two clicks arriving together (two app servers): the upload's row lock makes the second wait,
    then find the import applied. Needs a server database: SQLite has no row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: run with DATABASE_URL=postgres://... (CI does)")
    service = make_service()
    people = personas(service)
    kin = make_indicator(service, code="KIN1", unit="%", decimal_places=1, owner=people["officer"])
    make_target(kin, "Q2 2022/23", 30, 2)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    first = Client()
    first.force_login(people["admin"])
    upload(first, values_csv("KIN1,Q2 2022/23,31,,,,"))
    pending = PendingImport.objects.get()
    url = reverse("confirm_import", args=[pending.pk])
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def click() -> None:
        client = Client()
        client.force_login(people["admin"])
        barrier.wait()
        try:
            answers.append(client.post(url, follow=True).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 2
    assert sum("Imported q2.csv: 1 new" in a for a in answers) == 1
    assert sum("already been imported; nothing was written again" in a for a in answers) == 1
    assert IndicatorValue.objects.count() == 1 and IndicatorValue.history.count() == 1
