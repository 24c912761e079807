"""A conversation as a coach lead reads it before the teacher agreed to be named.

The teacher consents to a coach lead reading the conversation (``privacy.TeacherConsent``) and,
separately, to being named to them. Until then the lead reads "the teacher" wherever the
teacher's name would be: the speakers, the lines, the title and the comments. The change is
made on this request's copy of the records, never saved.
"""

from __future__ import annotations

import json
import re

from rapport.conversations import listening, transcripts
from rapport.conversations.models import Conversation, SpeakerRole

THE_TEACHER = "the teacher"
THE_TEACHER_SPEAKING = "The teacher"


def _teacher_speakers(conversation: Conversation, teacher) -> set[str]:
    roles = conversation.speaker_roles
    return {
        name
        for name in conversation.transcript.speakers
        if roles.get(name) == SpeakerRole.TEACHER or listening.matches_person(name, teacher.full_name)
    }


def _names_pattern(names: set[str]) -> re.Pattern | None:
    words = {name.strip() for name in names if len(name.strip()) >= 2}
    words |= {part for name in names for part in re.split(r"\W+", name) if len(part) >= 2}
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class Unnamer:
    """Replaces the teacher's names (as the roster and the transcript spell them) in text."""

    def __init__(self, conversation: Conversation, teacher) -> None:
        self.speakers = _teacher_speakers(conversation, teacher)
        self.pattern = _names_pattern({teacher.full_name, *self.speakers})

    def __call__(self, text: str) -> str:
        return self.pattern.sub(THE_TEACHER, text) if self.pattern else text

    def speaker(self, name: str) -> str:
        return THE_TEACHER_SPEAKING if name in self.speakers else self(name)


def unname_teacher(conversation: Conversation, teacher, comments=()) -> None:
    """Put "the teacher" for the teacher's names in this copy of ``conversation`` and ``comments``."""
    unname = Unnamer(conversation, teacher)
    transcript = conversation.transcript
    conversation.__dict__["transcript"] = transcripts.Transcript(
        lines=[
            transcripts.Line(line.start, line.end, unname.speaker(line.speaker), unname(line.text))
            for line in transcript.lines
        ],
        timed=transcript.timed,
        format=transcript.format,
    )
    roles = {}
    for name, role in conversation.speaker_roles.items():
        roles[unname.speaker(name)] = role
    conversation.speaker_roles_data = json.dumps(roles, ensure_ascii=False)
    conversation.title = unname(conversation.title)
    for comment in comments:
        comment.body = unname(comment.body)


def unname_title(conversation: Conversation, teacher) -> str:
    """The title alone, for lists."""
    pattern = _names_pattern({teacher.full_name})
    return pattern.sub(THE_TEACHER, conversation.title) if pattern else conversation.title
