"""Changing a coach is ending the relationship and starting a new one: what each person keeps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.insights.models import Export
from rapport.privacy import policy
from rapport.privacy.refusals import RelationshipEnded
from rapport.relationships.models import Note, Relationship
from tests.factories import NoteFactory, RelationshipFactory
from tests.insights.test_exports import made, unzip

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_coach(world) -> Relationship:
    """The teacher's coach changes: the relationship ends, a new one starts with the other coach."""
    world.relationship.ended_on = world.relationship.started_on
    world.relationship.save()
    return RelationshipFactory(
        coach=world.other_coach, teacher=world.teacher, school=world.relationship.school
    )


def test_the_teacher_keeps_their_records_and_their_export(world, changed_coach, client_as):
    client = client_as(world.teacher)
    assert client.get(reverse("relationship_detail", args=[world.relationship.pk])).status_code == 200
    assert world.shared_note in policy.visible_records(world.teacher, Note.objects.all())
    data, _ = unzip(made(world.teacher, Export.Kind.MY_DATA))
    assert world.private_note.body in [note["body"] for note in data["records"]["relationships.Note"]]
    assert {r["coach"] for r in data["relationships"]} == {world.coach.full_name, world.other_coach.full_name}
    assert [c["what"] for c in data["changes_by_administrators"]][-2:] == [
        "Relationship ended",
        "Relationship started",
    ]


def test_the_former_coach_reads_what_they_could_and_writes_nothing_more(world, changed_coach, client_as):
    client = client_as(world.coach)
    assert client.get(reverse("relationship_detail", args=[world.relationship.pk])).status_code == 200
    assert {world.private_note, world.shared_note} <= set(
        policy.visible_records(world.coach, Note.objects.all())
    )
    assert not policy.caseload_for(world.coach).filter(pk=world.relationship.pk).exists()
    assert not policy.can_change(world.coach, world.private_note)
    for name in ("profile_edit", "noticing_new", "relationship_history"):
        assert client.get(reverse(name, args=[world.relationship.pk])).status_code == 404, name
    edit = reverse("note_edit", args=[world.relationship.pk, world.private_note.pk])
    assert client.post(edit, {"body": "Rewritten after the end."}).status_code == 404
    assert Note.objects.get(pk=world.private_note.pk).body == world.private_note.body


def test_the_new_coach_reads_nothing_of_the_ended_relationship(world, changed_coach, client_as):
    NoteFactory(relationship=changed_coach, author=world.other_coach, body="The new coach's first note.")
    client = client_as(world.other_coach)
    assert client.get(reverse("relationship_detail", args=[world.relationship.pk])).status_code == 404
    assert client.get(reverse("relationship_detail", args=[changed_coach.pk])).status_code == 200
    seen = set(policy.visible_records(world.other_coach, Note.objects.all()))
    assert seen.isdisjoint({world.private_note, world.shared_note, world.released_note})


@pytest.mark.parametrize(
    ("page", "form"),
    [
        (
            "relationship_detail",
            {"body": "Written after the end.", "visibility": "shared", "kind": "general"},
        ),
        ("commitments", {"owner": "teacher", "what": "Promised after the end.", "due_on": "2030-01-01"}),
    ],
)
def test_a_page_of_an_ended_relationship_refuses_a_new_record_with_the_reason(
    world, changed_coach, client_as, page, form
):
    """Both members still open these pages; what they post is refused by the action, in words."""
    counts = {model: model.objects.count() for model in policy.record_models()}
    for member in (world.coach, world.teacher):
        response = client_as(member).post(reverse(page, args=[world.relationship.pk]), form)
        assert response.status_code == 400, (page, member)
        assert RelationshipEnded.message in response.content.decode()
    assert {model: model.objects.count() for model in policy.record_models()} == counts
