"""Personal access tokens: stored hashed, shown once, revocable, scoped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.api.actions import issue_token
from rapport.api.models import PersonalAccessToken
from rapport.people.models import Role
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.relationships.models import Note, Relationship, Visibility
from tests.factories import NoteFactory, RelationshipFactory, person

pytestmark = pytest.mark.django_db


def notes_url(relationship) -> str:
    return reverse("api:api_relationship_notes", kwargs={"relationship_id": relationship.pk})


def test_the_plaintext_is_shown_once_and_only_its_digest_is_stored(world, client_as):
    response = client_as(world.coach).post(reverse("api_tokens"), {"name": "Planner", "scope": "read"})
    assert response.status_code == 200
    plaintext = response.context["new_token"]
    assert plaintext.startswith("rpt_")
    assert plaintext in response.content.decode()
    token = PersonalAccessToken.objects.get(user=world.coach)
    assert plaintext not in {token.token_hash, token.hint, token.name}
    assert len(token.hint) < len(plaintext) // 3
    # The list afterwards never shows it again.
    assert plaintext not in client_as(world.coach).get(reverse("api_tokens")).content.decode()


def test_a_token_form_with_no_name_is_refused_and_writes_nothing(world, client_as):
    response = client_as(world.coach).post(reverse("api_tokens"), {"name": "   ", "scope": "read"})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_a_token_reads_its_owners_caseload(world, token_client):
    response = token_client(world.coach).get(reverse("api:api_relationships"))
    assert response.status_code == 200
    assert [row["teacher_name"] for row in response.json()] == [world.teacher.full_name]


def test_no_token_or_a_wrong_one_is_unauthorized(world, client):
    url = reverse("api:api_relationships")
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer rpt_not-a-token"}).status_code == 401


def test_a_revoked_token_is_refused(world, client_as):
    token, plaintext = issue_token(world.coach, "old script", "read")
    headers = {"Authorization": f"Bearer {plaintext}"}
    client_as(world.coach).post(reverse("api_token_revoke", args=[token.pk]))
    client_as(world.coach).logout()
    assert client_as(world.coach).get(reverse("api_tokens")).status_code == 200
    from django.test import Client

    assert Client().get(reverse("api:api_relationships"), headers=headers).status_code == 401


def test_a_coach_cannot_revoke_another_coachs_token(world, client_as):
    token, _ = issue_token(world.coach, "mine", "read")
    response = client_as(world.other_coach).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_a_read_only_token_cannot_write(world, token_client):
    response = token_client(world.coach, "read").post(
        notes_url(world.relationship), {"body": "Hello"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert Note.objects.filter(relationship=world.relationship).count() == 3


def test_a_write_token_writes_a_note(world, token_client):
    response = token_client(world.coach, "write").post(
        notes_url(world.relationship),
        {"body": "  Bring the timer idea  ", "visibility": "shared"},
        content_type="application/json",
    )
    assert response.status_code == 201
    note = Note.objects.get(pk=response.json()["id"])
    assert (note.body, note.visibility, note.author) == ("Bring the timer idea", "shared", world.coach)


@pytest.mark.parametrize(
    "payload",
    [{}, {"body": ""}, {"body": "   "}, {"body": "x", "visibility": "released"}, {"body": 5}, []],
)
def test_bad_note_bodies_are_refused_with_a_reason(world, token_client, payload):
    response = token_client(world.coach, "write").post(
        notes_url(world.relationship), payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"]
    assert Note.objects.filter(relationship=world.relationship).count() == 3


def test_a_body_that_is_not_json_is_refused(world, token_client):
    client = token_client(world.coach, "write")
    response = client.post(notes_url(world.relationship), b"{not json", content_type="application/json")
    assert response.status_code == 422
    response = client.post(notes_url(world.relationship), {"body": "form"})
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_one_coachs_token_never_reaches_another_coachs_data(world, token_client):
    client = token_client(world.other_coach, "write")
    rel = world.relationship
    assert client.get(reverse("api:api_relationship", kwargs={"relationship_id": rel.pk})).status_code == 404
    assert client.get(notes_url(rel)).status_code == 404
    note_url = reverse(
        "api:api_relationship_note", kwargs={"relationship_id": rel.pk, "note_id": world.shared_note.pk}
    )
    assert client.get(note_url).status_code == 404
    # Nor through its own relationship's URL with the other coach's note id.
    note_url = reverse(
        "api:api_relationship_note",
        kwargs={"relationship_id": world.other_relationship.pk, "note_id": world.shared_note.pk},
    )
    assert client.get(note_url).status_code == 404
    response = client.post(notes_url(rel), {"body": "intrusion"}, content_type="application/json")
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(accessor_id=world.other_coach.pk).exists()


def test_reading_the_teachers_note_through_the_api_is_in_their_access_log(world, token_client):
    teachers_note = NoteFactory(
        relationship=world.relationship, author=world.teacher, visibility=Visibility.SHARED, body="From me"
    )
    response = token_client(world.coach).get(notes_url(world.relationship))
    assert response.status_code == 200
    assert "From me" in [row["body"] for row in response.json()]
    entry = AccessLogEntry.objects.get(record_id=teachers_note.pk, accessor_id=world.coach.pk)
    assert entry.purpose == Purpose.API


def test_notes_are_paged(world, token_client):
    client = token_client(world.coach)
    first = client.get(notes_url(world.relationship), {"limit": 2}).json()
    rest = client.get(notes_url(world.relationship), {"limit": 2, "offset": 2}).json()
    assert len(first) == 2
    assert len(rest) == 1
    assert client.get(notes_url(world.relationship), {"limit": 0}).status_code == 422


@pytest.mark.parametrize("name", ["api:api_sessions", "api:api_commitments", "api:api_goals"])
def test_coaching_records_through_the_api(world, token_client, name):
    url = reverse(name, kwargs={"relationship_id": world.relationship.pk})
    response = token_client(world.coach).get(url)
    assert response.status_code == 200
    assert response.json(), "the test world has one of each"
    assert token_client(world.other_coach).get(url).status_code == 404


def test_each_peer_sees_the_other_peer(world, token_client):
    """In peer coaching both act as coach; the list and the detail name the other one."""
    school = world.relationship.school
    first = person(Role.Kind.TEACHER, school, full_name="Pat Peer")
    second = person(Role.Kind.TEACHER, school, full_name="Quinn Peer")
    peers = RelationshipFactory(coach=first, teacher=second, school=school, kind=Relationship.Kind.PEER)
    for me, other in ((first, second), (second, first)):
        rows = token_client(me).get(reverse("api:api_relationships")).json()
        assert [(row["id"], row["teacher_id"], row["teacher_name"]) for row in rows] == [
            (peers.pk, other.pk, other.full_name)
        ]
        url = reverse("api:api_relationship", kwargs={"relationship_id": peers.pk})
        detail = token_client(me).get(url).json()
        assert (detail["teacher_name"], detail["kind"], detail["school"]) == (
            other.full_name,
            "peer",
            school.name,
        )
