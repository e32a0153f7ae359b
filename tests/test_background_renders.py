"""Large committee reports render on the background worker, which sees only committed work."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.committee import tasks
from reports.models import IssuedReport, ReportRender
from tests.factories import make_performance_user
from tests.test_committee_reports import confirm_issue, make_report


@pytest.mark.django_db(transaction=True)
def test_large_reports_render_on_the_background_worker(client, monkeypatch):
    call_command("load_demo", force=True, stdout=io.StringIO())
    monkeypatch.setattr(tasks, "INLINE_LIMIT", 0)
    admin = make_performance_user("perf")
    client.force_login(admin)
    report = make_report(include_actions=False)
    # A transactional test: the worker closes its database connection between tasks, and only
    # sees work that has been committed, as in production.
    response = confirm_issue(client, report)
    assert response.status_code == 302
    render = ReportRender.objects.get(report=report)
    assert render.status == ReportRender.Status.QUEUED
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    # Progress without a meta refresh: a script polls the status URL; a Refresh link without it.
    assert "being made in the background" in page and 'http-equiv="refresh"' not in page
    assert "js/render-status.js" in page and ">Refresh</a>" in page
    status = client.get(reverse("reports:render_status", args=[report.pk])).json()
    assert status["waiting"] and status["renders"][0]["status"] == "queued"

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
    render.refresh_from_db()
    assert render.status == ReportRender.Status.DONE
    assert IssuedReport.objects.get(report=report).page_count >= 1
    assert render.pdf is None  # the issued file is kept once, in the archive
