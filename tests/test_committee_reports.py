"""Committee report PDFs: content, tagging, freezing on issue, the archive, background rendering."""

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from indicators.models import Committee, IndicatorValue, Risk, Role
from indicators.periods import Period
from indicators.risk_register import build_register
from reports.committee import tasks
from reports.committee.pdf import build_report_data
from reports.committee.tasks import issues_asked
from reports.models import CommitteeReport, IssuedReport
from reports.presentation.svg import sparkline
from tests.factories import (
    make_action,
    make_indicator,
    make_performance_user,
    make_target,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")
SEED_CODES = [
    "STRAT1", "STRAT1.1", "STRAT1.2", "STRAT1.3", "STRAT1.4", "STRAT1.5", "STRAT2", "STRAT2.1", "STRAT2.2",
    "STRAT2.3", "SERV1", "SERV1.1", "SERV1.2", "SERV1.3", "SERV1.4",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_pdf(demo_db, django_db_blocker):
    """One rendering of the demo's Q2 report, shared by the content tests (rendering takes seconds).

    Made inside a transaction that is rolled back, so no data outlives this module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        admin = make_performance_user("module-admin")
        report = make_report(include_risks=True)
        render = tasks.request_render(report, admin)
        result = bytes(render.pdf), build_report_data(report)
        transaction.set_rollback(True)
    return result


def make_report(**extra) -> CommitteeReport:
    return CommitteeReport.objects.create(
        title="Children and Families & Justice Social Work: Quarter 2 performance",
        committee=Committee.objects.get(slug="ecod"),
        meeting_date=dt.date(2022, 11, 30),
        period=Q2,
        **extra,
    )


def confirmation_token(client, report: CommitteeReport) -> str:
    """The confirmation id of a freshly shown readiness page (one per page shown)."""
    page = client.get(reverse("reports:readiness", args=[report.pk])).content.decode()
    return re.search(r'name="confirmation" value="([0-9a-f-]{36})"', page).group(1)


def confirm_issue(client, report: CommitteeReport, token: str | None = None, issues_seen: int | None = None):
    """Issue `report` as the performance team does: the readiness page, then its confirmation
    (which says how many issues had been asked for when the page was shown)."""
    token = token or confirmation_token(client, report)
    seen = issues_asked(report) if issues_seen is None else issues_seen
    data = {"confirmation": token, "issues_seen": seen, "confirm": "on"}
    return client.post(reverse("reports:readiness", args=[report.pk]), data)


def pdf_catalog(pdf: bytes) -> dict:
    return PDFDocument(PDFParser(io.BytesIO(pdf))).catalog


def test_pdf_has_every_action_code_value_and_status_word(demo_pdf):
    pdf, data = demo_pdf
    text = " ".join(extract_text(io.BytesIO(pdf)).split())
    for code in SEED_CODES:
        assert code in text, code
    for label in ["41.8%", "26.0%", "9.9%", "66.7%", "43 children", "30.0%"]:
        assert label in text, label
    for word in ["Completed", "In progress", "Check progress", "Overdue", "Outwith tolerance", "Within tolerance",
                 "On target", "Data only", "Not measured this period", "Unlikely to meet target"]:  # fmt: skip
        assert word in text, word
    assert "Overall plan progress: 60%" in text
    assert "Appendix 4: Exception reports" in text and "Improvement actions" in text
    assert "Appendix 5: Risk register" in text and "CFSW-R01" in text


def test_risk_appendix_is_the_web_register(client, demo_pdf):
    pdf, data = demo_pdf
    committee = Committee.objects.get(slug="ecod")
    in_scope = Risk.objects.filter(service__in=committee.services.all()).select_related("owner")
    register = build_register(in_scope, timezone.localdate())
    assert data.risks.rows == register.rows and len(register.rows) > 1
    text = " ".join(extract_text(io.BytesIO(pdf)).split())
    for row in register.rows:
        assert f"{row.score} ({row.likelihood} × {row.impact})" in text
        assert row.direction.label in text and row.band.label in text
    assert any(row.direction != row.direction.NEW for row in register.rows)  # a direction of travel is shown
    assert ("Overdue" in text) == any(row.overdue for row in register.rows)

    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    page = client.get(reverse("committee_risks", args=["ecod"])).content.decode()
    for row in register.rows:
        assert row.reference in page and row.direction.label in page


def test_pdf_pages_are_numbered_and_counted(demo_pdf):
    pdf, _ = demo_pdf
    pages = list(PDFPage.get_pages(io.BytesIO(pdf)))
    text = extract_text(io.BytesIO(pdf))
    assert 6 <= len(pages) <= 20
    assert f"Page 2 of {len(pages)}" in text and f"Page {len(pages)} of {len(pages)}" in text  # the cover has none


def test_pdf_is_tagged_with_title_language_and_outline(demo_pdf):
    pdf, _ = demo_pdf
    catalog = pdf_catalog(pdf)
    assert "StructTreeRoot" in catalog and "MarkInfo" in catalog
    assert catalog["Lang"] in (b"en-GB", "en-GB")
    assert "Outlines" in catalog
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    titles = [title for _, title, *_ in document.get_outlines()]
    assert "Appendix 2: Action progress" in titles and "Appendix 3: Indicator scorecard" in titles
    title = document.info[0]["Title"]
    assert "Quarter 2 performance" in (title.decode("utf-16") if title.startswith(b"\xfe\xff") else title.decode())


def test_issue_freezes_the_pdf_while_drafts_follow_the_data(client, demo_pdf):
    admin = make_performance_user("perf")
    client.force_login(admin)
    report = make_report()
    confirm_issue(client, report)
    issued = IssuedReport.objects.get(report=report)
    first = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert first["ETag"] == f'"{issued.sha256}"'
    assert hashlib.sha256(first.content).hexdigest() == issued.sha256
    assert issued.data["scorecard"]["period"] == Q2.key

    # A correction after the meeting.
    value = IndicatorValue.objects.get(indicator__code="CFSW-JUS01", period=Q2)
    value.value = Decimal("8.7")
    value.save()

    again = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert again.content == first.content
    issued_text = extract_text(io.BytesIO(again.content))
    draft = tasks.request_render(report, admin)
    draft_text = extract_text(io.BytesIO(bytes(draft.pdf)))
    # The scorecard figure changed; the officer's narrative (which quotes 9.9%) did not.
    assert "8.7%" in draft_text and "8.7%" not in issued_text
    assert draft_text.count("9.9%") == issued_text.count("9.9%") - 1
    assert "Archive" in client.get(reverse("reports:committee_reports")).content.decode()


def test_issued_reports_cannot_be_changed_or_deleted_only_withdrawn(client, demo_db):
    admin = make_performance_user("perf")
    issued = IssuedReport.objects.create(
        report=make_report(), issued_by=admin, data={"x": 1}, pdf=b"%PDF-1.7 test", page_count=1
    )
    assert issued.verify()
    issued.pdf = b"%PDF-1.7 changed"
    with pytest.raises(ValidationError):
        issued.save()
    with pytest.raises(ValidationError):
        IssuedReport.objects.get(pk=issued.pk).delete()
    with pytest.raises(ValidationError):
        IssuedReport.objects.all().delete()

    member = make_user("cllr", Role.Kind.MEMBER)
    client.force_login(member)
    assert client.post(reverse("reports:withdraw", args=[issued.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("reports:make_pdf", args=[issued.report_id]), {"issue": "1"}).status_code == 403
    assert client.get(reverse("reports:issued_pdf", args=[issued.pk])).status_code == 200

    client.force_login(admin)
    client.post(reverse("reports:withdraw", args=[issued.pk]), {"reason": ""})
    assert IssuedReport.objects.get(pk=issued.pk).withdrawn_at is None
    client.post(reverse("reports:withdraw", args=[issued.pk]), {"reason": "Wrong period chosen"})
    withdrawn = IssuedReport.objects.get(pk=issued.pk)
    assert withdrawn.withdrawn_reason == "Wrong period chosen" and withdrawn.withdrawn_by == admin
    assert bytes(withdrawn.pdf) == b"%PDF-1.7 test"
    assert withdrawn.history.first().history_change_reason == "Withdrawn: Wrong period chosen"


def test_report_data_uses_a_fixed_number_of_queries(demo_db):
    report = make_report(include_risks=True)
    with CaptureQueriesContext(connection) as before:
        build_report_data(report)
    plan = report.committee.services.first().plans.first()
    for i in range(10):
        group = make_action(plan, code=f"NEW{i}")
        make_update(make_action(plan, code=f"NEW{i}.1", parent=group), "Q2 2022/23", 50)
        indicator = make_indicator(plan.service, plan=plan, code=f"NEWPI{i}")
        make_target(indicator, "Q2 2022/23", 10, 1)
        make_value(indicator, "Q2 2022/23", 5)  # red
    with CaptureQueriesContext(connection) as after:
        data = build_report_data(report)
    assert len(data.scorecard.indicator_summary) and data.scorecard.indicator_total == 24  # 14 in the demo plan + 10
    assert len(before) == len(after)
    # The exception reports appendix: every red indicator, gathered with the data.
    assert {f"NEWPI{i}" for i in range(10)} <= {row.code for row in data.red_indicators}
    assert {row.rag.value for row in data.red_indicators} == {"red"}


def test_sparkline_draws_values_target_and_band():
    svg = str(sparkline([31, 30.5, None, 29, 27, 26], [30] * 6, [28] * 6, label="Kinship <care>"))
    assert svg.startswith("<svg") and 'aria-label="Kinship &lt;care&gt;"' in svg
    assert svg.count("<polyline") == 3  # two value segments around the gap, and the target
    assert "<polygon" in svg  # the tolerance band
    assert len(svg) < 2000
    assert str(sparkline([None, None])) == ""


def test_performance_team_defines_a_report_and_members_read_the_archive(client, demo_db):
    committee = Committee.objects.get(slug="ecod")
    url = reverse("reports:committee_reports")
    member = make_user("cllr", Role.Kind.MEMBER)
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Archive: reports issued to committee" in page and "Define a report" not in page
    assert client.post(url, {"title": "x"}).status_code == 403

    client.force_login(make_performance_user("perf"))
    bad = client.post(
        url, {"title": "Q2 report", "committee": committee.pk, "meeting_date": "2022-11-30", "period": "Q7"}
    )
    assert "is not a period" in bad.content.decode() and 'value="Q2 report"' in bad.content.decode()
    response = client.post(
        url,
        {
            "title": "Q2 report",
            "committee": committee.pk,
            "meeting_date": "2022-11-30",
            "period": "Q2 2022/23",
            "include_summary": "on",
            "include_indicators": "on",
        },
    )
    report = CommitteeReport.objects.get(title="Q2 report")
    assert response.url == reverse("reports:committee_report", args=[report.pk])
    assert report.period == Q2 and not report.include_actions
    preview = client.get(reverse("reports:preview", args=[report.pk])).content.decode()
    assert "Appendix 1: Status summary" in preview and "Appendix 2: Indicator scorecard" in preview
    assert "Action progress" not in preview
