from rapport.privacy.actions import consent_token
from rapport.privacy.models import TeacherConsent
from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in
from tests.conversations.samples import make_conversation, wav_bytes


def _relationship(w):
    return {"pk": w.relationship.pk}


def _private(w):
    """A conversation the coach has not shared with the coach lead."""
    return {"pk": make_conversation(w).pk}


def _shared(w):
    """A conversation the coach shares with the coach lead, by name, with a recording."""
    return {"pk": make_conversation(w, shared=True, recording=wav_bytes(0.5)).pk}


def _asked(w):
    """A conversation the coach asks to share with the coach lead; the teacher has not answered."""
    return {"pk": make_conversation(w, shared=True, consent="asked").pk}


def _not_named(w):
    """Shared, and the teacher agreed, without being named."""
    return {"pk": make_conversation(w, shared=True, named=False).pk}


def _consent(w):
    """The teacher's consent, still asked."""
    conversation = make_conversation(w, shared=True, consent="asked")
    return {"pk": TeacherConsent.objects.get(share__object_id=conversation.pk).pk}


def _consent_token(w):
    conversation = make_conversation(w, shared=True, consent="asked")
    return {"token": consent_token(TeacherConsent.objects.get(share__object_id=conversation.pk))}


# The signed link is the credential: it works signed out; signed in as someone else it does not exist.
LINK_HOLDER = {"anonymous": OK, "teacher": OK, "*": NOT_FOUND}


def _comment_data(w):
    return {"at": "0:20", "body": "A lovely paraphrase here."}


def _speaker_data(w):
    return {"speaker_0": "coach", "speaker_1": "teacher"}


ROUTES = [
    Route(
        "conversation_list",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK),
    ),
    Route(
        "conversation_new",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="a post without a transcript re-renders the form",
    ),
    Route(
        "conversations_shared_with_me",
        get=signed_in(FORBIDDEN, coach_lead=OK),
    ),
    Route(
        "conversation_detail",
        kwargs=_shared,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK, coach_lead=OK),
        notes="shared with the coach lead; tests/conversations cover the unshared case (404 for the lead)",
    ),
    Route(
        "conversation_speakers",
        kwargs=_private,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=_speaker_data,
    ),
    Route(
        "conversation_detail",
        kwargs=_asked,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK),
        notes="asked, not yet agreed: the coach lead reads nothing until the teacher agrees",
    ),
    Route(
        "conversation_detail",
        kwargs=_not_named,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK, coach_lead=OK),
        notes="agreed without the teacher's name: the lead reads “the teacher” (tests/conversations)",
    ),
    Route(
        "conversation_share",
        kwargs=_private,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=lambda w: {"leads": [w.coach_lead.pk], "understood": "on"},
        notes="only its author shares it, with coach leads of theirs named one by one, after "
        "reading what it means and confirming; each share asks the teacher",
    ),
    Route(
        "consent_answer",
        kwargs=_consent,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, teacher=REDIRECT),
        post_data=lambda w: {"answer": "agree"},
        notes="only the teacher in the conversation answers; not the coach who asked, nor the lead",
    ),
    Route(
        "consent_link",
        kwargs=_consent_token,
        get=LINK_HOLDER,
        post=LINK_HOLDER,
        post_data=lambda w: {"answer": "agree"},
        notes="the emailed one-time link answers once, signed out or as the teacher",
    ),
    Route(
        "conversation_stop_sharing",
        kwargs=_shared,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=lambda w: {"lead": w.coach_lead.pk},
        notes="only its author stops sharing; not the coach lead it is shared with, nor the teacher",
    ),
    Route(
        "conversation_comment",
        kwargs=_shared,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT, coach_lead=REDIRECT),
        post_data=_comment_data,
        notes="the teacher reads comments but does not write them",
    ),
    Route(
        "conversation_delete",
        kwargs=_private,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT, teacher=REDIRECT),
        notes="the teacher it is about may delete it too",
    ),
    Route(
        "conversation_recording",
        kwargs=_shared,
        get=signed_in(NOT_FOUND, coach=OK, coach_lead=OK),
        notes="the owner, and the coach lead it is shared with; the teacher reads the transcript",
    ),
]
