from django.urls import path

from . import review_views, views

urlpatterns = [
    path("updates/", views.my_updates, name="my_updates"),
    path("updates/<str:period>/actions/<int:pk>/", views.action_update, name="action_update"),
    path("updates/<str:period>/indicators/<int:pk>/", views.indicator_update, name="indicator_update"),
    path("updates/<str:period>/indicators/", views.bulk_values, name="bulk_values"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("review/updates/<int:pk>/", review_views.review_update, name="review_update"),
    path("review/values/<int:pk>/", review_views.review_value, name="review_value"),
    path("rounds/", review_views.rounds, name="rounds"),
    path("rounds/<int:pk>/lock/", review_views.lock, name="lock_round"),
    path("rounds/<int:pk>/reopen/", review_views.reopen, name="reopen_round"),
]
