from rapport.relationships import actions
from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _relationship(w):
    return {"pk": w.relationship.pk}


def _private_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.private_note.pk}


def _shared_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.shared_note.pk}


def _follow_up_note(w):
    return {"pk": w.relationship.pk, "note_pk": w.private_note.pk}


def _own_touchpoint(w):
    touchpoint = actions.log_touchpoint(w.relationship, w.coach, "hallway", "Waved from the door.")
    return {"pk": w.relationship.pk, "record_pk": touchpoint.pk}


def _own_noticing(w):
    noticing = actions.record_noticing(w.relationship, w.coach, "Every group had a job card.")
    return {"pk": w.relationship.pk, "record_pk": noticing.pk}


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


def _lead_space(w):
    """The coach lead's space with the coach they lead: the lead in the coach's place."""
    from rapport.relationships.actions import open_coach_lead_space

    return {"pk": open_coach_lead_space(w.coach_lead, w.coach).pk}


def _lead_space_note(w):
    """A note the coach shares with their coach lead in their space."""
    from rapport.relationships.actions import open_coach_lead_space, write_note

    space = open_coach_lead_space(w.coach_lead, w.coach)
    note = write_note(space, w.coach, "What I want to get better at this term.", "shared")
    return {"pk": space.pk, "note_pk": note.pk}


AUTHOR_PAGE = signed_in(NOT_FOUND, coach=OK)
COACH_ONLY_PAGE = signed_in(FORBIDDEN, coach=OK, other_coach=OK)

ROUTES = [
    Route(
        "touchpoint_edit",
        kwargs=_own_touchpoint,
        get=AUTHOR_PAGE,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="its author only; an empty kind is refused",
    ),
    Route(
        "touchpoint_delete",
        kwargs=_own_touchpoint,
        get=AUTHOR_PAGE,
        post=signed_in(NOT_FOUND, coach=REDIRECT),
    ),
    Route(
        "noticing_edit",
        kwargs=_own_noticing,
        get=AUTHOR_PAGE,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="its author only; an empty noticing is refused",
    ),
    Route(
        "noticing_delete", kwargs=_own_noticing, get=AUTHOR_PAGE, post=signed_in(NOT_FOUND, coach=REDIRECT)
    ),
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
        "coach_lead_space_open",
        kwargs=lambda w: {"pk": w.coach.pk},
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach_lead=REDIRECT),
        notes="only a coach lead of that coach opens a space with them; an assignment is checked now",
    ),
    Route(
        "relationship_detail",
        kwargs=_lead_space,
        get=signed_in(NOT_FOUND, coach=OK, coach_lead=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST, coach_lead=BAD_REQUEST),
        notes="a coach lead's space with a coach: its two members only; no leader, no administrator",
    ),
    Route(
        "answer_new",
        kwargs=_lead_space,
        get=signed_in(NOT_FOUND, coach_lead=OK),
        post=signed_in(NOT_FOUND, coach_lead=BAD_REQUEST),
        notes="the coach lead records a coach's answer (coach questions) in their space",
    ),
    Route(
        "note_release",
        kwargs=_lead_space_note,
        get=signed_in(NOT_FOUND),
        post=signed_in(NOT_FOUND),
        notes="nothing of a coach lead's space is ever released to a leader, not even by the coach",
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
        get=signed_in(FORBIDDEN, coach=OK, other_coach=OK, coach_lead=OK),
        post=signed_in(FORBIDDEN, coach=REDIRECT, other_coach=REDIRECT, coach_lead=REDIRECT),
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
