"""Corrections after a report is issued: who may write into a locked period, with what reason, how
it is recorded, and how pages mark figures revised since the report while the issued PDF stays
byte-identical."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.admin import CorrectionForm
from indicators.models import ActionUpdate, IndicatorValue, ReportingRound, ReviewState, Target
from indicators.periods import Period
from indicators.workflow import (
    CORRECTION_REASON_MAX,
    WorkflowError,
    correction_reason,
    locked_periods,
    locked_round,
    require_correction_allowed,
    save_value,
)
from reports.committee import tasks
from reports.committee.pdf import build_report_data, snapshot
from reports.models import CommitteeReport, IssuedFigure, IssuedReport
from reports.scorecards.revisions import Frozen, Revision, figures_from_snapshot, freeze_figures, revision
from tests.factories import (
    make_action,
    make_committee,
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
ISSUED_AT = "2022-11-30 10:00 +0000"
REASON = "Restated after validation by the Care Inspectorate"
ARROW = '<span aria-hidden="true">→</span><span class="visually-hidden">changed to</span>'


@pytest.fixture
def world():
    """A service with two indicators and an action reported for Q2 2022/23, whose round is locked."""
    service = make_service("Justice services")
    people = personas(service)
    plan = make_plan(service, first_year=2020, last_year=2022)
    committee = make_committee(service, name="Audit and Scrutiny Committee")
    action = make_action(plan, code="JS1", assigned_to=people["officer"], due_date=dt.date(2023, 3, 31))
    make_update(action, "Q2 2022/23", 40, narrative="<p>Under way.</p>")
    justice = make_indicator(
        service, plan=plan, code="JUS1", unit="%", decimal_places=1, polarity="lower", owner=people["officer"]
    )
    make_target(justice, "Q2 2022/23", 10, 1)
    make_value(justice, "Q2 2022/23", "9.9")
    kinship = make_indicator(service, plan=plan, code="KIN1", unit="%", decimal_places=1, owner=people["officer"])
    make_target(kinship, "Q2 2022/23", 30, 2)
    make_value(kinship, "Q2 2022/23", 31)
    reporting_round = make_round("Q2 2022/23", locked=True)
    return {
        **people,
        "service": service,
        "plan": plan,
        "committee": committee,
        "action": action,
        "justice": justice,
        "kinship": kinship,
        "round": reporting_round,
    }


def make_report(world) -> CommitteeReport:
    return CommitteeReport.objects.create(
        title="Quarter 2 performance", committee=world["committee"], meeting_date=dt.date(2022, 12, 7), period=Q2
    )


def issue_quickly(report: CommitteeReport, user) -> IssuedReport:
    """Issue `report` as the worker does, but with a stand-in PDF (rendering takes seconds)."""
    with time_machine.travel(ISSUED_AT):
        issued = IssuedReport.objects.create(
            report=report, issued_by=user, data=snapshot(build_report_data(report)), pdf=b"%PDF-1.7 x", page_count=1
        )
        freeze_figures(issued)
    return issued


# The rule: who may write into a locked period --------------------------------------------------


@pytest.mark.parametrize(
    ("round_state", "person", "reason", "allowed"),
    [
        ("none", "officer", "", True),  # no round: set-up of history (officers' forms also need an open round)
        ("open", "officer", "", True),
        ("open", "admin", "", True),
        ("locked", "officer", REASON, False),
        ("locked", "approver", REASON, False),
        ("locked", "member", REASON, False),
        ("locked", "admin", "", False),
        ("locked", "admin", "   ", False),
        ("locked", "admin", REASON, True),
    ],
)
def test_only_the_performance_team_corrects_a_locked_period_and_only_with_a_reason(
    round_state, person, reason, allowed
):
    service = make_service()
    people = personas(service)
    if round_state != "none":
        make_round("Q2 2022/23", locked=round_state == "locked")
    if allowed:
        require_correction_allowed(Q2, people[person], reason)
    else:
        with pytest.raises(WorkflowError, match="Q2 2022/23 is locked"):
            require_correction_allowed(Q2, people[person], reason)


@pytest.mark.parametrize(
    ("period", "locked"),
    [
        ("Q2 2022/23", True),
        ("Aug 2022", True),  # a month belongs to the round of its quarter
        ("Sep 2022", True),
        ("Oct 2022", False),
        ("H1 2022/23", True),  # ends with Q2
        ("2022/23", False),  # an annual figure belongs to Q4's round
        ("Q3 2022/23", False),
    ],
)
def test_a_period_is_locked_by_the_round_of_the_quarter_it_ends_in(period, locked):
    make_round("Q2 2022/23", locked=True)
    make_round("Q4 2022/23")
    assert (locked_round(Period.parse(period)) is not None) == locked
    assert (Period.parse(period) in locked_periods([Period.parse(period)])) == locked


def test_the_reason_is_kept_in_the_audit_history_within_its_length():
    assert correction_reason(f"  {REASON} ") == f"Correction: {REASON}"
    assert len(correction_reason("x" * CORRECTION_REASON_MAX)) == 100  # the audit history's limit
    with pytest.raises(WorkflowError, match="at most"):
        correction_reason("x" * (CORRECTION_REASON_MAX + 1))


# The officers' forms ---------------------------------------------------------------------------


def value_url(world, code="justice", period=Q2):
    return reverse("indicator_update", args=[period.slug, world[code].pk])


def test_officers_cannot_write_into_a_locked_period(client, world):
    client.force_login(world["officer"])
    page = client.get(value_url(world)).content.decode()
    assert "was locked by the performance team" in page and "Reason for the correction" not in page
    refused = client.post(
        value_url(world), {"value": "8.7", "commentary": "Typed before the lock", "version": "1", "submit": "1"}
    )
    assert refused.status_code == 403
    page = refused.content.decode()  # the page again, with what was typed to copy: nothing is lost
    assert "<h2>Not saved</h2>" in page and "was locked by the performance team" in page
    assert "<dt>Value</dt><dd>8.7</dd>" in page and "<dd>Typed before the lock</dd>" in page
    with pytest.raises(WorkflowError, match="Only the performance team"):
        save_value(world["justice"], Q2, 1, {"value": Decimal("8.7")}, world["officer"], submit=True, reason=REASON)
    assert IndicatorValue.objects.get(indicator=world["justice"]).value == Decimal("9.9")


def test_performance_team_corrects_a_value_with_a_reason_and_the_history_keeps_old_and_new(client, world):
    client.force_login(world["admin"])
    page = client.get(value_url(world)).content.decode()
    assert "Reason for the correction" in page and "Save the correction" in page
    assert "Submit for approval" not in page

    without = client.post(value_url(world), {"value": "8.7", "version": "1", "correct": "1"})
    assert without.status_code == 200
    body = without.content.decode()
    assert "Say why the figure is being corrected." in body and 'value="8.7"' in body  # what was typed is kept
    assert IndicatorValue.objects.get(indicator=world["justice"]).value == Decimal("9.9")

    done = client.post(
        value_url(world), {"value": "8.7", "version": "1", "commentary": "Restated", "correction_reason": REASON}
    )
    assert done.status_code == 302 and done.url == reverse("reports:indicator", args=[world["justice"].pk])
    value = IndicatorValue.objects.get(indicator=world["justice"])
    assert (value.value, value.state, value.version, value.reviewed_by) == (
        Decimal("8.7"),
        ReviewState.APPROVED,
        2,
        world["admin"],
    )
    latest, before = value.history.order_by("-history_id")[:2]
    assert latest.history_change_reason == f"Correction: {REASON}"
    assert latest.history_user == world["admin"]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(before).changes}
    assert changes["value"] == (Decimal("9.9"), Decimal("8.7"))
    timeline = client.get(reverse("reports:indicator", args=[world["justice"].pk])).content.decode()
    assert f"Correction: {REASON} (Value from 9.9% to 8.7%)" in timeline  # what changed, beside why


def test_a_correction_typed_over_a_stored_ratio_is_not_replaced_by_the_ratio(client, world):
    """The form shows a figure worked out from a numerator and denominator by those two, with the
    value box empty: a value typed there once saved as the old ratio's figure, and said "corrected"."""
    IndicatorValue.objects.filter(indicator=world["justice"]).update(
        value=Decimal("9.91"), numerator=42, denominator=424
    )
    client.force_login(world["admin"])
    typed = {"value": "10.6", "numerator": "42", "denominator": "424", "version": "1", "correction_reason": REASON}
    refused = client.post(value_url(world), typed)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "The value 10.6 does not match the numerator and denominator, which give 9.9 (42 ÷ 424)" in body
    assert 'id="id_value-error"' in body and 'value="10.6"' in body and REASON in body  # nothing typed is lost
    assert IndicatorValue.objects.get(indicator=world["justice"]).value == Decimal("9.91")

    cleared = client.post(value_url(world), typed | {"numerator": "", "denominator": ""})
    assert cleared.status_code == 302
    value = IndicatorValue.objects.get(indicator=world["justice"])
    assert (value.value, value.numerator, value.denominator) == (Decimal("10.6"), None, None)


def test_a_timeline_shows_figures_only_once_approved(client, world):
    """Members read timelines too: a draft's or a submission's figure is not theirs to see yet."""
    value = IndicatorValue.objects.get(indicator=world["justice"])
    value.value, value.state = Decimal("7.5"), ReviewState.SUBMITTED
    value.save()  # the audit history keeps the submission, figure and all
    client.force_login(world["member"])
    timeline = client.get(reverse("reports:indicator", args=[world["justice"].pk])).content.decode()
    assert "7.5%" not in timeline and "Value 9.9%" in timeline  # the approved figure, as first approved


def test_a_correction_to_a_red_value_needs_its_exception_report(client, world):
    client.force_login(world["admin"])
    refused = client.post(value_url(world), {"value": "14", "version": "1", "correction_reason": REASON})
    assert "fill in “How we are performing”" in refused.content.decode()
    assert IndicatorValue.objects.get(indicator=world["justice"]).value == Decimal("9.9")
    with pytest.raises(WorkflowError, match="exception report"):
        save_value(world["justice"], Q2, 1, {"value": Decimal("14")}, world["admin"], submit=False, reason=REASON)


def test_performance_team_corrects_an_action_update_with_a_reason(client, world):
    url = reverse("action_update", args=[Q2.slug, world["action"].pk])
    client.force_login(world["officer"])
    refused = client.post(url, {"progress": "55", "narrative": "Nearly there", "version": "1"})
    assert refused.status_code == 403
    assert "<dt>Progress (%)</dt><dd>55</dd>" in refused.content.decode()
    assert "<dd>Nearly there</dd>" in refused.content.decode()
    client.force_login(world["admin"])
    data = {"progress": "55", "narrative": "<p>Further on than reported.</p>", "version": "1"}
    assert "Say why the figure is being corrected." in client.post(url, data).content.decode()
    assert client.post(url, data | {"correction_reason": REASON}).status_code == 302
    update = ActionUpdate.objects.get(action=world["action"])
    assert (update.progress, update.state, update.version) == (55, ReviewState.APPROVED, 2)
    assert update.history.first().history_change_reason == f"Correction: {REASON}"
    page = client.get(reverse("reports:action", args=[world["action"].pk])).content.decode()
    assert f"Correction: {REASON} (Progress from 40% to 55%)" in page


def test_a_stale_correction_is_a_conflict_not_an_overwrite(client, world):
    client.force_login(world["admin"])
    client.post(value_url(world), {"value": "8.7", "version": "1", "correction_reason": REASON})
    again = client.post(value_url(world), {"value": "8.1", "version": "1", "correction_reason": "Second thoughts"})
    assert "while you were editing" in again.content.decode()
    assert IndicatorValue.objects.get(indicator=world["justice"]).value == Decimal("8.7")


# The admin -------------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the admin's change form as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client, url) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data


def admin_change(client, model, obj, **changes):
    url = reverse(f"admin:indicators_{model}_change", args=[obj.pk])
    return client.post(url, admin_form(client, url) | changes)


def test_the_admin_asks_for_a_reason_to_change_a_locked_periods_value_or_target(client, world):
    client.force_login(world["admin"])
    value = IndicatorValue.objects.get(indicator=world["justice"])
    refused = admin_change(client, "indicatorvalue", value, value="8.7")
    assert refused.status_code == 200 and "Say why this figure is being corrected" in refused.content.decode()
    assert IndicatorValue.objects.get(pk=value.pk).value == Decimal("9.9")

    assert admin_change(client, "indicatorvalue", value, value="8.7", correction_reason=REASON).status_code == 302
    value = IndicatorValue.objects.get(pk=value.pk)
    assert value.value == Decimal("8.7")
    assert value.history.first().history_change_reason == f"Correction: {REASON}"
    assert value.history.first().history_user == world["admin"]

    target = Target.objects.get(indicator=world["justice"])
    assert admin_change(client, "target", target, value="9").status_code == 200
    assert admin_change(client, "target", target, value="9", correction_reason=REASON).status_code == 302
    assert Target.objects.get(pk=target.pk).history.first().history_change_reason == f"Correction: {REASON}"

    # Moving a figure out of (or into) a locked period is a correction too.
    assert admin_change(client, "target", target, period="Q3 2022/23").status_code == 200
    # An open period needs no reason.
    open_target = make_target(world["justice"], "Q3 2022/23", 10, 1)
    assert admin_change(client, "target", open_target, value="9").status_code == 302


def test_the_admins_inline_rows_need_a_reason_to_change_or_delete_a_locked_period(client, world):
    client.force_login(world["admin"])
    url = reverse("admin:indicators_indicator_change", args=[world["justice"].pk])
    form = admin_form(client, url)
    [value_prefix] = [k[: -len("-value")] for k in form if k.startswith("values-") and k.endswith("0-value")]
    refused = client.post(url, form | {f"{value_prefix}-value": "8.7"})
    assert refused.status_code == 200 and "Say why this figure is being corrected" in refused.content.decode()
    deleting = client.post(url, form | {f"{value_prefix}-DELETE": "on"})
    assert deleting.status_code == 200 and IndicatorValue.objects.filter(indicator=world["justice"]).exists()

    saved = client.post(url, form | {f"{value_prefix}-value": "8.7", f"{value_prefix}-correction_reason": REASON})
    assert saved.status_code == 302
    value = IndicatorValue.objects.get(indicator=world["justice"])
    assert value.value == Decimal("8.7") and value.history.first().history_change_reason == f"Correction: {REASON}"

    # The stand-alone delete page and the list's "delete selected" are not offered for locked periods.
    assert client.get(reverse("admin:indicators_indicatorvalue_delete", args=[value.pk])).status_code == 403
    changelist = client.get(reverse("admin:indicators_indicatorvalue_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_the_admin_refuses_corrections_from_outside_the_performance_team(client, world):
    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_indicatorvalue", "view_indicatorvalue"])
    )
    client.force_login(clerk)
    value = IndicatorValue.objects.get(indicator=world["justice"])
    response = admin_change(client, "indicatorvalue", value, value="8.7", correction_reason=REASON)
    assert "Only the performance team can correct it" in response.content.decode()
    assert IndicatorValue.objects.get(pk=value.pk).value == Decimal("9.9")
    # The form itself refuses, whoever builds it.
    form_class = modelform_factory(IndicatorValue, form=CorrectionForm, fields=["period", "value"])
    form_class.user = world["officer"]
    form = form_class({"period": "Q2 2022/23", "value": "8.7", "correction_reason": REASON}, instance=value)
    assert not form.is_valid() and "Only the performance team" in str(form.errors)


# Revised since the report ----------------------------------------------------------------------

WHEN = dt.datetime(2022, 11, 30, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("frozen", "current", "places", "revised"),
    [
        (None, Decimal("8.7"), 1, None),  # no issued report showed it
        (Frozen(Decimal("9.9"), WHEN), Decimal("9.9"), 1, None),
        (Frozen(Decimal("26"), WHEN), Decimal("26.0000"), 0, None),  # the same figure, stored with more places
        (Frozen(Decimal("9.9"), WHEN), Decimal("9.9057"), 1, None),  # still shows as 9.9%
        (Frozen(Decimal("9.9"), WHEN), Decimal("9.9057"), 2, Revision(WHEN, Decimal("9.9"), Decimal("9.9057"))),
        (
            Frozen(Decimal("9.94"), WHEN),
            Decimal("9.95"),
            1,
            Revision(WHEN, Decimal("9.94"), Decimal("9.95")),
        ),  # 9.9 → 10.0
        (Frozen(None, WHEN), None, 1, None),  # no figure then or now
        (Frozen(Decimal("9.9"), WHEN), Decimal("8.7"), 1, Revision(WHEN, Decimal("9.9"), Decimal("8.7"))),
        (Frozen(None, WHEN), Decimal("62"), 1, Revision(WHEN, None, Decimal("62"))),  # arrived after the report
        (Frozen(Decimal("62"), WHEN), None, 1, Revision(WHEN, Decimal("62"), None)),  # removed since
        (Frozen(Decimal("0"), WHEN), None, 0, Revision(WHEN, Decimal("0"), None)),  # zero is a figure
        (Frozen(Decimal("40"), WHEN), 55, 0, Revision(WHEN, Decimal("40"), Decimal("55"))),  # progress
    ],
)
def test_revision_rule(frozen, current, places, revised):
    assert revision(frozen, current, places) == revised


def _snapshot(appendices: dict) -> dict:
    indicator = {"id": 7, "reported_period": "2022/23-Q2", "value": "9.9000", "target": "10.0000"}
    not_measured = {"id": 8, "reported_period": None, "value": None, "target": None}
    return {
        "appendices": appendices,
        "scorecard": {
            "period": "2022/23-Q2",
            "plans": [
                {"sections": [{"actions": [{"id": 3, "progress": 40}], "indicators": [indicator, not_measured]}]}
            ],
        },
        "red_indicators": [{"id": 9, "reported_period": "2022/23-Q2", "value": "14", "target": "10"}],
    }


@pytest.mark.parametrize(
    ("appendices", "expected"),
    [
        (
            {"actions": True, "indicators": True, "exceptions": False},
            {
                ("value", 7, "2022/23-Q2"): Decimal("9.9"),
                ("target", 7, "2022/23-Q2"): Decimal("10"),
                ("progress", 3, "2022/23-Q2"): Decimal("40"),
            },
        ),
        (
            {"actions": False, "indicators": False, "exceptions": True},  # only the red ones were shown
            {("value", 9, "2022/23-Q2"): Decimal("14"), ("target", 9, "2022/23-Q2"): Decimal("10")},
        ),
        ({"summary": True}, {}),  # counts only: no figure of any one item
    ],
)
def test_an_issued_report_freezes_the_figures_it_showed(appendices, expected):
    assert figures_from_snapshot(_snapshot(appendices)) == expected
    assert figures_from_snapshot({"x": 1}) == {}  # any frozen data at all


def test_pages_mark_revised_figures_while_the_issued_pdf_stays_byte_identical(client, world):
    report = make_report(world)
    with time_machine.travel(ISSUED_AT):
        tasks.request_render(report, world["admin"], issue=True)
    issued = IssuedReport.objects.get(report=report)
    pdf = bytes(issued.pdf)
    assert IssuedFigure.objects.filter(issued=issued).count() == 5  # 2 values, 2 targets, 1 action's progress

    client.force_login(world["member"])
    scorecard = reverse("reports:committee_scorecard", args=[world["committee"].slug])
    assert "Revised since" not in client.get(scorecard, {"period": Q2.key}).content.decode()

    client.force_login(world["admin"])
    client.post(value_url(world), {"value": "8.7", "version": "1", "correction_reason": REASON})
    target = Target.objects.get(indicator=world["kinship"])
    admin_change(client, "target", target, value="32", correction_reason=REASON)
    action_url = reverse("action_update", args=[Q2.slug, world["action"].pk])
    client.post(
        action_url,
        {"progress": "55", "narrative": "<p>Further on.</p>", "version": "1"} | {"correction_reason": REASON},
    )

    client.force_login(world["member"])
    page = client.get(scorecard, {"period": Q2.key}).content.decode()
    note = "Revised since the report of 30 Nov 2022: {} " + ARROW + " {}"
    for old, new in [("9.9%", "8.7%"), ("30.0%", "32.0%"), ("40%", "55%")]:
        assert note.format(old, new) in page, (old, new)
    assert page.count("Revised since") == 3

    indicator_page = client.get(reverse("reports:indicator", args=[world["justice"].pk])).content.decode()
    assert note.format("9.9%", "8.7%") in indicator_page

    archive = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert "Revised since version 1 (issued 30 Nov 2022)" in archive
    for row in [
        ("JUS1", "Value", "9.9%", "8.7%"),
        ("KIN1", "Target", "30.0%", "32.0%"),
        ("JS1", "Progress", "40%", "55%"),
    ]:
        code, figure, old, new = row
        assert f'<td class="code">{code}</td>' in archive and f"<td>{figure}</td>" in archive
        assert f'<td class="num">{old}</td><td class="num">{new}</td>' in archive

    # The record of what went to committee is untouched.
    download = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert download.content == pdf and hashlib.sha256(download.content).hexdigest() == issued.sha256
    assert IssuedReport.objects.get(pk=issued.pk).verify()


def test_the_latest_issued_report_is_the_reference_and_withdrawn_ones_are_not(client, world):
    report = make_report(world)
    first = issue_quickly(report, world["admin"])
    client.force_login(world["admin"])
    client.post(value_url(world), {"value": "8.7", "version": "1", "correction_reason": REASON})
    scorecard = reverse("reports:committee_scorecard", args=[world["committee"].slug])
    client.force_login(world["member"])
    assert "9.9%" in client.get(scorecard, {"period": Q2.key}).content.decode().split("Revised since")[1]

    # Withdrawn: no longer the reference (and the cached scorecard follows).
    first.withdraw(world["admin"], "Wrong committee")
    assert "Revised since" not in client.get(scorecard, {"period": Q2.key}).content.decode()

    # A new version issued with the corrected figure: nothing is revised since that one.
    second = issue_quickly(report, world["admin"])
    assert "Revised since" not in client.get(scorecard, {"period": Q2.key}).content.decode()
    archive = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert "No figure in it has changed since it was issued." in archive
    assert second.figures.get(kind="value", object_id=world["justice"].pk).number == Decimal("8.7")


def test_reports_issued_before_figures_were_frozen_are_backfilled(world):
    report = make_report(world)
    issued = issue_quickly(report, world["admin"])
    issued.figures.all().delete()
    migration = importlib.import_module("reports.migrations.0002_issued_figures")
    migration.freeze_issued_reports(django_apps, connection.schema_editor)
    assert issued.figures.count() == 5
    assert issued.figures.get(kind="value", object_id=world["justice"].pk).number == Decimal("9.9")


def test_report_page_queries_do_not_grow_with_the_revisions(client, world):
    report = make_report(world)
    issue_quickly(report, world["admin"])
    client.force_login(world["member"])
    url = reverse("reports:committee_report", args=[report.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        indicator = make_indicator(world["service"], plan=world["plan"], code=f"EXTRA{n}")
        make_value(indicator, "Q2 2022/23", n)
    issue_quickly(report, world["admin"])
    IndicatorValue.objects.filter(indicator__code__startswith="EXTRA").update(value=99)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("<td>Value</td>") == 5
    assert len(few) == len(many)


def test_indicator_and_action_pages_offer_corrections_to_the_performance_team_for_locked_periods_only(client, world):
    make_round("Q3 2022/23")
    make_value(world["justice"], "Q3 2022/23", "9.5")
    url = reverse("reports:indicator", args=[world["justice"].pk])
    client.force_login(world["officer"])
    assert "Correct<span" not in client.get(url).content.decode()
    client.force_login(world["admin"])
    body = client.get(url).content.decode()
    assert body.count("Correct<span") == 1 and value_url(world) in body
    assert ReportingRound.objects.filter(locked_at__isnull=False).count() == 1
    action_page = client.get(reverse("reports:action", args=[world["action"].pk])).content.decode()
    assert 'Correct<span class="visually-hidden"> the Q2 2022/23 update' in action_page
    client.force_login(world["approver"])
    assert "Correct<span" not in client.get(reverse("reports:action", args=[world["action"].pk])).content.decode()


def test_set_up_shows_an_entrys_review_but_cannot_approve_it_in_anyones_name(client, world):
    """A performance user once set an officer's draft to approved, "reviewed by" an approver, in
    Set-up: it went onto members' scorecards with nobody having reviewed it."""
    ReportingRound.objects.update(locked_at=None)
    value = IndicatorValue.objects.get(indicator=world["kinship"])
    IndicatorValue.objects.filter(pk=value.pk).update(state=ReviewState.DRAFT, author=world["officer"])
    seen = value.version
    client.force_login(world["admin"])
    url = reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
    page = client.get(url).content.decode()
    for field in ("state", "reviewed_by", "submitted_by", "author", "review_comment"):
        assert f'name="{field}"' not in page
    response = admin_change(
        client, "indicatorvalue", value, state="approved", reviewed_by=str(world["approver"].pk), commentary="Checked"
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.state, value.reviewed_by, value.author, value.commentary) == (
        ReviewState.DRAFT, None, world["officer"], "Checked",
    )  # fmt: skip
    assert value.version == seen + 1  # whoever had it open meets a conflict, not a silent overwrite

    # A figure from before the system, added as approved: recorded as approved by whoever added it.
    added = reverse("admin:indicators_indicatorvalue_add")
    form = {"indicator": str(world["kinship"].pk), "period": "Q1 2021/22", "value": "28", "state": "approved"}
    assert client.post(added, form | {"reviewed_by": str(world["approver"].pk)}).status_code == 302
    old = IndicatorValue.objects.get(indicator=world["kinship"], period=Period.parse("Q1 2021/22"))
    assert (old.state, old.author, old.submitted_by, old.reviewed_by) == (
        ReviewState.APPROVED, world["admin"], world["admin"], world["admin"],
    )  # fmt: skip
