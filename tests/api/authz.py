"""The JSON API and the token page.

The API accepts the person's own browser session as well as a personal access
token, so the matrix (which signs in with the test client) checks the very same
endpoints a token reaches; tests/api/test_tokens.py proves tokens get the same
answers. Anonymous callers get 401 (no sign-in redirect for an API).
"""

from tests.authz import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Route,
    everyone,
    signed_in,
)

UNAUTHORIZED = 401


def _relationship(w):
    return {"relationship_id": w.relationship.pk}


def _shared_note(w):
    return {"relationship_id": w.relationship.pk, "note_id": w.shared_note.pk}


def _coach_token(w):
    from rapport.api.actions import issue_token

    token, _ = issue_token(w.coach, "matrix", "read")
    return {"pk": token.pk}


def api(expect_signed_in, **overrides):
    return {"anonymous": UNAUTHORIZED, "*": expect_signed_in, **overrides}


ROUTES = [
    Route("api:openapi-json", get=everyone(OK)),
    Route("api:api-root", get=everyone(NOT_FOUND), notes="ninja's placeholder for the API's root"),
    Route("api:api_relationships", get=api(OK), notes="each person's own caseload, empty for most"),
    Route("api:api_relationship", kwargs=_relationship, get=api(NOT_FOUND, coach=OK)),
    Route(
        "api:api_relationship_notes",
        kwargs=_relationship,
        get=api(NOT_FOUND, coach=OK),
        post=api(NOT_FOUND, coach=BAD_REQUEST),
        notes="the matrix posts a form, not JSON: the coach is told to send JSON; others learn nothing",
    ),
    Route("api:api_relationship_note", kwargs=_shared_note, get=api(NOT_FOUND, coach=OK)),
    Route("api:api_sessions", kwargs=_relationship, get=api(NOT_FOUND, coach=OK)),
    Route("api:api_commitments", kwargs=_relationship, get=api(NOT_FOUND, coach=OK)),
    Route("api:api_goals", kwargs=_relationship, get=api(NOT_FOUND, coach=OK)),
    Route(
        "api_tokens",
        get=signed_in(FORBIDDEN, coach=OK, other_coach=OK),
        post=signed_in(FORBIDDEN, coach=BAD_REQUEST, other_coach=BAD_REQUEST),
    ),
    Route(
        "api_token_revoke",
        kwargs=_coach_token,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND, coach=REDIRECT),
    ),
]
