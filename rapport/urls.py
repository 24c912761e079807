"""Every URL of Rapport. Each one has its row in tests/test_authorization_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rapport.people.forms import EmailAuthenticationForm, FirstPasswordResetForm
from rapport.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("privacy/", web_views.privacy_promise, name="privacy_promise"),
    path("healthz", web_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=FirstPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("rapport.people.urls")),
    path("", include("rapport.relationships.urls")),
    path("", include("rapport.privacy.urls")),
    path("", include("rapport.coaching.urls")),
    path("", include("rapport.conversations.urls")),
    path("", include("rapport.insights.urls")),
    path("", include("rapport.api.urls")),
    path("", include("rapport.operations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "rapport.web.errors.bad_request"
handler403 = "rapport.web.errors.permission_denied"
handler404 = "rapport.web.errors.page_not_found"
handler500 = "rapport.web.errors.server_error"
