"""API endpoints for a coach's relationships and their notes."""

from __future__ import annotations

from ninja import Path, Query, Router, Status

from rapport.api.auth import require_write
from rapport.api.bodies import body_schema, parse_body
from rapport.api.schemas import MAX_ID, NoteIn, NoteOut, Page, RelationshipOut
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.relationships import actions
from rapport.relationships.models import Note, Relationship

router = Router(tags=["relationships"])

RelationshipId = Path(..., ge=1, le=MAX_ID)


# Read as plain values: a caseload of fifty costs one query and no model instances.
RELATIONSHIP_VALUES = (
    "id",
    "kind",
    "coach_id",
    "teacher_id",
    "coach__full_name",
    "teacher__full_name",
    "school__name",
    "focus",
    "started_on",
    "ended_on",
    "last_contact_at",
)


def relationships_out(relationships, user) -> list[dict]:
    """``relationships`` (already allowed for ``user``) as the API shows them."""
    return [_relationship_out(row, user) for row in relationships.values(*RELATIONSHIP_VALUES)]


def _relationship_out(row: dict, user) -> dict:
    # The other member: the teacher, or the other peer when the person is a peer teacher.
    other = "teacher" if row["coach_id"] == user.pk else "coach"
    return {
        "id": row["id"],
        "kind": row["kind"],
        "teacher_id": row[f"{other}_id"],
        "teacher_name": row[f"{other}__full_name"],
        "school": row["school__name"],
        "focus": row["focus"],
        "started_on": row["started_on"],
        "ended_on": row["ended_on"],
        "last_contact_at": row["last_contact_at"],
    }


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
def list_relationships(request: AuthenticatedHttpRequest):
    """The relationships in which you coach."""
    return relationships_out(policy.caseload_for(request.user), request.user)


@router.get("/relationships/{relationship_id}", response=RelationshipOut, url_name="api_relationship")
def get_relationship(request: AuthenticatedHttpRequest, relationship_id: int = RelationshipId):
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return relationships_out(Relationship.objects.filter(pk=relationship.pk), request.user)[0]


@router.get(
    "/relationships/{relationship_id}/notes", response=list[NoteOut], url_name="api_relationship_notes"
)
def list_notes(
    request: AuthenticatedHttpRequest,
    relationship_id: int = RelationshipId,
    page: Query[Page] = None,  # type: ignore[assignment]  # see Page
):
    """Notes in the relationship you may read, newest first."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return page_of(request.user, Note.objects.filter(relationship=relationship), page or Page(), Purpose.API)


@router.post(
    "/relationships/{relationship_id}/notes",
    response={201: NoteOut},
    openapi_extra=body_schema(NoteIn),
    url_name="api_relationship_notes",
)
def create_note(request: AuthenticatedHttpRequest, relationship_id: int = RelationshipId):
    """Write a note (a read-and-write token). Private notes are in the teacher's own data export."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    require_write(request)
    payload = parse_body(request, NoteIn)
    return Status(201, actions.write_note(relationship, request.user, payload.body, payload.visibility))


@router.get(
    "/relationships/{relationship_id}/notes/{note_id}", response=NoteOut, url_name="api_relationship_note"
)
def get_note(
    request: AuthenticatedHttpRequest,
    relationship_id: int = RelationshipId,
    note_id: int = Path(..., ge=1, le=MAX_ID),
):
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return policy.get_record_for(
        request.user, Note.objects.filter(relationship=relationship), note_id, Purpose.API
    )
