from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _relationship(w):
    return {"pk": w.relationship.pk}


def _private_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.private_note.pk}


def _shared_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.shared_note.pk}


ROUTES = [
    Route(
        "caseload",
        get=signed_in(FORBIDDEN, coach=OK, other_coach=OK),
    ),
    Route(
        "relationship_detail",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK, teacher=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST, teacher=BAD_REQUEST),
        notes="an empty note is refused with the form re-rendered",
    ),
    Route(
        "note_edit",
        kwargs=_private_note,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
    ),
    Route(
        "note_delete",
        kwargs=_private_note,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
    ),
    Route(
        "note_release",
        kwargs=_shared_note,
        get=signed_in(NOT_FOUND, teacher=OK),
        post=signed_in(NOT_FOUND, teacher=BAD_REQUEST),
        notes="only the teacher the note is about releases it; the coach cannot",
    ),
    Route(
        "teacher_space",
        get=signed_in(FORBIDDEN, teacher=OK, other_teacher=OK),
    ),
]
