"""Coaching conversations (a transcript, perhaps a recording) and time-stamped comments.

A conversation belongs to the coach who imported it and is always visible to the
teacher in it: it is about them. The coach may share it with coach leads of theirs,
each by name (``privacy.CoachLeadShare``), and take that back; leaders never see it
(it cannot be released). The text of every line, the speakers' names and every comment
are encrypted; the recording file is encrypted too (see ``recordings.py``).
"""

from __future__ import annotations

import json
from functools import cached_property

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from rapport.conversations import transcripts
from rapport.privacy.fields import EncryptedTextField
from rapport.relationships.models import RelationshipRecord


class SpeakerRole(models.TextChoices):
    COACH = "coach", "The coach"
    TEACHER = "teacher", "The teacher"
    OTHER = "other", "Someone else (another teacher, a student…)"


class Conversation(RelationshipRecord):
    title = EncryptedTextField()
    held_on = models.DateField()
    # JSON: {"format": "vtt", "timed": true, "lines": [[start, end, speaker, text], ...]}
    transcript_data = EncryptedTextField()
    # JSON: {speaker name: SpeakerRole}
    speaker_roles_data = EncryptedTextField()
    # Name in default storage: random, never derived from anything a person typed.
    recording_name = models.CharField(max_length=200, blank=True)
    recording_type = models.CharField(max_length=100, blank=True)
    recording_size = models.PositiveBigIntegerField(default=0)
    # Deleting the conversation deletes who it was shared with.
    coach_lead_shares = GenericRelation("privacy.CoachLeadShare")

    record_label = "conversation"

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["relationship", "-held_on"])]

    def __str__(self) -> str:
        return self.access_label()

    @cached_property
    def transcript(self) -> transcripts.Transcript:
        data = json.loads(self.transcript_data)
        lines = [transcripts.Line(start, end, speaker, text) for start, end, speaker, text in data["lines"]]
        return transcripts.Transcript(lines=lines, timed=data["timed"], format=data["format"])

    @property
    def speaker_roles(self) -> dict[str, str]:
        return json.loads(self.speaker_roles_data)

    def speakers_with_role(self, role: str) -> set[str]:
        return {name for name, given in self.speaker_roles.items() if given == role}

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_name)


def transcript_to_json(transcript: transcripts.Transcript) -> str:
    return json.dumps(
        {
            "format": transcript.format,
            "timed": transcript.timed,
            "lines": [[line.start, line.end, line.speaker, line.text] for line in transcript.lines],
        },
        ensure_ascii=False,
    )


class Comment(RelationshipRecord):
    """A comment on one moment of a conversation, by the coach or the coach lead; threaded."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    at_seconds = models.FloatField()
    body = EncryptedTextField()

    record_label = "conversation comment"

    class Meta:
        ordering = ["at_seconds", "created_at"]

    def __str__(self) -> str:
        return self.access_label()
