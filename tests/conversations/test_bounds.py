"""Past a bound, a clear refusal and nothing changed; at it, all is well."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.conversations.models import Comment, Conversation
from tests.conversations.samples import make_conversation

pytestmark = pytest.mark.django_db


def _transcript_with_speakers(count: int) -> bytes:
    return "\n".join(f"Speaker Number{index}: Hello from speaker {index}." for index in range(count)).encode()


def _import(client, world, transcript: bytes):
    data = {
        "title": "Staff meeting",
        "held_on": world.relationship.started_on.isoformat(),
        "transcript": SimpleUploadedFile("talk.txt", transcript),
    }
    return client.post(reverse("conversation_new", args=[world.relationship.pk]), data)


def test_a_transcript_with_as_many_speakers_as_the_bound_is_imported(client_as, world, settings):
    assert settings.RAPPORT_MAX_TRANSCRIPT_SPEAKERS == 50
    response = _import(client_as(world.coach), world, _transcript_with_speakers(50))
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert len(conversation.speaker_roles) == 50
    started = time.monotonic()
    page = client_as(world.coach).get(reverse("conversation_speakers", args=[conversation.pk]))
    assert page.status_code == 200
    assert time.monotonic() - started < 2
    assert len(page.content) < 200_000


@pytest.mark.parametrize("speakers", [51, 5000])
def test_a_transcript_with_more_speakers_is_refused_and_nothing_is_stored(client_as, world, speakers):
    response = _import(client_as(world.coach), world, _transcript_with_speakers(speakers))
    assert response.status_code == 400
    assert f"This transcript names {speakers:,} different speakers; Rapport takes up to 50." in (
        response.content.decode()
    )
    assert not Conversation.objects.exists()


def test_a_conversation_imported_before_the_bound_gets_no_form_it_cannot_save(client_as, world, settings):
    conversation = make_conversation(world)
    roles = {f"Speaker {index}": "other" for index in range(60)}
    Conversation.objects.filter(pk=conversation.pk).update(speaker_roles_data=json.dumps(roles))
    url = reverse("conversation_speakers", args=[conversation.pk])
    page = client_as(world.coach).get(url)
    assert page.status_code == 200
    assert "names more than 50 speakers, too many to sort out here" in page.content.decode()
    assert b"<select" not in page.content
    response = client_as(world.coach).post(url, {"speaker_0": "coach"})
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.speaker_roles == roles


def _comment(client, conversation, body):
    return client.post(reverse("conversation_comment", args=[conversation.pk]), {"at": "0:05", "body": body})


def test_comments_stop_at_the_bound_with_a_clear_message(client_as, world, settings):
    settings.RAPPORT_MAX_COMMENTS_PER_CONVERSATION = 3
    conversation = make_conversation(world, shared=True)
    coach = client_as(world.coach)
    for index in range(2):
        assert _comment(coach, conversation, f"Comment {index}").status_code == 302
    lead = client_as(world.coach_lead)
    assert _comment(lead, conversation, "The third, at the bound").status_code == 302
    assert Comment.objects.count() == 3

    response = _comment(lead, conversation, "One past the bound")
    assert response.status_code == 400
    assert "This conversation already has 3 comments, the most one conversation takes." in (
        response.content.decode()
    )
    first = Comment.objects.order_by("pk").first()
    reply = lead.post(
        reverse("conversation_comment", args=[conversation.pk]),
        {"at": "0:05", "body": "A reply past the bound", "parent": first.pk},
    )
    assert reply.status_code == 400
    assert Comment.objects.count() == 3

    page = client_as(world.coach).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "the most one conversation takes" in page
    assert "Save comment" not in page
    assert "Your reply" not in page
