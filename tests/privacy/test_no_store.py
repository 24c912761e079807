"""Nothing Rapport answers is kept by a browser's cache or a proxy; static files are.

Every URL of the authorization matrix is opened as a signed-in person it is meant for (so the
answer is the real page, download or API answer, not a refusal), the API again with a personal
access token, and the public pages anonymously.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rapport.api.actions import issue_token
from tests.authz import OK, all_routes
from tests.world import PRINCIPALS, build_world

pytestmark = pytest.mark.django_db


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def _meant_for(route) -> str:
    """A signed-in principal who gets the page itself, else the coach."""
    return next((p for p in PRINCIPALS if p != "anonymous" and route.expectation("get", p) == OK), "coach")


def test_every_page_download_and_api_answer_to_a_signed_in_person_is_never_stored(client):
    world = build_world()
    opened = 0
    for route in all_routes():
        principal = _meant_for(route)
        client.force_login(world.principal(principal))
        url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
        response = client.get(url)
        opened += response.status_code == OK
        assert never_stored(response), f"{route.name} as {principal} ({response.status_code}): cacheable"
        client.logout()
    assert opened > 100  # the pages themselves, not only refusals


def test_api_answers_to_a_token_are_never_stored():
    world = build_world()
    _, token = issue_token(world.coach, "tests", "read")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for route in all_routes():
        if route.name.startswith("api:") and route.expectation("get", "coach") == OK:
            response = api.get(reverse(route.name, kwargs=route.kwargs(world)))
            assert response.status_code == OK, route.name
            assert never_stored(response), f"{route.name} with a token: cacheable"


@pytest.mark.parametrize("name", ["login", "privacy_promise", "healthz"])
def test_public_pages_are_never_stored_either(client, name):
    assert never_stored(client.get(reverse(name)))


# Static files stay cacheable: tests/operations/test_serve.py, against the server as it runs in production.
