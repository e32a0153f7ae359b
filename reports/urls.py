from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("scorecards/", views.council_scorecard, name="council_scorecard"),
    path("scorecards/committee/<slug:slug>/", views.committee_scorecard, name="committee_scorecard"),
    path("scorecards/service/<slug:slug>/", views.service_scorecard, name="service_scorecard"),
    path("scorecards/plan/<int:pk>/", views.plan_scorecard, name="plan_scorecard"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
]
