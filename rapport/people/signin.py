"""The ways in: the sign-in page, the district's identity provider, and the password pages.

The sign-in page offers the provider's button when single sign-on is configured, and the
password form unless ``RAPPORT_PASSWORD_SIGN_IN`` is off; with it off, the password pages
(reset, change) say that passwords are not used here. The provider's side of the flow is
rapport/people/sso.py.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from rapport.people import sso
from rapport.people.forms import EmailAuthenticationForm
from rapport.people.sso import Refusal, SignInRefused

logger = logging.getLogger(__name__)

REFUSED_EMAIL_SESSION_KEY = "sso_refused_email"
SSO_BACKEND = f"{sso.DistrictSignInBackend.__module__}.{sso.DistrictSignInBackend.__qualname__}"

_Response = TypeVar("_Response", bound=HttpResponseBase)


def allow_the_provider_button(response: _Response) -> _Response:
    """Let the page's sign-in button post to Rapport and be redirected on to the provider (CSP)."""
    if sso.enabled():
        # django-csp's middleware reads this attribute, which HttpResponse does not declare.
        response._csp_update = {"form-action": [sso.form_action_origin()]}  # type: ignore[attr-defined]
    return response


class SignInView(LoginView):
    """Email and password, the district's provider, or both, as the operator chose."""

    authentication_form = EmailAuthenticationForm

    def get_form(self, form_class: type[AuthenticationForm] | None = None) -> AuthenticationForm:
        form = super().get_form(form_class)
        if sso.enabled():  # the provider's button comes first; the email field waits its turn
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return form

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.RAPPORT_PASSWORD_SIGN_IN:
            context = self.get_context_data(password_refused=True)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        return allow_the_provider_button(super().render_to_response(context, **response_kwargs))


class SignOutView(LogoutView):
    """Signs out of Rapport; the district account stays signed in, so a shared computer says so."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        through_the_provider = request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND
        response = super().post(request, *args, **kwargs)
        if through_the_provider:  # a warning, which stays on screen until read
            messages.warning(
                request,
                "You are signed out of Rapport. Your district account may still be signed in in this "
                "browser: on a shared computer, sign out of it too.",
            )
        return response


def with_password_sign_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A password page, which does not exist where the district signs in with its provider only."""

    @functools.wraps(view)
    def password_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.RAPPORT_PASSWORD_SIGN_IN:
            return view(request, *args, **kwargs)
        return render(request, "registration/passwords_off.html", status=404)

    return password_page


class _AuthenticationRequest(OIDCAuthenticationRequestView):  # type: ignore[misc]  # the library is untyped
    """mozilla-django-oidc's redirect to the provider (state, nonce, PKCE in the session), on a POST."""

    http_method_names = ["post"]
    provider: sso.DistrictProvider | None = None

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint comes from discovery, not from settings
        if self.provider is None:
            raise TypeError("_AuthenticationRequest.as_view() needs the provider")
        self.OIDC_OP_AUTH_ENDPOINT = self.provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def post(self, request: HttpRequest) -> HttpResponse:
        # reads ``next`` from the query string, checked against this host
        response: HttpResponse = self.get(request)
        return response


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """The provider's button: off to the district's sign-in page, and back to ``sso_callback``."""
    if not sso.enabled():
        raise Http404
    try:
        provider = sso.district_provider()
    except SignInRefused as refusal:
        return _refuse(request, refusal)
    response: HttpResponse = _AuthenticationRequest.as_view(provider=provider)(request)
    return response


class _Callback(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # the library is untyped
    """Where the provider sends the person back: signed in, or a page saying why not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state")
        attempts = request.session.get("oidc_states", {})
        if request.GET.get("error"):
            # mozilla-django-oidc would also sign out whoever is signed in: a link could do that.
            if attempts.pop(state, None) is not None:
                request.session.modified = True
            return self.login_failure()
        if state is not None and state not in attempts:
            return _refuse(request, SignInRefused(Refusal.EXPIRED_ATTEMPT))
        try:
            response: HttpResponse = super().get(request)
        except SignInRefused as refusal:
            return _refuse(request, refusal)
        return response

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error")
        if error == "access_denied":
            reason = Refusal.CANCELLED
        elif error:
            logger.warning("The identity provider answered the sign-in with the error %r", error[:100])
            reason = Refusal.PROVIDER_ERROR
        else:  # no code, or a browser that lost its session on the way
            reason = Refusal.EXPIRED_ATTEMPT
        return _refuse(self.request, SignInRefused(reason))


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not sso.enabled():
        raise Http404
    response: HttpResponse = _Callback.as_view()(request)
    return response


def _refuse(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    """Nobody is signed in: say why on a page of its own, which a reload shows again."""
    logger.warning(
        "Single sign-on refused (%s) for %s", refusal.reason.value, refusal.email or "an unnamed identity"
    )
    request.session[REFUSED_EMAIL_SESSION_KEY] = refusal.email
    return redirect(reverse("sso_refused", kwargs={"reason": refusal.reason.value}))


@require_GET
def refused(request: HttpRequest, reason: str) -> HttpResponse:
    """Why the district's provider did not sign this person in, and what they can do about it."""
    try:
        refusal = Refusal(reason)
    except ValueError:
        raise Http404 from None
    context = {
        "reason": refusal,
        "email": request.session.get(REFUSED_EMAIL_SESSION_KEY, ""),
        "allowed_domains": settings.RAPPORT_OIDC_ALLOWED_DOMAINS,
    }
    return render(request, "registration/sso_refused.html", context)
