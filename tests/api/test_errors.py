"""The API's errors are JSON with a reason, like its own refusals, never an HTML page."""

from __future__ import annotations

import json
import sys

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from rapport.web.errors import server_error
from tests.operations.test_database_down import DOWN_MESSAGE, database_down

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"detail"}
    assert body["detail"]
    return body


def test_a_database_outage_answers_the_api_with_a_json_503_and_recovers(token_client, world):
    client = token_client(world.coach)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/api/relationships")
    body = assert_json_error(response, 503)
    assert response["Retry-After"] == "30"
    assert "unavailable" in body["detail"]
    assert "SECRET-DSN-DETAIL" not in response.content.decode()
    assert client.get("/api/relationships").status_code == 200


def test_the_pages_keep_their_html_503_page(client_as, world):
    client = client_as(world.coach)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_api_address_is_a_json_404(token_client, world):
    assert_json_error(token_client(world.coach).get("/api/no-such-thing"), 404)


def test_the_error_handlers_answer_the_api_in_json():
    request = RequestFactory().get("/api/relationships")
    try:
        raise OperationalError(DOWN_MESSAGE)
    except OperationalError:
        assert_json_error(server_error(request), 503)
    try:
        raise RuntimeError("anything else")
    except RuntimeError:
        assert sys.exc_info()[1] is not None
        body = assert_json_error(server_error(request), 500)
    assert "anything else" not in body["detail"]


def test_an_action_that_refuses_answers_a_json_400_with_its_reason(token_client, world, monkeypatch):
    """Whatever an action refuses (privacy.refusals) reaches the caller as a 400 with the reason."""
    from rapport.privacy.refusals import RelationshipEnded
    from rapport.relationships import actions

    def refuse(*args, **kwargs):
        raise RelationshipEnded()

    monkeypatch.setattr(actions, "write_note", refuse)
    client = token_client(world.coach, "write")
    url = f"/api/relationships/{world.relationship.pk}/notes"
    response = client.post(url, {"body": "A note."}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": [RelationshipEnded.message]}
