"""Scorecards and committee reports (built in later issues)."""

app_name = "reports"
urlpatterns: list = []
