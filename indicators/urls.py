from django.urls import path

from .views import benchmarking, imports, review, risks, rounds, updates, wording

urlpatterns = [
    path("updates/", updates.my_updates, name="my_updates"),
    path("updates/<str:period>/actions/<int:pk>/", updates.action_update, name="action_update"),
    path("updates/<str:period>/indicators/<int:pk>/", updates.indicator_update, name="indicator_update"),
    path("updates/<str:period>/indicators/", updates.bulk_values, name="bulk_values"),
    path("updates/recall/<str:kind>/<int:pk>/", updates.recall, name="recall_entry"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/approve/", review.approve_selected, name="approve_selected"),
    path("review/updates/<int:pk>/", review.review_update, name="review_update"),
    path("review/values/<int:pk>/", review.review_value, name="review_value"),
    path("review/risks/<int:pk>/", review.decide_risk_review, name="decide_risk_review"),
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/review-rules/", rounds.review_rules, name="review_rules"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", imports.confirm_import, name="confirm_import"),
    path("imports/templates/<str:kind>.csv", imports.import_template, name="import_template"),
    path(
        "imports/templates/<str:kind>.xlsx",
        imports.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path("benchmarking/settings/", benchmarking.benchmark_settings, name="benchmark_settings"),
    path("benchmarking/settings/groups/new/", benchmarking.family_group, name="new_family_group"),
    path("benchmarking/settings/groups/<int:pk>/", benchmarking.family_group, name="family_group"),
    path("status-words/", wording.status_wording, name="status_wording"),
    path("risks/service/<slug:slug>/", risks.service_register, name="service_risks"),
    path("risks/committee/<slug:slug>/", risks.committee_register, name="committee_risks"),
    path("risks/<int:pk>/review/", risks.review_risk, name="review_risk"),
    path("rounds/<int:pk>/lock/", rounds.lock, name="lock_round"),
    path("rounds/<int:pk>/reopen/", rounds.reopen, name="reopen_round"),
    path("rounds/<int:pk>/progress/", rounds.progress, name="round_progress"),
    path("rounds/<int:pk>/chase/", rounds.chase, name="round_chase"),
]
