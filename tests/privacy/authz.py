from tests.authz import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in

ROUTES = [
    Route("released_to_me", get=signed_in(FORBIDDEN, leader=OK, other_leader=OK)),
    Route(
        "released_record",
        kwargs=lambda w: {"pk": w.release.pk},
        get=signed_in(NOT_FOUND, leader=OK),
        notes="only the leader named in the release; not the other school's leader, not the admin",
    ),
    Route(
        "revoke_release",
        kwargs=lambda w: {"pk": w.release.pk},
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, teacher=REDIRECT),
    ),
    Route(
        "administrative_changes",
        get=signed_in(OK),
        notes="each person sees the administration log's entries that concern them, nothing else",
    ),
]
