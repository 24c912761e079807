"""Coaching cycles: only the two members of a relationship reach any of it.

The coach side (the coach; either peer) schedules, edits and records; the
teacher reads what is shared, acknowledges the agreement and keeps their own
commitments. Leaders, the coach lead, the site administrator, the other coach
and the other teacher get a 404 everywhere, for reading and for writing.
"""

from rapport.coaching import actions
from tests.authz import BAD_REQUEST, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _rel(w):
    return {"pk": w.relationship.pk}


def _cycle(w):
    return {"pk": w.relationship.pk, "cycle_pk": w.cycle.pk}


def _session(w):
    return {"pk": w.relationship.pk, "session_pk": w.session.pk}


def _private_visit(w):
    return {"pk": w.relationship.pk, "visit_pk": w.private_visit.pk}


def _commitment(w):
    return {"pk": w.relationship.pk, "record_pk": w.commitment.pk}


def _shared_visit(w):
    return {"pk": w.relationship.pk, "record_pk": w.shared_visit.pk}


def _commitment_edit(w):
    return {"owner": "coach", "what": "", "due_on": ""}


def _ack_token(w):
    return {"token": actions.acknowledgement_token(w.agreement, w.teacher)}


def _feed_token(w):
    return {"token": actions.new_calendar_feed(w.coach)}


MEMBERS = signed_in(NOT_FOUND, coach=OK, teacher=OK)
COACH_PAGE = signed_in(NOT_FOUND, coach=OK)
POST_ONLY = signed_in(NOT_ALLOWED)
# The signed link is the credential: it works signed out; signed in as someone else it does not exist.
LINK_HOLDER = {"anonymous": OK, "teacher": OK, "*": NOT_FOUND}

ROUTES = [
    Route("agreement_detail", kwargs=_rel, get=MEMBERS),
    Route(
        "agreement_version",
        kwargs=lambda w: {"pk": w.relationship.pk, "version": w.agreement.version},
        get=MEMBERS,
    ),
    Route("agreement_compare", kwargs=_rel, get=MEMBERS, notes="one version only: nothing to compare yet"),
    Route(
        "agreement_edit",
        kwargs=_rel,
        get=COACH_PAGE,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="an agreement with empty sections is refused",
    ),
    Route(
        "agreement_acknowledge",
        kwargs=_rel,
        get=POST_ONLY,
        post=signed_in(NOT_FOUND, coach=REDIRECT, teacher=REDIRECT),
        notes="the coach is told only the teacher acknowledges; nothing is recorded",
    ),
    Route("agreement_send", kwargs=_rel, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=REDIRECT)),
    Route("agreement_ack_link", kwargs=_ack_token, get=LINK_HOLDER, post=LINK_HOLDER),
    Route("cycle_list", kwargs=_rel, get=MEMBERS, notes="earlier cycles: both members read them"),
    Route("cycle_new", kwargs=_rel, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("cycle_detail", kwargs=_cycle, get=MEMBERS),
    Route("cycle_edit", kwargs=_cycle, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("evidence_add", kwargs=_cycle, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("decision_add", kwargs=_cycle, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("session_new", kwargs=_rel, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("session_detail", kwargs=_session, get=MEMBERS),
    Route("session_notes", kwargs=_session, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=REDIRECT)),
    Route("next_step_add", kwargs=_session, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("summary_send", kwargs=_session, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=REDIRECT)),
    Route("session_cancel", kwargs=_session, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route(
        "session_reschedule", kwargs=_session, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)
    ),
    Route("session_prep", kwargs=_session, get=COACH_PAGE, notes="the prep brief is the coach's"),
    Route("session_ics", kwargs=_session, get=MEMBERS),
    Route(
        "commitments",
        kwargs=_rel,
        get=MEMBERS,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST, teacher=BAD_REQUEST),
    ),
    Route(
        "commitment_done",
        kwargs=lambda w: {"pk": w.relationship.pk, "commitment_pk": w.commitment.pk},
        get=POST_ONLY,
        post=signed_in(NOT_FOUND, coach=REDIRECT, teacher=REDIRECT),
    ),
    Route(
        "commitment_reopen",
        kwargs=lambda w: {"pk": w.relationship.pk, "commitment_pk": w.commitment.pk},
        get=POST_ONLY,
        post=signed_in(NOT_FOUND, coach=REDIRECT, teacher=REDIRECT),
        notes="whoever may mark it done may take it back",
    ),
    Route(
        "commitment_edit",
        kwargs=_commitment,
        get=COACH_PAGE,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        post_data=_commitment_edit,
        notes="its author only: the teacher reads it but did not write it; an empty one is refused",
    ),
    Route(
        "commitment_delete",
        kwargs=_commitment,
        get=COACH_PAGE,
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        notes="GET asks to confirm; POST deletes",
    ),
    Route("visit_new", kwargs=_rel, get=COACH_PAGE, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("visit_detail", kwargs=_private_visit, get=COACH_PAGE, notes="a private visit: not the teacher"),
    Route("visit_share", kwargs=_private_visit, get=POST_ONLY, post=signed_in(NOT_FOUND, coach=REDIRECT)),
    Route(
        "visit_edit",
        kwargs=_shared_visit,
        get=COACH_PAGE,
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="a shared visit: the teacher reads it, only its author corrects it",
    ),
    Route(
        "visit_delete",
        kwargs=_shared_visit,
        get=COACH_PAGE,
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        notes="GET asks to confirm; POST deletes",
    ),
    Route(
        "calendar_settings",
        get=signed_in(NOT_FOUND, coach=OK, other_coach=OK),
        post=signed_in(NOT_FOUND, coach=OK, other_coach=OK),
        notes="each coach makes their own link; nobody else has a session calendar",
    ),
    Route("calendar_revoke", get=POST_ONLY, post=signed_in(NOT_FOUND, coach=REDIRECT, other_coach=REDIRECT)),
    Route(
        "calendar_feed",
        kwargs=_feed_token,
        get={"*": OK},
        notes="the secret URL is the credential; it holds titles, places and times only",
    ),
]
