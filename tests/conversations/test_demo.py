import pytest

from rapport.conversations import listening
from rapport.conversations.models import Conversation
from rapport.demo.district import build

pytestmark = pytest.mark.django_db


def test_demo_has_conversations_for_the_demo_coach_and_teacher():
    build(schools=1, coaches=2, teachers=6)
    conversations = list(Conversation.objects.filter(author__email="coach@example.org"))
    assert len(conversations) == 2
    for conversation in conversations:
        assert conversation.relationship.teacher.email == "teacher@example.org"
        assert set(conversation.speaker_roles.values()) == {"coach", "teacher"}
    flagged = [
        listening.analyze(c.transcript, coach_speakers=c.speakers_with_role("coach")) for c in conversations
    ]
    # Three sentences judge or tell in the second: "you should…", "what you need to do…", "why didn't you…"
    assert sorted(len(analysis.flags) for analysis in flagged) == [0, 3]


def test_demo_has_one_conversation_agreed_unnamed_and_one_awaiting_the_teacher():
    from rapport.privacy.models import ConsentState, TeacherConsent

    build(schools=1, coaches=2, teachers=6)
    consents = TeacherConsent.objects.filter(teacher__email="teacher@example.org")
    assert sorted((c.state, c.named) for c in consents) == [
        (ConsentState.AGREED, False),
        (ConsentState.ASKED, False),
    ]
    assert {c.share.coach_lead.email for c in consents} == {"lead@example.org"}
