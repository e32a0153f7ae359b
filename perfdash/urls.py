from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from indicators.views.updates import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("reports.urls")),
    path("", include("indicators.urls")),
    path("admin/", admin.site.urls),
]
