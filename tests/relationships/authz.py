from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _relationship(w):
    return {"pk": w.relationship.pk}


def _private_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.private_note.pk}


def _shared_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.shared_note.pk}


def _follow_up_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.private_note.pk}


def _touchpoint(w):
    return {"kind": "hallway", "note": "Said hello by the library."}


def _noticing(w):
    return {"body": "Every group had a job card.", "noticed_on": "2026-03-02"}


def _appreciation(w):
    return {"message": "Thank you for the job cards.", "copy_leader": "on"}


def _question(w):
    return {"text": "What song is stuck in your head?", "theme": "first-meeting"}


def _settings(w):
    return {"weekly_appreciation_target": "4", "coverage_threshold_days": "10"}


COACH_ONLY_PAGE = signed_in(FORBIDDEN, coach=OK, other_coach=OK)

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
    Route(
        "teacher_settings",
        get=signed_in(NOT_ALLOWED),
        post=signed_in(FORBIDDEN, teacher=REDIRECT, other_teacher=BAD_REQUEST),
        post_data=lambda w: {"appreciation_copies_to": [w.leader.pk]},
        notes="each teacher names leaders of their own schools: the leader is not the other teacher's",
    ),
    Route("coverage", get=COACH_ONLY_PAGE),
    Route(
        "coach_settings",
        get=COACH_ONLY_PAGE,
        post=signed_in(FORBIDDEN, coach=REDIRECT, other_coach=REDIRECT),
        post_data=_settings,
        notes="each coach's own targets",
    ),
    Route("noticing_pick_teacher", get=COACH_ONLY_PAGE),
    Route(
        "question_bank",
        get=COACH_ONLY_PAGE,
        post=signed_in(FORBIDDEN, coach=REDIRECT, other_coach=REDIRECT),
        post_data=_question,
    ),
    Route(
        "profile_edit",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=lambda w: {"profile-grades": "4", "readiness-comfort_with_coaching": "2"},
        notes="the teacher reads the shared profile on the relationship page but does not edit it",
    ),
    Route("relationship_history", kwargs=_relationship, get=signed_in(NOT_FOUND, coach=OK)),
    Route(
        "touchpoint_log",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=_touchpoint,
    ),
    Route(
        "noticing_new",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=_noticing,
    ),
    Route(
        "appreciation_new",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=_appreciation,
    ),
    Route(
        "answer_new",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="an empty answer is refused with the form re-rendered",
    ),
    Route(
        "follow_up_close",
        kwargs=_follow_up_note,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=lambda w: {"outcome": "done"},
        notes="only the note's author closes its follow-up",
    ),
]
