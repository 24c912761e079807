from django.urls import reverse

from rapport.relationships.models import Note
from tests.sentinel import SentinelWriter, assert_posted


def _note_through_form(visibility: str):
    def write(world, client_for, sentinel):
        url = reverse("relationship_detail", args=[world.relationship.pk])
        response = client_for(world.coach).post(url, {"body": sentinel, "visibility": visibility})
        assert_posted(response, f"note ({visibility})")
        note = next(n for n in Note.objects.filter(relationship=world.relationship) if n.body == sentinel)
        return [
            reverse("note_edit", args=[world.relationship.pk, note.pk]),
            reverse("note_release", args=[world.relationship.pk, note.pk]),
        ]

    return write


WRITERS = [
    SentinelWriter("private note", {"relationships.Note.body"}, _note_through_form("private")),
    SentinelWriter("shared note", {"relationships.Note.body"}, _note_through_form("shared")),
]
