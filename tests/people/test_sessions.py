"""Sessions are Django's database sessions, read by a pre-built statement: same rules."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from rapport.people.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _session_of(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_signed_in_person_stays_signed_in(world, client_as):
    client = client_as(world.coach)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == world.coach


@pytest.mark.parametrize(
    ("expires_in", "signed_in"),
    [(datetime.timedelta(minutes=1), True), (-datetime.timedelta(minutes=1), False)],
)
def test_a_session_counts_until_it_expires(world, client_as, expires_in, signed_in):
    client = client_as(world.coach)
    Session.objects.filter(pk=_session_of(client).pk).update(expire_date=timezone.now() + expires_in)
    response = client.get(reverse("home"))
    assert response.wsgi_request.user.is_authenticated is signed_in
    if not signed_in:
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_an_unknown_key_loads_nothing_and_is_never_reused(db):
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None  # a key someone made up is not adopted
    store["seen"] = True
    store.save()
    assert store.session_key != "x" * 32
    assert SessionStore(store.session_key).load() == {"seen": True}


def test_a_signed_out_session_is_gone(world, client_as):
    client = client_as(world.coach)
    key = _session_of(client).session_key
    client.post(reverse("logout"))
    assert SessionStore(key).load() == {}
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
