"""Signing in and out, passwords by email, and login throttling."""

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def alice():
    user = UserFactory(email="alice@example.test", full_name="Alice Adams")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_passwords_are_hashed_with_argon2(alice):
    assert identify_hasher(alice.password).algorithm == "argon2"


def test_sign_in_with_email_any_case_and_sign_out(client, alice):
    response = sign_in(client, "  Alice@Example.TEST ", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("password_change")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("password_change")).status_code == 302


def test_a_wrong_password_re_renders_with_a_message(client, alice):
    response = sign_in(client, alice.email, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


def test_five_failures_lock_the_account_from_that_address(client, alice):
    for _ in range(5):
        sign_in(client, alice.email, "wrong")
    response = sign_in(client, alice.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_password_reset_by_email(client, alice):
    client.post(reverse("password_reset"), {"email": alice.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session
    response = client.post(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_imported_people_without_a_password_can_set_one_by_email(client):
    user = UserFactory(email="new@example.test")
    user.set_unusable_password()
    user.save()
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
