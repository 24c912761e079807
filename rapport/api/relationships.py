"""API endpoints for a coach's relationships and their notes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from rapport.api.auth import require_write
from rapport.api.bodies import body_schema, parse_body
from rapport.api.schemas import MAX_ID, NoteIn, NoteOut, Page, RelationshipOut
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships import actions
from rapport.relationships.models import Note, Relationship

router = Router(tags=["relationships"])

RelationshipId = Path(..., ge=1, le=MAX_ID)


def relationship_out(relationship: Relationship, user) -> RelationshipOut:
    other = relationship.other_member(user)
    return RelationshipOut(
        id=relationship.pk,
        kind=relationship.kind,
        teacher_id=other.pk,
        teacher_name=other.full_name,
        school=relationship.school.name,
        focus=relationship.focus,
        started_on=relationship.started_on,
        ended_on=relationship.ended_on,
        last_contact_at=relationship.last_contact_at,
    )


def page_of(user, queryset, page: Page, purpose: str) -> list:
    """One page of the records ``user`` may read from ``queryset``, read and logged."""
    ids = list(
        policy.visible_records(user, queryset).values_list("pk", flat=True)[
            page.offset : page.offset + page.limit
        ]
    )
    records = policy.read_records(user, queryset.filter(pk__in=ids), purpose)
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(records, key=lambda record: order[record.pk])


@router.get("/relationships", response=list[RelationshipOut], url_name="api_relationships")
def list_relationships(request: HttpRequest):
    """The relationships in which you coach."""
    relationships = policy.caseload_for(request.user).select_related("coach", "teacher", "school")
    return [relationship_out(r, request.user) for r in relationships]


@router.get("/relationships/{relationship_id}", response=RelationshipOut, url_name="api_relationship")
def get_relationship(request: HttpRequest, relationship_id: int = RelationshipId):
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return relationship_out(relationship, request.user)


@router.get(
    "/relationships/{relationship_id}/notes", response=list[NoteOut], url_name="api_relationship_notes"
)
def list_notes(request: HttpRequest, relationship_id: int = RelationshipId, page: Query[Page] = None):
    """Notes in the relationship you may read, newest first."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return page_of(request.user, Note.objects.filter(relationship=relationship), page or Page(), Purpose.API)


@router.post(
    "/relationships/{relationship_id}/notes",
    response={201: NoteOut},
    openapi_extra=body_schema(NoteIn),
    url_name="api_relationship_notes",
)
def create_note(request: HttpRequest, relationship_id: int = RelationshipId):
    """Write a note (a read-and-write token). Private notes are in the teacher's own data export."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    require_write(request)
    payload = parse_body(request, NoteIn)
    return Status(201, actions.write_note(relationship, request.user, payload.body, payload.visibility))


@router.get(
    "/relationships/{relationship_id}/notes/{note_id}", response=NoteOut, url_name="api_relationship_note"
)
def get_note(
    request: HttpRequest, relationship_id: int = RelationshipId, note_id: int = Path(..., ge=1, le=MAX_ID)
):
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return policy.get_record_for(
        request.user, Note.objects.filter(relationship=relationship), note_id, Purpose.API
    )
