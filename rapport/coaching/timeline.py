"""Sessions and visits on a relationship's timeline (rapport.relationships.timeline)."""

from __future__ import annotations

from django.utils.timezone import localdate

from rapport.coaching.models import Session, Visit
from rapport.core.links import reverse
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships.models import Relationship
from rapport.relationships.timeline import TimelineEntry, edit_url, timeline_source


def _session_kind(session: Session) -> str:
    if session.status == Session.Status.CANCELLED:
        return f"Session cancelled by the {session.get_cancelled_by_display().lower()}"
    return f"Session · {session.get_status_display().lower()}"


@timeline_source
def sessions(user, relationship: Relationship) -> list[TimelineEntry]:
    records = policy.read_records(
        user, Session.objects.filter(relationship=relationship), Purpose.RELATIONSHIP_PAGE
    )
    return [
        TimelineEntry(
            day=localdate(session.starts_at),
            at=session.starts_at,
            kind=_session_kind(session),
            text=session.notes,
            url=reverse("session_detail", args=[relationship.pk, session.pk]),
        )
        for session in records
    ]


@timeline_source
def visits(user, relationship: Relationship) -> list[TimelineEntry]:
    records = policy.read_records(
        user, Visit.objects.filter(relationship=relationship), Purpose.RELATIONSHIP_PAGE
    )
    return [
        TimelineEntry(
            day=localdate(visit.visited_at),
            at=visit.visited_at,
            kind=f"Classroom visit · {visit.minutes} min",
            text=visit.students_doing,
            url=reverse("visit_detail", args=[relationship.pk, visit.pk]),
            edit_url=edit_url(user, relationship, visit, "visit"),
        )
        for visit in records
    ]
