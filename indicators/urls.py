from django.urls import path

from . import benchmark_views, import_views, review_views, risk_views, views

urlpatterns = [
    path("updates/", views.my_updates, name="my_updates"),
    path("updates/<str:period>/actions/<int:pk>/", views.action_update, name="action_update"),
    path("updates/<str:period>/indicators/<int:pk>/", views.indicator_update, name="indicator_update"),
    path("updates/<str:period>/indicators/", views.bulk_values, name="bulk_values"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("review/updates/<int:pk>/", review_views.review_update, name="review_update"),
    path("review/values/<int:pk>/", review_views.review_value, name="review_value"),
    path("rounds/", review_views.rounds, name="rounds"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/confirm/", import_views.confirm_import, name="confirm_import"),
    path("imports/templates/<str:kind>.csv", import_views.import_template, name="import_template"),
    path(
        "imports/templates/<str:kind>.xlsx",
        import_views.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path("benchmarking/settings/", benchmark_views.benchmark_settings, name="benchmark_settings"),
    path("benchmarking/settings/groups/new/", benchmark_views.family_group, name="new_family_group"),
    path("benchmarking/settings/groups/<int:pk>/", benchmark_views.family_group, name="family_group"),
    path("risks/service/<slug:slug>/", risk_views.service_register, name="service_risks"),
    path("risks/committee/<slug:slug>/", risk_views.committee_register, name="committee_risks"),
    path("risks/<int:pk>/review/", risk_views.review_risk, name="review_risk"),
    path("review/risks/<int:pk>/", risk_views.decide_risk_review, name="decide_risk_review"),
    path("rounds/<int:pk>/lock/", review_views.lock, name="lock_round"),
    path("rounds/<int:pk>/reopen/", review_views.reopen, name="reopen_round"),
]
