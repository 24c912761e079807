"""Single sign-on with the district's identity provider, over OpenID Connect.

mozilla-django-oidc runs the authorization code flow: state, nonce and PKCE kept in the session,
the token request, the provider's signing keys. This module adds what Rapport decides:

* where the provider is: its discovery document, read from ``RAPPORT_OIDC_ISSUER``;
* which ID tokens count: signed with one of the provider's keys, issued by it, for this client,
  not expired, carrying the nonce this browser was given;
* who signs in: the roster-imported person whose email address the provider *confirms*
  (``RAPPORT_OIDC_EMAIL_CLAIM``, with ``RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM`` true), in an allowed
  domain, still active. An address Rapport does not know gets an account only when the operator
  allows it (``RAPPORT_OIDC_CREATE_ACCOUNTS``), and then with no role.

Every refusal raises ``SignInRefused`` with a ``Refusal``; the sign-in pages explain each one
(rapport/people/signin.py). What is accepted, provider by provider, is in docs/configuration.md.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from rapport.people.backends import RolesWithUserBackend
from rapport.people.models import User

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 60 * 60
# While the provider does not answer, the sign-in page does not wait for it on every view.
UNREACHABLE_CACHE_SECONDS = 60
# Asymmetric algorithms only: a token "signed" with the client secret (HS256) or not at all is refused.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
# The provider's clock and ours may differ by this much.
CLOCK_SKEW_SECONDS = 60


class Refusal(models.TextChoices):
    """Why a sign-in through the provider did not sign anyone in (the slug of its page)."""

    CANCELLED = "cancelled", "Sign-in was cancelled"
    PROVIDER_ERROR = "provider-error", "Your district's sign-in did not finish"
    PROVIDER_UNREACHABLE = "provider-unreachable", "Rapport could not reach your district's sign-in"
    EXPIRED_ATTEMPT = "expired-attempt", "This sign-in attempt has expired"
    WRONG_AUDIENCE = "wrong-audience", "Rapport could not trust this sign-in"
    BAD_SIGNATURE = "bad-signature", "Rapport could not trust this sign-in"
    EXPIRED_TOKEN = "expired-token", "Rapport could not trust this sign-in"
    INVALID_TOKEN = "invalid-token", "Rapport could not trust this sign-in"
    NO_EMAIL = "no-email", "Your district account has no email address Rapport can use"
    UNVERIFIED_EMAIL = "unverified-email", "Your district's sign-in did not confirm your email address"
    DOMAIN_NOT_ALLOWED = "domain-not-allowed", "This address cannot sign in to Rapport"
    UNKNOWN_EMAIL = "unknown-email", "There is no Rapport account for this address"
    DEACTIVATED = "deactivated", "Your Rapport account is switched off"


class SignInRefused(Exception):
    def __init__(self, reason: Refusal, email: str = "") -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.email = email


def enabled() -> bool:
    """Single sign-on is on when the issuer, the client id and its secret are all set."""
    return bool(
        settings.RAPPORT_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    )


def configured_issuer() -> str:
    """The issuer as the operator wrote it: the issuer itself or its discovery document's URL."""
    return settings.RAPPORT_OIDC_ISSUER.strip().removesuffix(DISCOVERY_PATH).rstrip("/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class DistrictProvider:
    """What the provider's discovery document says Rapport needs to know."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str  # empty when the provider has none
    token_auth_basic: bool  # the client secret goes in an Authorization header, not the form

    @classmethod
    def from_discovery(cls, document: Mapping[str, Any]) -> DistrictProvider:
        def url(name: str) -> str:
            value = document.get(name)
            if not isinstance(value, str) or urlsplit(value).scheme not in {"http", "https"}:
                raise ValueError(f"the discovery document has no usable {name}")
            return value

        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        return cls(
            issuer=url("issuer"),
            authorization_endpoint=url("authorization_endpoint"),
            token_endpoint=url("token_endpoint"),
            jwks_uri=url("jwks_uri"),
            userinfo_endpoint=url("userinfo_endpoint") if document.get("userinfo_endpoint") else "",
            # client_secret_basic is OpenID Connect's default; some providers offer only the form.
            token_auth_basic="client_secret_basic" in methods or "client_secret_post" not in methods,
        )

    @property
    def authorization_origin(self) -> str:
        return _origin(self.authorization_endpoint)


def district_provider() -> DistrictProvider:
    """The provider, from its discovery document (kept an hour); SignInRefused if unreachable."""
    key = f"rapport:oidc-provider:{configured_issuer()}"
    known = cache.get(key)
    if isinstance(known, DistrictProvider):
        return known
    if known is not None:  # it did not answer a moment ago
        raise SignInRefused(Refusal.PROVIDER_UNREACHABLE)
    try:
        provider = _discover()
    except (requests.RequestException, ValueError) as error:
        logger.warning("The identity provider's discovery document could not be read: %s", error)
        cache.set(key, "unreachable", UNREACHABLE_CACHE_SECONDS)
        raise SignInRefused(Refusal.PROVIDER_UNREACHABLE) from error
    cache.set(key, provider, DISCOVERY_CACHE_SECONDS)
    return provider


def _discover() -> DistrictProvider:
    response = requests.get(configured_issuer() + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError("the discovery document is not a JSON object")
    provider = DistrictProvider.from_discovery(document)
    # OpenID Connect Discovery 1.0, section 4.3: the document must be the configured issuer's.
    if provider.issuer.rstrip("/") != configured_issuer():
        raise ValueError(f"the discovery document is for {provider.issuer}, not {configured_issuer()}")
    return provider


def form_action_origin() -> str:
    """Where the sign-in button's form ends up (CSP form-action): the provider's sign-in page.

    Browsers check a form's redirects against form-action too, so the page with the button must
    allow the provider's origin. Before the discovery document is known, the issuer's origin
    (the same for Google, Entra ID, ClassLink and Clever).
    """
    try:
        return district_provider().authorization_origin
    except SignInRefused:
        return _origin(configured_issuer())


def _is_true(value: Any) -> bool:
    # A JSON boolean, as OpenID Connect says; a few providers send the string instead.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_email(claims: Mapping[str, Any]) -> str:
    """The address the provider confirms belongs to this person, if Rapport accepts it."""
    value = claims.get(settings.RAPPORT_OIDC_EMAIL_CLAIM)
    email = value.strip().lower() if isinstance(value, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        raise SignInRefused(Refusal.NO_EMAIL) from None
    if not _is_true(claims.get(settings.RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM)):
        raise SignInRefused(Refusal.UNVERIFIED_EMAIL, email)
    allowed = settings.RAPPORT_OIDC_ALLOWED_DOMAINS
    if allowed and email.rpartition("@")[2] not in allowed:
        raise SignInRefused(Refusal.DOMAIN_NOT_ALLOWED, email)
    return email


def person_for(claims: Mapping[str, Any]) -> User:
    """The active person with the provider's verified address; refused for anyone else."""
    email = verified_email(claims)
    person = User.objects.filter(email=email).first()
    if person is None:
        if not settings.RAPPORT_OIDC_CREATE_ACCOUNTS:
            raise SignInRefused(Refusal.UNKNOWN_EMAIL, email)
        return _account_with_no_role(email, claims)
    if not person.is_active:
        raise SignInRefused(Refusal.DEACTIVATED, email)
    return person


def _account_with_no_role(email: str, claims: Mapping[str, Any]) -> User:
    """A new account for a verified address, allowed by the operator: no role, so no access."""
    given_and_family = " ".join(str(claims.get(part, "")).strip() for part in ("given_name", "family_name"))
    name = str(claims.get("name") or given_and_family).strip() or email.partition("@")[0]
    try:
        with transaction.atomic():
            person = User.objects.create_user(
                email, full_name=name[: User._meta.get_field("full_name").max_length]
            )
    except IntegrityError:  # the same person's sign-in in another tab made it a moment ago
        person = User.objects.get(email=email)
    logger.info("Single sign-on made an account with no role for user %s", person.pk)
    return person


class DistrictSignInBackend(OIDCAuthenticationBackend, RolesWithUserBackend):  # type: ignore[misc]  # untyped library
    """Signs in the person a sign-in coming back from the provider names, or raises SignInRefused.

    Anything else (a password sign-in) is not for this backend. A signed-in person is loaded
    with their roles in one query, as after a password sign-in (RolesWithUserBackend).
    """

    get_user = RolesWithUserBackend.get_user

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla-django-oidc reads the provider's endpoints from settings here; Rapport reads them
        # from the discovery document when a sign-in comes back, so loading the backend is free.
        self.UserModel = User
        self.provider: DistrictProvider | None = None

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH" and self.provider is not None:
            return self.provider.token_auth_basic
        return import_from_settings(attr, *args)

    # The provider's callback, which passes a nonce, not a password: not ModelBackend's signature.
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        nonce: str | None = None,
        code_verifier: str | None = None,
        **credentials: Any,
    ) -> User | None:
        if request is None or nonce is None or not enabled():
            return None
        self.provider = district_provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        try:
            person: User | None = super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
            return person
        except requests.HTTPError as error:
            # The provider refused to exchange the code (used already, expired, wrong secret).
            logger.warning("The identity provider refused the sign-in: %s", error)
            raise SignInRefused(Refusal.PROVIDER_ERROR) from error
        except requests.RequestException as error:
            logger.warning("The identity provider did not answer: %s", error)
            raise SignInRefused(Refusal.PROVIDER_UNREACHABLE) from error

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The ID token's claims, once Rapport knows it is the provider's, for Rapport, and current."""
        try:
            jwt.get_unverified_header(token)
        except (jwt.InvalidTokenError, TypeError):
            raise SignInRefused(Refusal.INVALID_TOKEN) from None  # not a JWT at all
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError, jwt.PyJWKError):
            raise SignInRefused(Refusal.BAD_SIGNATURE) from None  # signed with none of the provider's keys
        if self.provider is None:
            raise TypeError("authenticate() reads the provider before a token is verified")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=SIGNING_ALGORITHMS,
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused(Refusal.EXPIRED_TOKEN) from None
        except jwt.InvalidAudienceError:
            raise SignInRefused(Refusal.WRONG_AUDIENCE) from None
        except jwt.InvalidSignatureError:
            raise SignInRefused(Refusal.BAD_SIGNATURE) from None
        except jwt.InvalidTokenError as error:
            logger.warning("The identity provider's ID token was refused: %s", error)
            raise SignInRefused(Refusal.INVALID_TOKEN) from None
        # OpenID Connect Core 3.1.3.7: with several audiences, the token names the one it is for.
        several_audiences = isinstance(claims["aud"], list) and len(claims["aud"]) > 1
        authorized_party = claims.get("azp")
        if (several_audiences and authorized_party is None) or authorized_party not in {
            None,
            self.OIDC_RP_CLIENT_ID,
        }:
            raise SignInRefused(Refusal.WRONG_AUDIENCE)
        if claims.get("nonce") != kwargs.get("nonce"):  # a token from another sign-in, replayed
            raise SignInRefused(Refusal.INVALID_TOKEN)
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when they lack the email.

        Google and Entra ID put the address in the ID token; other providers only answer it at
        their userinfo endpoint, which must then speak of the same person (Core 5.3.2).
        """
        claims = dict(payload)
        needed = {settings.RAPPORT_OIDC_EMAIL_CLAIM, settings.RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM}
        if needed <= claims.keys() or not self.OIDC_OP_USER_ENDPOINT:
            return claims
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
            raise SignInRefused(Refusal.INVALID_TOKEN)
        return {**userinfo, **claims}

    def get_or_create_user(self, access_token: str, id_token: str, payload: Mapping[str, Any]) -> User:
        return person_for(self.get_userinfo(access_token, id_token, payload))
