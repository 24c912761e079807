"""The sign-in page and the password pages, as the operator sets them: the district's provider
beside passwords, or alone (RAPPORT_PASSWORD_SIGN_IN off), with lockouts, sessions and sign-out."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.people.models import Role, User
from tests.factories import person
from tests.oidc_provider import TESS
from tests.people.test_single_sign_on import sign_in as sign_in_with_the_provider
from tests.people.test_single_sign_on import signed_in_as
from tests.web.html_checks import problems

pytestmark = pytest.mark.django_db
PASSWORD = "tess's long password 4417"


@pytest.fixture
def tess(world):
    teacher = person(Role.Kind.TEACHER, world.relationship.school, email=TESS, full_name="Tess Teacher")
    teacher.set_password(PASSWORD)
    teacher.save()
    return teacher


@pytest.fixture
def passwords_off(settings, single_sign_on):
    settings.RAPPORT_PASSWORD_SIGN_IN = False
    return single_sign_on


def sign_in_with_a_password(client, email=TESS, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def form_action(response) -> list[str]:
    directives = (directive.split() for directive in response["Content-Security-Policy"].split(";"))
    return next(sources for name, *sources in directives if name == "form-action")


def test_the_provider_beside_passwords(client, single_sign_on):
    response = client.get(reverse("login") + "?next=/me/")
    html = response.content.decode()
    assert f'action="{reverse("sso_start")}?next=/me/"' in html
    assert "Sign in with your district account" in html
    assert 'name="password"' in html
    assert "Forgot your password?" in html
    assert "autofocus" not in html  # the provider's button comes first
    # The button's form is redirected to the provider: the browser checks that against form-action.
    assert form_action(response) == ["'self'", single_sign_on.issuer]
    assert not problems(html), problems(html)


def test_without_single_sign_on_the_page_is_as_it_was(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert "district account" not in html
    assert "autofocus" in html
    assert form_action(response) == ["'self'"]


def test_with_passwords_off_the_page_shows_only_the_providers_button(client, passwords_off, tess):
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with your district account" in html
    assert 'name="password"' not in html
    assert "Forgot your password?" not in html
    assert not problems(html), problems(html)

    response = sign_in_with_a_password(client)
    assert response.status_code == 403
    assert "Rapport does not take passwords here" in response.content.decode()
    assert signed_in_as(client) is None
    assert not AccessAttempt.objects.exists()


def test_with_passwords_off_no_form_takes_one(rf, passwords_off, tess):
    assert authenticate(rf.post("/admin/login/"), username=TESS, password=PASSWORD) is None


def test_with_passwords_off_the_administration_sends_people_to_the_sign_in_page(client, passwords_off, world):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    html = response.content.decode()
    assert 'name="password"' not in html
    assert f'href="{reverse("login")}?next=/admin/"' in html
    world.site_admin.set_password(PASSWORD)
    world.site_admin.save()
    client.post(reverse("admin:login"), {"username": world.site_admin.email, "password": PASSWORD})
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("password_reset", {}),
        ("password_reset_done", {}),
        ("password_reset_complete", {}),
        ("password_change", {}),
        ("password_change_done", {}),
    ],
)
def test_with_passwords_off_the_password_pages_say_there_are_none(client, passwords_off, tess, name, kwargs):
    client.force_login(tess)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Rapport does not use passwords here" in html
    assert not problems(html), problems(html)


def test_with_passwords_off_a_reset_link_sent_before_sets_no_password(client, passwords_off, tess):
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(tess.pk)),
            "token": default_token_generator.make_token(tess),
        },
    )
    assert client.get(link).status_code == 404
    response = client.post(
        link, {"new_password1": "a new passphrase 881", "new_password2": "a new passphrase 881"}
    )
    assert response.status_code == 404
    tess.refresh_from_db()
    assert tess.check_password(PASSWORD)
    assert client.post(reverse("password_reset"), {"email": TESS}).status_code == 404


def test_a_password_lockout_still_locks_and_points_to_the_provider(client, single_sign_on, tess):
    for _ in range(5):
        sign_in_with_a_password(client, password="not the password")
    response = sign_in_with_a_password(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "sign in with your district account" in html
    assert signed_in_as(client) is None
    # The provider vouches for Tess itself: a password lockout does not stand in its way.
    sign_in_with_the_provider(client, single_sign_on, "tess")
    assert signed_in_as(client) == tess


def test_the_lockout_page_with_passwords_off_offers_no_password_reset(rf, passwords_off):
    html = render_to_string("registration/locked_out.html", request=rf.get("/accounts/login/"))
    assert "reset your password" not in html
    assert "sign in with your district account" in html


def test_someone_deactivated_after_signing_in_with_the_provider_is_signed_out(client, single_sign_on, tess):
    sign_in_with_the_provider(client, single_sign_on, "tess")
    assert client.get(reverse("teacher_space")).status_code == 200
    User.objects.filter(pk=tess.pk).update(is_active=False)
    response = client.get(reverse("teacher_space"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_signing_out_after_the_provider_says_the_district_account_stays_signed_in(
    client, single_sign_on, tess
):
    sign_in_with_the_provider(client, single_sign_on, "tess")
    response = client.post(reverse("logout"), follow=True)
    assert "Your district account may still be signed in" in response.content.decode()
    assert signed_in_as(client) is None


def test_signing_out_after_a_password_says_nothing_of_a_district_account(client, single_sign_on, tess):
    sign_in_with_a_password(client)
    response = client.post(reverse("logout"), follow=True)
    assert "district account may still" not in response.content.decode()
    assert signed_in_as(client) is None
