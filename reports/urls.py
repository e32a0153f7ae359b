from django.urls import path

from . import report_views, views

app_name = "reports"
urlpatterns = [
    path("scorecards/", views.council_scorecard, name="council_scorecard"),
    path("scorecards/committee/<slug:slug>/", views.committee_scorecard, name="committee_scorecard"),
    path("scorecards/service/<slug:slug>/", views.service_scorecard, name="service_scorecard"),
    path("scorecards/plan/<int:pk>/", views.plan_scorecard, name="plan_scorecard"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("benchmarking/", views.benchmarking, name="benchmarking"),
    path("benchmarking/indicators/<int:pk>/", views.benchmark_indicator, name="benchmark_indicator"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("committee-reports/", report_views.committee_reports, name="committee_reports"),
    path("committee-reports/<int:pk>/", report_views.committee_report, name="committee_report"),
    path("committee-reports/<int:pk>/preview/", report_views.preview, name="preview"),
    path("committee-reports/<int:pk>/pdf/", report_views.make_pdf, name="make_pdf"),
    path("committee-reports/renders/<int:pk>.pdf", report_views.render_pdf, name="render_pdf"),
    path("committee-reports/issued/<int:pk>.pdf", report_views.issued_pdf, name="issued_pdf"),
    path("committee-reports/issued/<int:pk>/withdraw/", report_views.withdraw, name="withdraw"),
]
