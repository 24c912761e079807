"""Every URL of Rapport. Each one has its row in tests/test_authorization_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rapport.people import signin
from rapport.people.forms import FirstPasswordResetForm
from rapport.people.signin import with_password_sign_in
from rapport.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("me/", web_views.teacher_space, name="teacher_space"),
    path("me/settings/", web_views.teacher_settings, name="teacher_settings"),
    path("privacy/", web_views.privacy_promise, name="privacy_promise"),
    path("healthz", web_views.healthz, name="healthz"),
    # Signing in and out (rapport/people/signin.py); the password pages only while passwords are on.
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    path("accounts/sso/start/", signin.start, name="sso_start"),
    path("accounts/sso/callback/", signin.callback, name="sso_callback"),
    path("accounts/sso/refused/<slug:reason>/", signin.refused, name="sso_refused"),
    path(
        "accounts/password_change/",
        with_password_sign_in(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        with_password_sign_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/",
        with_password_sign_in(auth_views.PasswordResetView.as_view(form_class=FirstPasswordResetForm)),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        with_password_sign_in(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        with_password_sign_in(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        with_password_sign_in(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("", include("rapport.roster.urls")),
    path("", include("rapport.relationships.urls")),
    path("", include("rapport.privacy.urls")),
    path("", include("rapport.coaching.urls")),
    path("", include("rapport.conversations.urls")),
    path("", include("rapport.insights.urls")),
    path("", include("rapport.resources.urls")),
    path("", include("rapport.search.urls")),
    path("", include("rapport.api.urls")),
    path("", include("rapport.operations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "rapport.web.errors.bad_request"
handler403 = "rapport.web.errors.permission_denied"
handler404 = "rapport.web.errors.page_not_found"
handler500 = "rapport.web.errors.server_error"
