"""Things people do with coaching conversations."""

from __future__ import annotations

import json
from datetime import date

from django.core.files import File
from django.db import transaction

from rapport.conversations import listening, recordings
from rapport.conversations.models import Comment, Conversation, SpeakerRole, transcript_to_json
from rapport.conversations.transcripts import Transcript
from rapport.privacy import policy
from rapport.privacy.refusals import (
    ActionRefused,
    NotAMember,
    check_open,
    check_writes_as_coach,
)
from rapport.relationships.models import Relationship, Visibility


def guess_speaker_roles(transcript: Transcript, relationship: Relationship) -> dict[str, str]:
    """Map transcript names to the coach and the teacher where they match (full or first
    name, any case); everyone else is "someone else" until the coach says otherwise."""
    roles: dict[str, str] = {}
    for name in transcript.speakers:
        if listening.matches_person(name, relationship.coach.full_name):
            roles[name] = SpeakerRole.COACH
        elif listening.matches_person(name, relationship.teacher.full_name):
            roles[name] = SpeakerRole.TEACHER
        else:
            roles[name] = SpeakerRole.OTHER
    return roles


def import_conversation(
    relationship: Relationship,
    author,
    *,
    title: str,
    held_on: date,
    transcript: Transcript,
    recording: File | None = None,
    recording_type: str = "",
) -> Conversation:
    """Store a conversation, and its recording if any; all or nothing.

    Always visible to the teacher in it (it is about them), never releasable.
    """
    check_writes_as_coach(relationship, author)
    recording_name, recording_size = recordings.save(recording) if recording else ("", 0)
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                relationship=relationship,
                author=author,
                visibility=Visibility.SHARED,
                title=title,
                held_on=held_on,
                transcript_data=transcript_to_json(transcript),
                speaker_roles_data=json.dumps(
                    guess_speaker_roles(transcript, relationship), ensure_ascii=False
                ),
                recording_name=recording_name,
                recording_type=recording_type if recording_name else "",
                recording_size=recording_size,
            )
    except BaseException:
        recordings.delete(recording_name)
        raise


def set_speaker_roles(conversation: Conversation, roles: dict[str, str]) -> None:
    check_open(conversation.relationship)
    conversation.speaker_roles_data = json.dumps(roles, ensure_ascii=False)
    conversation.save(update_fields=["speaker_roles_data", "updated_at"])


def add_comment(
    conversation: Conversation, author, at_seconds: float, body: str, parent: Comment | None
) -> Comment:
    """A comment by the conversation's author, or by a coach lead it is shared with
    (``policy.may_comment_on``); a reply stays in its parent's conversation."""
    if not policy.may_comment_on(author, conversation):
        raise NotAMember(
            "Only the coach who brought this conversation, and the coach leads it is shared with, "
            "comment on it."
        )
    if parent is not None and parent.conversation_id != conversation.pk:
        raise ActionRefused("A reply answers a comment on the same conversation.")
    return Comment.objects.create(
        relationship_id=conversation.relationship_id,
        conversation=conversation,
        author=author,
        visibility=Visibility.SHARED,
        parent=parent,
        at_seconds=parent.at_seconds if parent else at_seconds,
        body=body,
    )


@transaction.atomic
def delete_conversation(conversation: Conversation) -> None:
    """Real deletion: transcript, comments and the recording file are gone.

    The file goes only once the database has let go of the row, so a failed
    deletion never leaves a conversation without its recording.
    """
    name = conversation.recording_name
    conversation.delete()
    transaction.on_commit(lambda: recordings.delete(name))
