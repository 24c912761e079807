from tests.authz import BAD_REQUEST, FORBIDDEN, NOT_FOUND, OK, REDIRECT, Route, signed_in


def _teachers_export(w):
    from rapport.insights import exports
    from rapport.insights.models import Export

    export = Export.objects.create(owner=w.teacher, kind=Export.Kind.MY_DATA)
    exports.run(export.pk)
    return {"pk": export.pk}


def _relationship(w):
    return {"pk": w.relationship.pk}


ROUTES = [
    Route(
        "leader_report",
        get=signed_in(FORBIDDEN, leader=OK, other_leader=OK),
        notes="each leader sees their own school's report (and the district total)",
    ),
    Route("trust_dashboard", get=signed_in(FORBIDDEN, coach=OK, other_coach=OK)),
    Route(
        "relationship_trust",
        kwargs=_relationship,
        get=signed_in(NOT_FOUND, coach=OK),
        post=signed_in(NOT_FOUND, coach=BAD_REQUEST),
        notes="only the coach reflects; an empty checklist is refused",
    ),
    Route(
        "practice_sharing",
        get=signed_in(FORBIDDEN, coach=OK, other_coach=OK),
        post=signed_in(FORBIDDEN, coach=REDIRECT, other_coach=BAD_REQUEST),
        post_data=lambda w: {"share": "on"},
        notes="each coach's own choice; a coach with no coach lead has nobody to share with",
    ),
    Route(
        "export_list",
        get=signed_in(
            FORBIDDEN, coach=OK, other_coach=OK, teacher=OK, other_teacher=OK, leader=OK, other_leader=OK
        ),
        post=signed_in(
            FORBIDDEN,
            coach=BAD_REQUEST,
            other_coach=BAD_REQUEST,
            teacher=BAD_REQUEST,
            other_teacher=BAD_REQUEST,
            leader=BAD_REQUEST,
            other_leader=BAD_REQUEST,
        ),
        notes="an empty choice is refused; the export is the person's own either way",
    ),
    Route("export_detail", kwargs=_teachers_export, get=signed_in(NOT_FOUND, teacher=OK)),
    Route("export_download", kwargs=_teachers_export, get=signed_in(NOT_FOUND, teacher=OK)),
]
