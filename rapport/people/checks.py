"""Start-up checks of the sign-in settings: a mistake here locks people out or lets the wrong one in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from rapport.people import sso

# Names a person or a tenant's administrator can set, which no provider confirms as an address.
UNVERIFIED_ADDRESS_CLAIMS = frozenset({"preferred_username", "upn", "unique_name", "login_hint"})


@register(Tags.security)
def check_single_sign_on(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    parts = {
        "RAPPORT_OIDC_ISSUER": settings.RAPPORT_OIDC_ISSUER,
        "RAPPORT_OIDC_CLIENT_ID": settings.OIDC_RP_CLIENT_ID,
        "RAPPORT_OIDC_CLIENT_SECRET": settings.OIDC_RP_CLIENT_SECRET,
    }
    missing = [name for name, value in parts.items() if not value]
    if missing and len(missing) < len(parts):
        errors.append(
            Error(f"Single sign-on needs {', '.join(missing)} as well.", id="people.E001", obj="settings")
        )
    if not settings.RAPPORT_PASSWORD_SIGN_IN and not sso.enabled():
        errors.append(
            Error(
                "RAPPORT_PASSWORD_SIGN_IN is off but single sign-on is not configured: nobody could sign in.",
                hint="Set RAPPORT_OIDC_ISSUER, RAPPORT_OIDC_CLIENT_ID and RAPPORT_OIDC_CLIENT_SECRET.",
                id="people.E002",
                obj="settings",
            )
        )
    if not sso.enabled():
        return errors
    if settings.RAPPORT_OIDC_CREATE_ACCOUNTS and not settings.RAPPORT_OIDC_ALLOWED_DOMAINS:
        errors.append(
            Error(
                "RAPPORT_OIDC_CREATE_ACCOUNTS would make an account for any address the provider confirms.",
                hint="Set RAPPORT_OIDC_ALLOWED_DOMAINS to the district's email domains.",
                id="people.E003",
                obj="settings",
            )
        )
    if settings.RAPPORT_OIDC_EMAIL_CLAIM in UNVERIFIED_ADDRESS_CLAIMS:
        errors.append(
            Error(
                f"The {settings.RAPPORT_OIDC_EMAIL_CLAIM} claim is a sign-in name, not a verified address.",
                hint="Use the email claim (docs/configuration.md says how, provider by provider).",
                id="people.E004",
                obj="settings",
            )
        )
    issuer = urlsplit(sso.configured_issuer())
    if issuer.scheme != "https" and issuer.hostname not in {"127.0.0.1", "localhost", "::1"}:
        errors.append(
            Error("RAPPORT_OIDC_ISSUER must be an https:// address.", id="people.E005", obj="settings")
        )
    if "openid" not in settings.OIDC_RP_SCOPES.split():
        errors.append(Error("RAPPORT_OIDC_SCOPES must include openid.", id="people.E006", obj="settings"))
    return errors
