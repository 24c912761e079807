"""How people sign in here, for every page that offers a way in (sign-in, lockout, administration)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from rapport.people import sso


def sign_in(request: HttpRequest) -> dict[str, object]:
    return {
        "password_sign_in": settings.RAPPORT_PASSWORD_SIGN_IN,
        "single_sign_on_label": settings.RAPPORT_OIDC_BUTTON_LABEL if sso.enabled() else "",
    }
