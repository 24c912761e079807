"""Conversation pages: import, who sees what, sharing, comments, deletion, the recording."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from rapport.conversations import forms, recordings
from rapport.conversations.models import Comment, Conversation
from rapport.privacy import encryption
from rapport.privacy.models import AccessLogEntry, Purpose, TeacherConsent
from tests.conversations.samples import ZOOM_VTT, make_conversation, wav_bytes

pytestmark = pytest.mark.django_db


def _import(client, world, transcript: bytes = ZOOM_VTT.encode(), **extra):
    data = {
        "title": "Discussion groups",
        "held_on": world.relationship.started_on.isoformat(),
        "transcript": SimpleUploadedFile("talk.vtt", transcript),
        **extra,
    }
    return client.post(reverse("conversation_new", args=[world.relationship.pk]), data)


def test_import_maps_speakers_and_shows_the_analysis(client_as, world):
    client = client_as(world.coach)
    response = _import(client, world, recording=SimpleUploadedFile("talk.wav", wav_bytes()))
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conversation_speakers", args=[conversation.pk])
    assert conversation.speaker_roles == {"Cora Coach": "coach", "Tess": "teacher"}
    assert conversation.visibility == "shared"
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "How did the discussion groups go this week?" in page
    assert "38%" in page  # 15 of 40 seconds
    assert "more than the one third we aim for" in page
    assert "tried them with fourth period too" in page  # the reframe, built from the sentence
    assert 'id="listening-data"' in page
    assert "<audio" in page


def test_the_page_shows_the_turns_that_built_on_the_teachers_words(client_as, world):
    conversation = make_conversation(world)
    page = (
        client_as(world.teacher).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    )
    assert "built on the teacher's words in <strong>1 of 2</strong> turns" in page
    assert "Building on the teacher's words (1 of 2 turns)" in page
    assert "<mark>starters</mark>" in page  # in the finding and in the transcript
    assert page.count("<mark>starters</mark>") == 2
    assert "(words taken up: starters)" in page  # the same, for a screen reader that skips highlights
    assert '<span class="tag">paraphrase</span>' in page


def test_highlighted_words_are_escaped(client_as, world):
    transcript = (
        'Cora Coach: what did they say?\nTess: the parents & kids wrote 5 < 6 "loved" it\n'
        'Cora Coach: so parents & kids wrote 5 < 6 "loved" it\n'
    )
    conversation = make_conversation(world, transcript=transcript)
    page = client_as(world.coach).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "5 < 6" not in page
    assert (
        "<mark>parents</mark> &amp; <mark>kids</mark> <mark>wrote</mark> <mark>5</mark> &lt; <mark>6</mark> "
        "&quot;<mark>loved</mark>&quot;"
    ) in page


def test_bad_transcript_names_the_line_and_stores_nothing(client_as, world):
    response = _import(
        client_as(world.coach), world, b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n\noops\n"
    )
    assert response.status_code == 400
    assert "Line 6" in response.content.decode()
    assert not Conversation.objects.exists()
    assert not default_storage.exists("conversations")


def test_size_limits_and_media_types(client_as, world, monkeypatch):
    monkeypatch.setattr(forms, "MAX_TRANSCRIPT_BYTES", 10)
    response = _import(client_as(world.coach), world)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    monkeypatch.setattr(forms, "MAX_TRANSCRIPT_BYTES", 5 * 1024 * 1024)
    response = _import(client_as(world.coach), world, recording=SimpleUploadedFile("talk.exe", b"MZ"))
    assert response.status_code == 400
    assert "We play mp3" in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_purpose_is_stated_before_anything_is_uploaded(client_as, world):
    page = (
        client_as(world.coach).get(reverse("conversation_new", args=[world.relationship.pk])).content.decode()
    )
    assert page.index("never for evaluation") < page.index('type="file"')
    assert "Rapport does not transcribe recordings" in page


def test_coach_corrects_the_speaker_mapping(client_as, world):
    conversation = make_conversation(world)
    client = client_as(world.coach)
    client.post(
        reverse("conversation_speakers", args=[conversation.pk]), {"speaker_0": "coach", "speaker_1": "other"}
    )
    conversation.refresh_from_db()
    assert conversation.speaker_roles == {"Cora Coach": "coach", "Tess": "other"}


def test_coach_lead_sees_it_only_while_shared_and_reads_are_logged(client_as, world):
    conversation = make_conversation(world)
    url = reverse("conversation_detail", args=[conversation.pk])
    assert client_as(world.coach_lead).get(url).status_code == 404
    assert (
        Conversation.objects.get().title
        not in client_as(world.coach_lead).get(reverse("conversations_shared_with_me")).content.decode()
    )

    client_as(world.coach).post(
        reverse("conversation_share", args=[conversation.pk]),
        {"leads": [world.coach_lead.pk], "understood": "on"},
    )
    assert client_as(world.coach_lead).get(url).status_code == 404  # not before the teacher agrees
    consent = TeacherConsent.objects.get()
    client_as(world.teacher).post(
        reverse("consent_answer", args=[consent.pk]), {"answer": "agree", "named": "on"}
    )
    lead = client_as(world.coach_lead)
    assert conversation.title in lead.get(reverse("conversations_shared_with_me")).content.decode()
    assert lead.get(url).status_code == 200
    purposes = set(AccessLogEntry.objects.filter(accessor=world.coach_lead).values_list("purpose", flat=True))
    assert purposes == {Purpose.SHARED_WITH_COACH_LEAD}

    client_as(world.coach).post(
        reverse("conversation_stop_sharing", args=[conversation.pk]), {"lead": world.coach_lead.pk}
    )
    assert client_as(world.coach_lead).get(url).status_code == 404


def test_teacher_reads_it_and_the_read_is_logged(client_as, world):
    conversation = make_conversation(world)
    response = client_as(world.teacher).get(reverse("conversation_detail", args=[conversation.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(accessor=world.teacher, record_id=conversation.pk).exists()
    assert "Comment on a moment" not in response.content.decode()


def test_leaders_never_see_a_conversation(client_as, world):
    conversation = make_conversation(world, shared=True)
    for leader in (world.leader, world.site_admin):
        client = client_as(leader)
        assert client.get(reverse("conversation_detail", args=[conversation.pk])).status_code == 404
        assert client.get(reverse("conversation_list", args=[world.relationship.pk])).status_code == 404


def test_threaded_comments_by_coach_and_lead(client_as, world):
    conversation = make_conversation(world, shared=True)
    url = reverse("conversation_comment", args=[conversation.pk])
    client_as(world.coach).post(url, {"at": "0:20", "body": "Was this paraphrase too quick?"})
    first = Comment.objects.get()
    assert first.at_seconds == 20.0
    client_as(world.coach_lead).post(url, {"at": "0:00", "body": "It landed well.", "parent": first.pk})
    reply = Comment.objects.exclude(pk=first.pk).get()
    assert (reply.parent, reply.at_seconds, reply.author) == (first, 20.0, world.coach_lead)
    page = (
        client_as(world.teacher).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    )
    assert "It landed well." in page


def test_bad_comment_is_refused(client_as, world):
    conversation = make_conversation(world)
    response = client_as(world.coach).post(
        reverse("conversation_comment", args=[conversation.pk]), {"at": "soon", "body": "x"}
    )
    assert response.status_code == 400
    assert "like 4:05" in response.content.decode()
    assert not Comment.objects.exists()


def test_teacher_deletes_it_with_its_recording(client_as, world, django_capture_on_commit_callbacks):
    conversation = make_conversation(world, recording=wav_bytes())
    name = conversation.recording_name
    with default_storage.open(name) as stored:
        stored_bytes = stored.read()
    # Encrypted at rest: Fernet tokens (ASCII) in place of the WAV header and its samples.
    assert not stored_bytes.startswith(b"RIFF")
    assert b"\x80" not in stored_bytes
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.teacher).post(reverse("conversation_delete", args=[conversation.pk]))
    assert response.status_code == 302
    assert not Conversation.objects.exists()
    assert not default_storage.exists(name)


class TestRecording:
    def test_whole_file_and_ranges(self, client_as, world):
        audio = wav_bytes(seconds=80)  # 640 KB: three chunks
        conversation = make_conversation(world, recording=audio)
        url = reverse("conversation_recording", args=[conversation.pk])
        client = client_as(world.coach)
        whole = client.get(url)
        assert whole.status_code == 200
        assert b"".join(whole.streaming_content if whole.streaming else [whole.content]) == audio
        first, last = recordings.CHUNK - 10, recordings.CHUNK * 2 + 5
        part = client.get(url, HTTP_RANGE=f"bytes={first}-{last}")
        assert part.status_code == 206
        assert part["Content-Range"] == f"bytes {first}-{last}/{len(audio)}"
        assert part.content == audio[first : last + 1]
        assert client.get(url, HTTP_RANGE="bytes=-100").content == audio[-100:]
        assert client.get(url, HTTP_RANGE="bytes=100-").content == audio[100:]

    @pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=5-2", "items=0-1", "bytes=-0", "bytes=-"])
    def test_unsatisfiable_ranges(self, client_as, world, header):
        conversation = make_conversation(world, recording=wav_bytes(0.5))
        response = client_as(world.coach).get(
            reverse("conversation_recording", args=[conversation.pk]), HTTP_RANGE=header
        )
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{conversation.recording_size}"

    def test_rotate_keys_re_encrypts_recordings_too(self, client_as, world, settings):
        audio = wav_bytes(seconds=40)
        conversation = make_conversation(world, recording=audio)
        old_name = conversation.recording_name
        settings.RAPPORT_ENCRYPTION_KEYS = [encryption.generate_key(), *settings.RAPPORT_ENCRYPTION_KEYS]
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        assert "conversation recordings: 1 files re-encrypted" in out.getvalue()

        settings.RAPPORT_ENCRYPTION_KEYS = settings.RAPPORT_ENCRYPTION_KEYS[:1]  # old keys dropped
        conversation.refresh_from_db()
        assert conversation.recording_name != old_name
        assert not default_storage.exists(old_name)
        response = client_as(world.coach).get(reverse("conversation_recording", args=[conversation.pk]))
        assert b"".join(response.streaming_content if response.streaming else [response.content]) == audio

    def test_no_recording_is_a_404(self, client_as, world):
        conversation = make_conversation(world)
        response = client_as(world.coach).get(reverse("conversation_recording", args=[conversation.pk]))
        assert response.status_code == 404

    def test_storage_names_are_random_and_not_served_as_media(self, client_as, world):
        one = make_conversation(world, recording=wav_bytes(0.1))
        two = make_conversation(world, recording=wav_bytes(0.1))
        assert one.recording_name != two.recording_name
        assert len(one.recording_name) > 40
        assert client_as(world.coach).get(f"/media/{one.recording_name}").status_code == 404


@pytest.mark.parametrize("size", [1, 6])
def test_list_page_query_count_is_constant(client_as, world, django_assert_num_queries, size):
    for _ in range(size):
        make_conversation(world, shared=True)
    client = client_as(world.teacher)
    url = reverse("conversation_list", args=[world.relationship.pk])
    client.get(url)
    with django_assert_num_queries(_LIST_QUERIES):
        client.get(url)


_LIST_QUERIES = 11  # the roles come with the person (rapport.people.backends); one for who it is shared with


@pytest.mark.parametrize("size", [1, 6])
def test_coach_lead_list_query_count_is_constant(client_as, world, django_assert_num_queries, size):
    for _ in range(size):
        make_conversation(world, shared=True)
    client = client_as(world.coach_lead)
    url = reverse("conversations_shared_with_me")
    client.get(url)
    with django_assert_num_queries(_LEAD_LIST_QUERIES):
        assert client.get(url).status_code == 200


_LEAD_LIST_QUERIES = 9  # one more: which teachers agreed to be named


def test_the_recording_plays_for_its_owner_only_and_the_teacher_reads_the_transcript(client_as, world):
    conversation = make_conversation(world, recording=wav_bytes(0.5))
    url = reverse("conversation_recording", args=[conversation.pk])
    assert client_as(world.coach).get(url).status_code == 200
    assert client_as(world.teacher).get(url).status_code == 404
    page = (
        client_as(world.teacher).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    )
    assert "plays only for them" in page
    assert url not in page
