"""The database going away: a plain 503 with Retry-After, never a traceback, and recovery."""

from __future__ import annotations

import sys
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import Client, RequestFactory

from rapport.web.errors import server_error

pytestmark = pytest.mark.django_db

DOWN_MESSAGE = 'connection to server at "127.0.0.1", port 5432 failed: SECRET-DSN-DETAIL'


def database_down(exception_class=OperationalError):
    return mock.patch.object(
        type(connections["default"]), "cursor", side_effect=exception_class(DOWN_MESSAGE), autospec=True
    )


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Rapport is briefly unavailable" in body
    assert "SECRET-DSN-DETAIL" not in body
    assert "Traceback" not in body


@pytest.mark.parametrize("exception_class", [OperationalError, InterfaceError])
def test_a_signed_in_page_answers_503_while_the_database_is_down_and_recovers(
    client_as, world, exception_class
):
    client = client_as(world.coach)
    client.raise_request_exception = False
    with database_down(exception_class):
        assert_unavailable_page(client.get("/"))
    assert client.get("/").status_code == 200


def test_the_health_check_tells_the_load_balancer(client):
    client.raise_request_exception = False
    with database_down():
        assert_unavailable_page(client.get("/healthz"))
    assert client.get("/healthz").status_code == 200


def test_a_real_connection_to_a_closed_port_gives_the_503_page(world, settings):
    """Not a mock: a database connection that truly cannot connect (nothing listens on port 9)."""
    client = Client(raise_request_exception=False)
    client.force_login(world.coach)
    closed = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1"}
    closed.update(PORT="9", NAME="rapport", USER="postgres", OPTIONS={"connect_timeout": 2})
    from django.db.backends.postgresql.base import DatabaseWrapper

    original = connections["default"]
    connections["default"] = DatabaseWrapper(closed, alias="default")
    try:
        response = client.get("/")
    finally:
        connections["default"] = original
    assert_unavailable_page(response)
    assert client.get("/").status_code == 200


def test_a_lost_database_outside_any_view_is_a_503_too():
    """Middleware that writes (saving the session) fails after the view: handler500 answers 503."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError(DOWN_MESSAGE)
    except OperationalError:
        assert sys.exc_info()[1] is not None
        assert_unavailable_page(server_error(request))
    try:
        raise RuntimeError("anything else")
    except RuntimeError:
        assert server_error(request).status_code == 500
