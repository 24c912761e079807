"""What Rapport accepts from the district's provider, rule by rule, without a browser.

The whole flow against a real provider is tests/people/test_single_sign_on.py; here the ID token
checks meet tokens forged the ways an attacker would try (tokens for another client, from another
issuer, replayed, "signed" with the client secret or not at all), and the address rules meet the
claims Google, Entra ID, ClassLink and Clever send.
"""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from rapport.people import checks, sso
from rapport.people.models import Role, User
from rapport.people.sso import DistrictProvider, DistrictSignInBackend, Refusal, SignInRefused
from tests.factories import UserFactory, person
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

ISSUER = "https://login.district.test"
NONCE = "the-nonce-this-browser-was-given"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def refusal(call) -> Refusal:
    with pytest.raises(SignInRefused) as refused:
        call()
    return refused.value.reason


# --- The address -----------------------------------------------------------------------------


@pytest.fixture
def district_domain(settings):
    settings.RAPPORT_OIDC_ALLOWED_DOMAINS = ["district.test"]


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "Tess.Teacher@District.TEST ", "email_verified": True},  # Google, ClassLink
        {"email": "tess.teacher@district.test", "email_verified": "true"},  # a provider sending a string
    ],
)
def test_a_confirmed_address_in_the_district_is_accepted(district_domain, claims):
    assert sso.verified_email(claims) == "tess.teacher@district.test"


def test_entra_id_confirms_the_address_with_xms_edov(settings, district_domain):
    settings.RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM = "xms_edov"
    entra = {
        "email": "tess.teacher@district.test",
        "xms_edov": True,
        "preferred_username": "tess@district.test",
    }
    assert sso.verified_email(entra) == "tess.teacher@district.test"
    assert refusal(lambda: sso.verified_email({**entra, "xms_edov": False})) == Refusal.UNVERIFIED_EMAIL


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        # Entra ID without the optional email claim: its sign-in names are not addresses it confirms.
        (
            {"preferred_username": "tess.teacher@district.test", "upn": "tess.teacher@district.test"},
            Refusal.NO_EMAIL,
        ),
        ({"email": "", "email_verified": True}, Refusal.NO_EMAIL),
        ({"email": "not an address", "email_verified": True}, Refusal.NO_EMAIL),
        ({"email": ["tess.teacher@district.test"], "email_verified": True}, Refusal.NO_EMAIL),
        ({"email": "tess.teacher@district.test"}, Refusal.UNVERIFIED_EMAIL),  # Clever's default
        ({"email": "tess.teacher@district.test", "email_verified": False}, Refusal.UNVERIFIED_EMAIL),
        ({"email": "tess.teacher@district.test", "email_verified": "false"}, Refusal.UNVERIFIED_EMAIL),
        ({"email": "tess.teacher@district.test", "email_verified": 1}, Refusal.UNVERIFIED_EMAIL),
        ({"email": "tess@gmail.example", "email_verified": True}, Refusal.DOMAIN_NOT_ALLOWED),
        ({"email": "tess@evil-district.test", "email_verified": True}, Refusal.DOMAIN_NOT_ALLOWED),
        ({"email": "tess@staff.district.test", "email_verified": True}, Refusal.DOMAIN_NOT_ALLOWED),
        ({"email": "tess@district.test.evil.example", "email_verified": True}, Refusal.DOMAIN_NOT_ALLOWED),
    ],
)
def test_an_address_rapport_cannot_rely_on_is_refused(district_domain, claims, reason):
    assert refusal(lambda: sso.verified_email(claims)) == reason


def test_without_allowed_domains_any_confirmed_address_is_looked_up(settings):
    settings.RAPPORT_OIDC_ALLOWED_DOMAINS = []
    assert sso.verified_email({"email": "a@anywhere.example", "email_verified": True}) == "a@anywhere.example"


@pytest.mark.django_db
def test_the_person_is_found_by_address_and_nobody_else(world, district_domain):
    tess = person(Role.Kind.TEACHER, world.relationship.school, email="tess.teacher@district.test")
    assert sso.person_for({"email": "TESS.teacher@district.test", "email_verified": True}) == tess
    UserFactory(email="gone@district.test", is_active=False)
    assert refusal(lambda: sso.person_for({"email": "gone@district.test", "email_verified": True})) == (
        Refusal.DEACTIVATED
    )
    assert refusal(lambda: sso.person_for({"email": "new@district.test", "email_verified": True})) == (
        Refusal.UNKNOWN_EMAIL
    )
    assert not User.objects.filter(email="new@district.test").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "name"),
    [
        ({"name": "Nico Newcomer"}, "Nico Newcomer"),
        ({"given_name": "Nico", "family_name": "Newcomer"}, "Nico Newcomer"),  # Clever
        ({}, "nico"),
    ],
)
def test_an_account_made_for_a_new_address_is_named_and_has_no_role(settings, district_domain, claims, name):
    settings.RAPPORT_OIDC_CREATE_ACCOUNTS = True
    newcomer = sso.person_for({"email": "nico@district.test", "email_verified": True, **claims})
    assert newcomer.full_name == name
    assert not newcomer.roles.exists()
    assert not newcomer.has_usable_password()
    assert sso.person_for({"email": "nico@district.test", "email_verified": True}) == newcomer


# --- The ID token ----------------------------------------------------------------------------


@pytest.fixture
def backend(settings, monkeypatch) -> DistrictSignInBackend:
    """The backend as a sign-in reaches it, with the provider's key known."""
    settings.RAPPORT_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    backend = DistrictSignInBackend()
    backend.provider = DistrictProvider(
        issuer=ISSUER,
        authorization_endpoint=f"{ISSUER}/authorize",
        token_endpoint=f"{ISSUER}/token",
        jwks_uri=f"{ISSUER}/jwks",
        userinfo_endpoint="",
        token_auth_basic=True,
    )
    backend.OIDC_RP_CLIENT_ID = CLIENT_ID
    public = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1"}
    monkeypatch.setattr(backend, "retrieve_matching_jwk", lambda token: jwt.PyJWK(public))
    return backend


def token(key=KEY, algorithm="RS256", **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "1234", "iat": now, "exp": now + 300, "nonce": NONCE}
    claims.update(changes)
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, key, algorithm, headers={"kid": "k1"}
    )


def test_a_token_from_the_provider_for_rapport_is_read(backend):
    assert backend.verify_token(token(), nonce=NONCE)["sub"] == "1234"
    assert backend.verify_token(token(aud=[CLIENT_ID, "other"], azp=CLIENT_ID), nonce=NONCE)["sub"] == "1234"
    # Clocks a little apart: issued a few seconds "in the future", or expired a moment ago.
    now = int(time.time())
    assert backend.verify_token(token(iat=now + 20, exp=now - 20), nonce=NONCE)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "another-app"}, Refusal.WRONG_AUDIENCE),
        ({"aud": [CLIENT_ID, "another-app"]}, Refusal.WRONG_AUDIENCE),  # several, and no azp
        ({"azp": "another-app"}, Refusal.WRONG_AUDIENCE),
        ({"exp": int(time.time()) - 3600}, Refusal.EXPIRED_TOKEN),
        ({"iss": "https://attacker.example"}, Refusal.INVALID_TOKEN),
        ({"nonce": "another-sign-in"}, Refusal.INVALID_TOKEN),  # replayed from another sign-in
        ({"nonce": None}, Refusal.INVALID_TOKEN),
        ({"exp": None}, Refusal.INVALID_TOKEN),
        ({"iat": int(time.time()) + 3600}, Refusal.INVALID_TOKEN),
        ({"sub": None}, Refusal.INVALID_TOKEN),
    ],
)
def test_a_token_rapport_cannot_trust_is_refused(backend, changes, reason):
    assert refusal(lambda: backend.verify_token(token(**changes), nonce=NONCE)) == reason


def test_a_token_signed_with_another_key_or_none_is_refused(backend):
    another_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refusal(lambda: backend.verify_token(token(key=another_key), nonce=NONCE)) == Refusal.BAD_SIGNATURE
    # "Signed" with the client secret, which Rapport knows too: an old confusion of algorithms.
    hs256 = token(key=CLIENT_SECRET * 2, algorithm="HS256")
    assert refusal(lambda: backend.verify_token(hs256, nonce=NONCE)) == Refusal.INVALID_TOKEN
    unsigned = jwt.encode(jwt.decode(token(), options={"verify_signature": False}), None, "none")
    assert refusal(lambda: backend.verify_token(unsigned, nonce=NONCE)) == Refusal.INVALID_TOKEN
    for not_a_token in (None, "", "not.a.token", "a.b"):
        assert refusal(lambda t=not_a_token: backend.verify_token(t, nonce=NONCE)) == Refusal.INVALID_TOKEN


def test_password_sign_ins_are_not_for_this_backend(backend, rf):
    assert backend.authenticate(rf.post("/accounts/login/"), username="a@b.test", password="x") is None


# --- The provider ----------------------------------------------------------------------------


def discovery(**changes) -> dict:
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "jwks_uri": f"{ISSUER}/keys",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
    }
    return {**document, **changes}


@pytest.mark.parametrize(
    ("methods", "basic"),
    [
        (None, True),  # OpenID Connect's default
        (["client_secret_basic", "client_secret_post"], True),
        (["client_secret_post", "private_key_jwt"], False),
    ],
)
def test_the_client_secret_goes_where_the_provider_takes_it(methods, basic):
    document = discovery(token_endpoint_auth_methods_supported=methods)
    assert DistrictProvider.from_discovery(document).token_auth_basic is basic


@pytest.mark.parametrize("missing", ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"])
def test_a_discovery_document_without_an_endpoint_is_not_used(missing):
    with pytest.raises(ValueError, match=missing):
        DistrictProvider.from_discovery(discovery(**{missing: None}))
    with pytest.raises(ValueError, match=missing):
        DistrictProvider.from_discovery(discovery(**{missing: "javascript:alert(1)"}))


def test_the_issuer_may_be_given_as_its_discovery_url(settings, single_sign_on):
    settings.RAPPORT_OIDC_ISSUER = f"{single_sign_on.issuer}/.well-known/openid-configuration"
    assert sso.district_provider().issuer == single_sign_on.issuer


@pytest.mark.django_db
def test_a_discovery_document_for_another_issuer_is_refused(client, settings, single_sign_on):
    """The same server under another name (a DNS entry pointed elsewhere) is not the issuer."""
    settings.RAPPORT_OIDC_ISSUER = single_sign_on.issuer.replace("127.0.0.1", "localhost")
    response = client.post(reverse("sso_start"))
    assert response["Location"] == reverse("sso_refused", kwargs={"reason": "provider-unreachable"})


# --- The settings, checked at start-up --------------------------------------------------------


def error_ids() -> set[str]:
    return {error.id for error in checks.check_single_sign_on()}


@pytest.fixture
def configured(settings):
    settings.RAPPORT_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    return settings


def test_a_complete_configuration_passes(configured):
    assert error_ids() == set()


def test_single_sign_on_off_and_passwords_on_passes():
    assert error_ids() == set()


def test_half_a_configuration_is_an_error(configured):
    configured.OIDC_RP_CLIENT_SECRET = ""
    assert error_ids() == {"people.E001"}


def test_passwords_off_without_a_provider_would_lock_everyone_out(settings):
    settings.RAPPORT_PASSWORD_SIGN_IN = False
    assert error_ids() == {"people.E002"}


def test_accounts_for_any_address_need_allowed_domains(configured):
    configured.RAPPORT_OIDC_CREATE_ACCOUNTS = True
    assert error_ids() == {"people.E003"}
    configured.RAPPORT_OIDC_ALLOWED_DOMAINS = ["district.test"]
    assert error_ids() == set()


@pytest.mark.parametrize("claim", ["preferred_username", "upn", "unique_name"])
def test_a_sign_in_name_is_not_an_address(configured, claim):
    configured.RAPPORT_OIDC_EMAIL_CLAIM = claim
    assert error_ids() == {"people.E004"}


def test_the_issuer_is_https_except_on_this_machine(configured):
    configured.RAPPORT_OIDC_ISSUER = "http://login.district.test"
    assert error_ids() == {"people.E005"}
    configured.RAPPORT_OIDC_ISSUER = "http://127.0.0.1:8080"
    assert error_ids() == set()


def test_the_scopes_ask_for_openid(configured):
    configured.OIDC_RP_SCOPES = "email profile"
    assert error_ids() == {"people.E006"}
