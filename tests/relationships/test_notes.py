"""Writing, editing and deleting notes on the relationship page."""

import pytest
from django.urls import reverse

from rapport.privacy.models import AccessLogEntry, Release
from rapport.relationships.models import Note, Visibility
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def page_url(world):
    return reverse("relationship_detail", args=[world.relationship.pk])


def test_the_coach_writes_a_private_note(client_as, world):
    response = client_as(world.coach).post(
        page_url(world), {"body": "  Likes jazz  ", "visibility": "private"}
    )
    assert response.status_code == 302
    note = Note.objects.latest("pk")
    assert (note.body, note.visibility, note.author) == ("Likes jazz", Visibility.PRIVATE, world.coach)
    assert "Likes jazz" in client_as(world.coach).get(page_url(world)).content.decode()


def test_the_note_form_tells_the_coach_the_teacher_can_read_their_notes_in_an_export(client_as, world):
    body = client_as(world.coach).get(page_url(world)).content.decode()
    assert f"{world.teacher.get_short_name()}&#x27;s own data export contains every note about them" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "visibility": "private"}, "Write something before saving the note."),
        ({"body": "   ", "visibility": "private"}, "Write something before saving the note."),
        ({"body": "Fine", "visibility": "public"}, "Select a valid choice."),
        ({"body": "Fine", "visibility": "released"}, "Select a valid choice."),
        ({"body": "x" * 20_001, "visibility": "private"}, "at most 20000 characters"),
    ],
)
def test_bad_input_re_renders_with_a_message_and_writes_nothing(client_as, world, data, message):
    before = Note.objects.count()
    response = client_as(world.coach).post(page_url(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Note.objects.count() == before


def test_the_teacher_sees_shared_notes_but_not_the_coachs_private_ones(client_as, world):
    body = client_as(world.teacher).get(page_url(world)).content.decode()
    assert world.shared_note.body in body
    assert world.private_note.body not in body


def test_the_teacher_reading_shared_notes_is_logged_for_them(client_as, world):
    client_as(world.teacher).get(page_url(world))
    notes_read = AccessLogEntry.objects.filter(accessor=world.teacher, record_type="relationships.note")
    logged = set(notes_read.values_list("record_id", flat=True))
    assert logged == {world.shared_note.pk, world.released_note.pk}


def test_the_author_edits_a_note(client_as, world):
    url = reverse("note_edit", args=[world.relationship.pk, world.private_note.pk])
    assert client_as(world.coach).get(url).status_code == 200
    response = client_as(world.coach).post(url, {"body": "Revised", "visibility": "shared"})
    assert response.status_code == 302
    world.private_note.refresh_from_db()
    assert (world.private_note.body, world.private_note.visibility) == ("Revised", Visibility.SHARED)


def test_making_a_released_note_private_withdraws_its_releases(client_as, world):
    url = reverse("note_edit", args=[world.relationship.pk, world.released_note.pk])
    client_as(world.coach).post(url, {"body": "Now private", "visibility": "private"})
    assert not Release.objects.filter(object_id=world.released_note.pk).exists()
    assert client_as(world.leader).get(reverse("released_record", args=[world.release.pk])).status_code == 404


def test_deletion_is_real(client_as, world):
    url = reverse("note_delete", args=[world.relationship.pk, world.released_note.pk])
    response = client_as(world.coach).post(url)
    assert response.status_code == 302
    assert not Note.objects.filter(pk=world.released_note.pk).exists()
    assert not Release.objects.filter(object_id=world.released_note.pk).exists()


def test_nobody_but_the_author_can_edit_or_delete(client_as, world):
    for user in (world.teacher, world.other_coach, world.leader):
        edit = reverse("note_edit", args=[world.relationship.pk, world.shared_note.pk])
        delete = reverse("note_delete", args=[world.relationship.pk, world.shared_note.pk])
        assert client_as(user).post(edit, {"body": "hijack", "visibility": "shared"}).status_code == 404
        assert client_as(user).post(delete).status_code == 404
    world.shared_note.refresh_from_db()
    assert world.shared_note.body == "A note shared with the teacher."


def test_a_note_of_one_relationship_cannot_be_reached_through_another(client_as, world):
    note = NoteFactory(relationship=world.other_relationship)
    url = reverse("note_edit", args=[world.relationship.pk, note.pk])
    assert client_as(world.coach).get(url).status_code == 404
