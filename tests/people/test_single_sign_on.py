"""Signing in with the district's identity provider: a real OpenID provider on 127.0.0.1.

Each test goes through the whole redirect flow as a browser would: Rapport's button (a POST), the
provider's sign-in form (tests/oidc_provider.py drives it over HTTP), and back to Rapport's
callback, which exchanges the code with the provider and checks the ID token. The accounts that
misbehave all name a person on Rapport's roster, so only the check under test stands between them
and a signed-in session. The browser's side (CSP, cookies, the pages) is
tests/browser/test_single_sign_on.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils.html import escape

from rapport.people.models import Role, User
from rapport.people.sso import Refusal
from tests.factories import person
from tests.oidc_provider import CLIENT_ID, DORA, NEWCOMER, TESS
from tests.operations.tables import request_writes
from tests.web.html_checks import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(world):
    return person(Role.Kind.TEACHER, world.relationship.school, email=TESS, full_name="Tess Teacher")


@pytest.fixture
def dora(world):
    departed = person(Role.Kind.TEACHER, world.relationship.school, email=DORA, full_name="Dora Departed")
    User.objects.filter(pk=departed.pk).update(is_active=False)
    return departed


def start(client, next_url: str = ""):
    response = client.post(reverse("sso_start") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response
    return response


def sign_in(client, provider, username: str, next_url: str = "", action: str = "sign-in"):
    """The whole flow; the answer of Rapport's callback."""
    back_to_rapport = provider.sign_in(start(client, next_url)["Location"], username, action=action)
    assert back_to_rapport.startswith("http://testserver/accounts/sso/callback/?")
    return client.get(back_to_rapport)


def signed_in_as(client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def assert_refused(client, response, reason: Refusal) -> str:
    """Refused: sent to the page that says why, which is clear and accessible; nobody signed in."""
    assert response.status_code == 302
    assert response["Location"] == reverse("sso_refused", kwargs={"reason": reason.value})
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(reason.label) in html
    assert "You are not signed in, and nothing was changed." in html
    assert not problems(html), problems(html)
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302
    return html


def test_a_person_on_the_roster_signs_in_and_lands_where_they_were_going(client, single_sign_on, tess):
    back_to_rapport = single_sign_on.sign_in(start(client, "/my/")["Location"], "tess")
    session_before = client.session.session_key  # the anonymous session that holds state and nonce
    response = client.get(back_to_rapport)
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert signed_in_as(client) == tess
    assert client.session.session_key != session_before  # a new session key: no fixation
    # Loaded with the roles in one query on every later request, as after a password sign-in.
    assert client.session["_auth_user_backend"] == "rapport.people.sso.DistrictSignInBackend"
    assert client.get(reverse("home")).wsgi_request.user == tess
    tess.refresh_from_db()
    assert tess.last_login is not None
    assert AccessLog.objects.filter(username=TESS).exists()  # axes' record of the sign-in


def test_the_flow_uses_state_nonce_and_pkce_and_asks_for_the_configured_scopes(client, single_sign_on):
    location = urlsplit(start(client)["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == single_sign_on.issuer
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0]
    assert query["nonce"][0]


def test_an_address_only_at_the_userinfo_endpoint_is_read_there(client, single_sign_on, tess):
    sign_in(client, single_sign_on, "tess-userinfo")
    assert signed_in_as(client) == tess


def test_a_next_on_another_site_is_not_followed(client, single_sign_on, tess):
    response = sign_in(client, single_sign_on, "tess", next_url="https://evil.example/")
    assert response["Location"] == "/"
    assert signed_in_as(client) == tess


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("wrong-audience", Refusal.WRONG_AUDIENCE),
        ("forger", Refusal.BAD_SIGNATURE),
        ("expired", Refusal.EXPIRED_TOKEN),
        ("unverified", Refusal.UNVERIFIED_EMAIL),
        ("no-email", Refusal.NO_EMAIL),
        ("tess-personal", Refusal.DOMAIN_NOT_ALLOWED),
        ("nico", Refusal.UNKNOWN_EMAIL),
        ("dora", Refusal.DEACTIVATED),
    ],
)
def test_a_sign_in_rapport_cannot_trust_is_refused_and_changes_nothing(
    client, single_sign_on, tess, dora, username, reason
):
    before = request_writes()
    html = assert_refused(client, sign_in(client, single_sign_on, username), reason)
    assert request_writes() == before
    assert not AccessAttempt.objects.exists()  # not a password guess: nobody's password is locked
    if reason in {Refusal.UNVERIFIED_EMAIL, Refusal.DOMAIN_NOT_ALLOWED, Refusal.DEACTIVATED}:
        assert "tess.teacher@" in html or DORA in html


def test_an_unknown_address_gets_an_account_with_no_role_only_when_the_operator_allows_it(
    client, single_sign_on, settings
):
    settings.RAPPORT_OIDC_CREATE_ACCOUNTS = True
    response = sign_in(client, single_sign_on, "nico")
    newcomer = User.objects.get(email=NEWCOMER)
    assert signed_in_as(client) == newcomer
    assert newcomer.full_name == "Nico Newcomer"
    assert not newcomer.roles.exists()
    assert not newcomer.has_usable_password()
    assert "no role yet" in client.get(response["Location"], follow=True).content.decode()


def test_a_deactivated_person_is_refused_even_where_accounts_are_made(client, single_sign_on, dora, settings):
    settings.RAPPORT_OIDC_CREATE_ACCOUNTS = True
    assert_refused(client, sign_in(client, single_sign_on, "dora"), Refusal.DEACTIVATED)
    assert User.objects.filter(email=DORA).count() == 1


def test_cancelling_at_the_provider_signs_nobody_in(client, single_sign_on, tess):
    assert_refused(client, sign_in(client, single_sign_on, "tess", action="cancel"), Refusal.CANCELLED)


def test_the_answer_cannot_be_used_twice(client, single_sign_on, tess):
    back_to_rapport = single_sign_on.sign_in(start(client)["Location"], "tess")
    client.get(back_to_rapport)
    client.post(reverse("logout"))
    assert_refused(client, client.get(back_to_rapport), Refusal.EXPIRED_ATTEMPT)


def test_an_answer_meant_for_another_browser_is_refused(client, single_sign_on, tess):
    back_to_rapport = single_sign_on.sign_in(start(client)["Location"], "tess")
    client.cookies.clear()  # another browser: its session never started this sign-in
    assert_refused(client, client.get(back_to_rapport), Refusal.EXPIRED_ATTEMPT)


def test_a_provider_that_does_not_answer_is_said_so(client, single_sign_on, settings):
    settings.RAPPORT_OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    response = client.post(reverse("sso_start"))
    assert_refused(client, response, Refusal.PROVIDER_UNREACHABLE)


def test_an_error_from_the_provider_does_not_sign_out_whoever_is_signed_in(client, single_sign_on, tess):
    sign_in(client, single_sign_on, "tess")
    response = client.get(reverse("sso_callback") + "?error=access_denied&state=made-up")
    assert response["Location"] == reverse("sso_refused", kwargs={"reason": "cancelled"})
    assert signed_in_as(client) == tess


def test_single_sign_on_pages_do_not_exist_when_it_is_not_configured(client):
    assert settings.RAPPORT_OIDC_ISSUER == ""
    assert client.post(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback") + "?code=x&state=y").status_code == 404
    assert "district account" not in client.get(reverse("login")).content.decode()


def test_a_password_still_works_beside_the_provider(client, single_sign_on, tess):
    tess.set_password("a long password for tess")
    tess.save()
    client.post(reverse("login"), {"username": TESS, "password": "a long password for tess"})
    assert signed_in_as(client) == tess


def test_unknown_refusal_pages_do_not_exist(client):
    assert client.get(reverse("sso_refused", kwargs={"reason": "made-up"})).status_code == 404


def test_every_refusal_page_is_clear_and_accessible(client, single_sign_on):
    session = client.session
    session["sso_refused_email"] = "someone@district.test"
    session.save()
    for reason in Refusal:
        html = client.get(reverse("sso_refused", kwargs={"reason": reason.value})).content.decode()
        assert escape(reason.label) in html
        assert not problems(html), (reason, problems(html))


def test_someone_with_no_account_is_told_so_by_name(client, single_sign_on, tess):
    html = assert_refused(client, sign_in(client, single_sign_on, "nico"), Refusal.UNKNOWN_EMAIL)
    assert NEWCOMER in html
    assert not User.objects.filter(email=NEWCOMER).exists()
