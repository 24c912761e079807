"""Property tests driven by the OpenAPI document: whatever a caller sends, the API
answers with a reason (never a 5xx), and one coach's token never reaches another
coach's relationships.

Requests are generated from /api/openapi.json itself, so an endpoint added
later is exercised without touching this file.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.operations.tables import request_writes
from tests.world import build_world

pytestmark = pytest.mark.django_db

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def value_for(schema: dict, known_ids: list[int]) -> st.SearchStrategy:
    """A value for a parameter: usually valid, sometimes not, sometimes a real id."""
    if schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        valid = st.integers(min_value=low, max_value=high)
        return st.one_of(valid, st.sampled_from(known_ids), st.integers(), st.text(max_size=8))
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), st.text(max_size=8))
    return st.one_of(st.text(max_size=40), st.integers())


def body_for(operation: dict) -> st.SearchStrategy:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return st.none()
    properties = content["schema"].get("properties", {})
    shaped = st.fixed_dictionaries(
        {}, optional={name: value_for(schema, [1]) for name, schema in properties.items()}
    )
    return st.one_of(shaped, JSON_VALUES)


@st.composite
def requests(draw, document: dict, known_ids: list[int]):
    path, method, operation = draw(st.sampled_from(operations(document)))
    url = path
    query = {}
    for parameter in operation.get("parameters", []):
        value = draw(value_for(parameter["schema"], known_ids))
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", str(value))
        elif draw(st.booleans()):
            query[parameter["name"]] = value
    body = draw(body_for(operation)) if method in {"post", "put", "patch"} else None
    raw = draw(st.booleans())
    return method, url, query, body, raw


@pytest.fixture
def api_world(db, client):
    from rapport.api.actions import issue_token

    world = build_world()
    document = client.get("/api/openapi.json").json()
    tokens = {
        name: issue_token(getattr(world, name), "properties", "write")[1]
        for name in ("coach", "other_coach", "teacher", "leader")
    }
    return world, document, tokens


def call(client, token: str, method: str, url: str, query: dict, body, raw: bool):
    headers = {"Authorization": f"Bearer {token}"}
    if method == "get":
        return client.get(url, query, headers=headers)
    data = json.dumps(body) if not raw else (json.dumps(body)[:-1] if body is not None else "{")
    return getattr(client, method)(
        url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
        data,
        content_type="application/json",
        headers=headers,
    )


# A token's last use is noted (at most every few minutes) whatever the call asks for.
TOKEN_USE = frozenset({"api_personalaccesstoken"})

RELATIONSHIP_PATH = re.compile(r"^/api/relationships/(\d+)")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_generated_request_gets_a_server_error(api_world, client, data):
    world, document, tokens = api_world
    known = [world.relationship.pk, world.other_relationship.pk, world.shared_note.pk, world.private_note.pk]
    method, url, query, body, raw = data.draw(requests(document, known))
    principal = data.draw(st.sampled_from(sorted(tokens)))
    before = request_writes(also_ignoring=TOKEN_USE)
    response = call(client, tokens[principal], method, url, query, body, raw)
    assert response.status_code < 500, f"{method.upper()} {url} {query} {body!r}: {response.status_code}"
    if response.status_code >= 400:
        refused = f"{method.upper()} {url} {body!r} was refused but wrote"
        assert request_writes(also_ignoring=TOKEN_USE) == before, refused
        if response["Content-Type"].startswith("application/json"):
            assert response.json().get("detail"), "a refusal must say why"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_token_never_reaches_a_relationship_its_owner_does_not_coach(api_world, client, data):
    world, document, tokens = api_world
    coach_relationship = world.relationship.pk
    known = [coach_relationship, world.shared_note.pk, world.private_note.pk, world.released_note.pk]
    method, url, query, body, raw = data.draw(requests(document, known))
    principal = data.draw(st.sampled_from(["other_coach", "teacher", "leader"]))
    response = call(client, tokens[principal], method, url, query, body, raw)
    match = RELATIONSHIP_PATH.match(url)
    if match and int(match.group(1)) == coach_relationship:
        # Someone else's relationship answers exactly as one that does not exist.
        absent = url.replace(match.group(0), "/api/relationships/999999999", 1)
        baseline = call(client, tokens[principal], method, absent, query, body, raw)
        assert response.status_code == baseline.status_code in {404, 422}, f"{principal} {method} {url}"
    text = response.content.decode(errors="replace")
    for note in (world.private_note, world.shared_note, world.released_note):
        assert note.body not in text
    assert world.teacher.full_name not in text or principal == "teacher"


def test_every_operation_is_exercised(api_world):
    _, document, _ = api_world
    assert {(path, method) for path, method, _ in operations(document)} >= {
        ("/api/relationships", "get"),
        ("/api/relationships/{relationship_id}/notes", "post"),
    }
