"""The resource library: coaches of the district read it, its owner changes a resource; what was
shared with a teacher is the relationship's, for its two members only; a file is downloaded by
coaches of the district and by the teacher it was shared with."""

from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_FOUND, OK, REDIRECT, Route, signed_in
from tests.resources.samples import make_resource, make_share


def _resource(w):
    return {"pk": make_resource(w).pk}


def _shared_file(w):
    return {"pk": make_share(w).resource_id}


def _rel(w):
    return {"pk": w.relationship.pk}


def _own_share(w):
    share = make_share(w)
    return {"pk": share.relationship_id, "record_pk": share.pk}


def _share_data(w):
    return {"resource": make_resource(w, with_file=False).pk, "note": "See the second page."}


LIBRARY = signed_in(FORBIDDEN, coach=OK, other_coach=OK)
OWNER = signed_in(NOT_FOUND, coach=OK)

ROUTES = [
    Route("resource_library", get=LIBRARY),
    Route(
        "resource_new",
        get=LIBRARY,
        post=signed_in(FORBIDDEN, coach=BAD_REQUEST, other_coach=BAD_REQUEST),
        notes="a resource with neither a link nor a file is refused",
    ),
    Route(
        "resource_detail",
        kwargs=_resource,
        get=signed_in(NOT_FOUND, coach=OK, other_coach=OK),
        notes="the other coach is in the same district",
    ),
    Route("resource_edit", kwargs=_resource, get=OWNER, post=signed_in(NOT_FOUND, coach=BAD_REQUEST)),
    Route("resource_delete", kwargs=_resource, get=OWNER, post=signed_in(NOT_FOUND, coach=REDIRECT)),
    Route(
        "resource_file",
        kwargs=_shared_file,
        get=signed_in(NOT_FOUND, coach=OK, other_coach=OK, teacher=OK),
        notes="shared with the teacher; tests/resources cover a file shared with someone else",
    ),
    Route("shared_resources", kwargs=_rel, get=signed_in(NOT_FOUND, coach=OK, teacher=OK)),
    Route(
        "resource_share",
        kwargs=_rel,
        get=OWNER,
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        post_data=_share_data,
    ),
    Route(
        "resource_share_edit",
        kwargs=_own_share,
        get=OWNER,
        post=signed_in(NOT_FOUND, coach=REDIRECT),
        notes="whoever shared it; an empty note is a note removed",
    ),
    Route("resource_share_delete", kwargs=_own_share, get=OWNER, post=signed_in(NOT_FOUND, coach=REDIRECT)),
]
