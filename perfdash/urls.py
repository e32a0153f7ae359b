from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from perfdash import accounts, health, sso
from perfdash.sso import local_passwords_only
from reports.workspace.views import home, search


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that link no icon (the admin, a report's preview):
    the icon every page of ours links. Not permanent: its address changes with its content."""
    return redirect(staticfiles_storage.url("favicon.svg"))


urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon),
    path("search/", search, name="search"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        local_passwords_only(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html", form_class=accounts.PasswordChangeForm
            )
        ),
        name="password_change",
    ),
    path(
        "accounts/password/changed/",
        local_passwords_only(
            auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        local_passwords_only(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
                extra_email_context={"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        local_passwords_only(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html",
                extra_context={"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
            )
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        local_passwords_only(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html", form_class=accounts.SetPasswordForm
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        local_passwords_only(
            auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
        ),
        name="password_reset_complete",
    ),
    path("accounts/lockouts/", accounts.lockouts, name="lockouts"),
    path("oidc/authenticate/", sso.sign_in, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback, name="oidc_authentication_callback"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/web", health.healthz_web, name="healthz_web"),
    path("", include("reports.urls")),
    path("", include("indicators.urls")),
    path("admin/", admin.site.urls),
]
