"""People pages, and the Django administration (site administrators only)."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.roster.tasks import start_roster_import
from tests.authz import ADMIN_LOGIN, FORBIDDEN, NOT_ALLOWED, OK, REDIRECT, Route, everyone, signed_in
from tests.people.oneroster_sets import SPREADSHEET_1_1, zipped


def _admin(site_admin=OK, **overrides):
    """Everyone but a site administrator is sent to the administration's sign-in page."""
    return {"*": ADMIN_LOGIN, "site_admin": site_admin, **overrides}


def _object(model_name):
    def kwargs(w):
        objects = {
            "user": w.teacher,
            "school": w.relationship.school,
            "district": w.relationship.school.district,
            "coachleadassignment": w.coach.coach_lead_assignments.first(),
            "relationship": w.relationship,
        }
        return {"object_id": objects[model_name].pk}

    return kwargs


def _roster_upload(w):
    row = f"Nia Holt,nia.holt@example.test,{w.relationship.school.name},teacher"
    return {"file": SimpleUploadedFile("staff.csv", f"name,email,school,role\n{row}\n".encode())}


def _import_run(w):
    """A previewed run with notes and skipped rows: the run page at its fullest."""
    upload = SimpleUploadedFile("export.zip", zipped(SPREADSHEET_1_1))
    return {"pk": start_roster_import(w.site_admin, upload).pk}


ADMIN_MODELS = [
    ("people", "user"),
    ("people", "school"),
    ("people", "district"),
    ("people", "coachleadassignment"),
    ("relationships", "relationship"),
]

ROUTES = [
    Route("coaches_led", get=signed_in(FORBIDDEN, coach_lead=OK)),
    Route("site_admin_home", get=signed_in(FORBIDDEN, site_admin=OK)),
    Route(
        "roster_import",
        get=signed_in(FORBIDDEN, site_admin=OK),
        post=signed_in(FORBIDDEN, site_admin=REDIRECT),
        post_data=_roster_upload,
        notes="a valid upload redirects to its run page",
    ),
    Route("roster_import_run", kwargs=_import_run, get=signed_in(FORBIDDEN, site_admin=OK)),
    Route(
        "roster_import_confirm",
        kwargs=_import_run,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(FORBIDDEN, site_admin=REDIRECT),
        notes="imports a previewed run; any other run's page is shown as it is",
    ),
    Route(
        "roster_import_discard",
        kwargs=_import_run,
        get=signed_in(NOT_ALLOWED),
        post=signed_in(FORBIDDEN, site_admin=REDIRECT),
        notes="drops a previewed run's file",
    ),
    Route("admin:index", get=_admin()),
    Route("admin:login", get=everyone(OK, site_admin=REDIRECT)),
    Route("admin:logout", get=everyone(REDIRECT, site_admin=NOT_ALLOWED)),
    Route("admin:password_change", get=_admin()),
    Route("admin:password_change_done", get=_admin()),
    Route("admin:jsi18n", get=_admin()),
    Route("admin:autocomplete", get=_admin(site_admin=FORBIDDEN), notes="refuses a request with no field"),
    Route(
        "admin:view_on_site",
        kwargs=lambda w: {
            "content_type_id": ContentType.objects.get_for_model(w.relationship).pk,
            "object_id": w.relationship.pk,
        },
        get=_admin(site_admin=404),
        notes="no model of ours has a public page",
    ),
    Route("admin:app_list", kwargs=lambda w: {"app_label": "people"}, get=_admin()),
]

for app, model in ADMIN_MODELS:
    ROUTES += [
        Route(f"admin:{app}_{model}_changelist", get=_admin()),
        Route(f"admin:{app}_{model}_add", get=_admin()),
        Route(f"admin:{app}_{model}_change", kwargs=_object(model), get=_admin()),
        Route(f"admin:{app}_{model}_history", kwargs=_object(model), get=_admin()),
        Route(f"admin:{app}_{model}_delete", kwargs=_object(model), get=_admin()),
    ]

# Login attempts (django-axes), so an administrator can unlock an account.
# The id asked for never exists, so their change pages redirect to the list.
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    ROUTES += [
        Route(f"admin:axes_{model}_changelist", get=_admin()),
        Route(
            f"admin:axes_{model}_add",
            get=_admin(site_admin=FORBIDDEN),
            notes="attempts are recorded, not added",
        ),
        Route(
            f"admin:axes_{model}_change",
            kwargs=lambda w: {"object_id": 999_999_999},
            get=_admin(site_admin=REDIRECT),
        ),
        Route(
            f"admin:axes_{model}_history",
            kwargs=lambda w: {"object_id": 999_999_999},
            get=_admin(site_admin=REDIRECT),
        ),
        Route(
            f"admin:axes_{model}_delete",
            kwargs=lambda w: {"object_id": 999_999_999},
            get=_admin(site_admin=REDIRECT),
        ),
    ]
