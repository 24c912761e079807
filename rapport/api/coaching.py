"""API endpoints for a relationship's sessions, commitments and goals (read only)."""

from __future__ import annotations

from ninja import Query, Router

from rapport.api.relationships import RelationshipId, page_of
from rapport.api.schemas import CommitmentOut, GoalOut, Page, SessionOut
from rapport.coaching.models import Commitment, Cycle, Session
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.privacy.types import AuthenticatedHttpRequest

router = Router(tags=["coaching"])


@router.get("/relationships/{relationship_id}/sessions", response=list[SessionOut], url_name="api_sessions")
def list_sessions(
    request: AuthenticatedHttpRequest,
    relationship_id: int = RelationshipId,
    page: Query[Page] = None,  # type: ignore[assignment]  # see Page
):
    """Sessions in the relationship, latest first."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return page_of(
        request.user, Session.objects.filter(relationship=relationship), page or Page(), Purpose.API
    )


@router.get(
    "/relationships/{relationship_id}/commitments", response=list[CommitmentOut], url_name="api_commitments"
)
def list_commitments(
    request: AuthenticatedHttpRequest,
    relationship_id: int = RelationshipId,
    page: Query[Page] = None,  # type: ignore[assignment]  # see Page
):
    """Commitments on both sides, soonest due first."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return page_of(
        request.user, Commitment.objects.filter(relationship=relationship), page or Page(), Purpose.API
    )


@router.get("/relationships/{relationship_id}/goals", response=list[GoalOut], url_name="api_goals")
def list_goals(
    request: AuthenticatedHttpRequest,
    relationship_id: int = RelationshipId,
    page: Query[Page] = None,  # type: ignore[assignment]  # see Page
):
    """The goals of the relationship's coaching cycles, newest first."""
    relationship = policy.get_coached_relationship_for(request.user, relationship_id)
    return page_of(request.user, Cycle.objects.filter(relationship=relationship), page or Page(), Purpose.API)
