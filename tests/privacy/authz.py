from rapport.privacy.models import AdministrationLogEntry
from tests.authz import ADMIN_LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _admin(site_admin=OK):
    """Everyone but a site administrator is sent to the administration's sign-in page."""
    return {"*": ADMIN_LOGIN, "site_admin": site_admin}


def _log_entry(w):
    return {"object_id": AdministrationLogEntry.objects.order_by("pk").first().pk}


ROUTES = [
    Route(
        "my_access_log",
        get=signed_in(OK),
        notes="everyone's own log of reads of records about them; a person with none sees an empty log",
    ),
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

# The administration log in the administration site: read only, for everyone who administers.
ROUTES += [
    Route("admin:privacy_administrationlogentry_changelist", get=_admin()),
    Route(
        "admin:privacy_administrationlogentry_add",
        get=_admin(FORBIDDEN),
        notes="entries are written, not added",
    ),
    Route(
        "admin:privacy_administrationlogentry_change",
        kwargs=_log_entry,
        get=_admin(),
        notes="shown, not editable",
    ),
    Route("admin:privacy_administrationlogentry_history", kwargs=_log_entry, get=_admin()),
    Route("admin:privacy_administrationlogentry_delete", kwargs=_log_entry, get=_admin(FORBIDDEN)),
]
