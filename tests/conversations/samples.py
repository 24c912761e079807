"""Transcripts and recordings for conversation tests, written by us."""

from __future__ import annotations

import io
import wave

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.conversations import actions, transcripts
from rapport.conversations.models import Conversation
from rapport.privacy.actions import answer_consent, share_with_coach_leads
from tests.world import World

# Cora Coach and Tess Teacher of tests/world.py; 40 seconds in all.
ZOOM_VTT = """WEBVTT

1
00:00:00.000 --> 00:00:05.000
Cora Coach: How did the discussion groups go this week?

2
00:00:05.000 --> 00:00:20.000
Tess: Better than I expected. The quiet students spoke more once they had sentence starters.

3
00:00:20.000 --> 00:00:26.000
Cora Coach: It sounds like the starters gave them a way in. Did the back table use them?

4
00:00:26.000 --> 00:00:36.000
Tess: Mostly, yes. Two of them even made up their own starters.

5
00:00:36.000 --> 00:00:40.000
Cora Coach: You should try them with fourth period too.
"""


def wav_bytes(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A tiny valid, silent WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate))
    return buffer.getvalue()


def make_conversation(
    world: World,
    *,
    shared: bool = False,
    recording: bytes | None = None,
    transcript: str = ZOOM_VTT,
    consent: str = "agreed",
    named: bool = True,
) -> Conversation:
    """``shared``: with the world's coach lead, by name; ``consent``: the teacher's answer to
    that ("asked": not answered yet), and ``named``: whether they agreed to be named."""
    conversation = actions.import_conversation(
        world.relationship,
        world.coach,
        title="Discussion groups check-in",
        held_on=world.relationship.started_on,
        transcript=transcripts.parse(transcript),
        recording=SimpleUploadedFile("talk.wav", recording) if recording else None,
        recording_type="audio/wav" if recording else "",
    )
    if shared:
        for ask in share_with_coach_leads(conversation, [world.coach_lead]):
            if consent != "asked":
                answer_consent(ask, agree=consent == "agreed", named=named)
    return conversation
