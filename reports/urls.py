from django.urls import path

from .committee import views as committee
from .scorecards import views as scorecards

app_name = "reports"
urlpatterns = [
    path("scorecards/", scorecards.council_scorecard, name="council_scorecard"),
    path("scorecards/committee/<slug:slug>/", scorecards.committee_scorecard, name="committee_scorecard"),
    path("scorecards/service/<slug:slug>/", scorecards.service_scorecard, name="service_scorecard"),
    path("scorecards/plan/<int:pk>/", scorecards.plan_scorecard, name="plan_scorecard"),
    path("indicators/<int:pk>/", scorecards.indicator_detail, name="indicator"),
    path("benchmarking/", scorecards.benchmarking, name="benchmarking"),
    path("benchmarking/indicators/<int:pk>/", scorecards.benchmark_indicator, name="benchmark_indicator"),
    path("actions/<int:pk>/", scorecards.action_detail, name="action"),
    path("committee-reports/", committee.committee_reports, name="committee_reports"),
    path("committee-reports/<int:pk>/", committee.committee_report, name="committee_report"),
    path("committee-reports/<int:pk>/preview/", committee.preview, name="preview"),
    path("committee-reports/<int:pk>/readiness/", committee.readiness, name="readiness"),
    path("committee-reports/<int:pk>/edit/", committee.edit_report, name="edit_report"),
    path("committee-reports/<int:pk>/delete/", committee.delete_report, name="delete_report"),
    path("committee-reports/<int:pk>/renders.json", committee.render_status, name="render_status"),
    path("committee-reports/<int:pk>/pdf/", committee.make_pdf, name="make_pdf"),
    path("committee-reports/renders/<int:pk>.pdf", committee.render_pdf, name="render_pdf"),
    path("committee-reports/issued/<int:pk>.pdf", committee.issued_pdf, name="issued_pdf"),
    path("committee-reports/issued/<int:pk>.docx", committee.issued_docx, name="issued_docx"),
    path("committee-reports/<int:pk>/draft.docx", committee.draft_docx, name="draft_docx"),
    path("committee-reports/issued/<int:pk>/withdraw/", committee.withdraw, name="withdraw"),
]
