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
        "conversation_share",
        kwargs=_private,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=lambda w: {"leads": [w.coach_lead.pk]},
        notes="only its author shares it, with coach leads of theirs named one by one",
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
