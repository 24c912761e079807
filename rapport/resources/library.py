"""Who reaches the library, and the resources shared with a person.

The library is the district's, not any relationship's: every coach of a district reads all of its
resources and changes only their own. What was shared with a teacher is a coaching record, so it is
read through the access policy (``shares_in``, ``shared_file_for``), which logs it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from rapport.people.models import Role
from rapport.privacy import policy
from rapport.relationships.models import Relationship
from rapport.resources.models import Resource, ResourceShare


def districts_of(user) -> QuerySet:
    """The districts where this person coaches (ids)."""
    if not (user and user.is_authenticated and user.is_active):
        return Role.objects.none().values("district")
    return Role.objects.filter(user=user, kind=Role.Kind.COACH).values("district")


def may_use_library(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_coach)


def library_for(user) -> QuerySet[Resource]:
    """Every resource on the shelves of the districts where the person coaches."""
    if not may_use_library(user):
        return Resource.objects.none()
    return Resource.objects.in_library().filter(district__in=districts_of(user)).select_related("owner")


def get_resource_for(user, pk) -> Resource:
    resource = library_for(user).filter(pk=pk).first()
    if resource is None:
        raise Http404("No such resource.")
    return resource


def get_resource_to_change(user, pk) -> Resource:
    """One of the person's own resources (its owner changes or removes it); 404 otherwise."""
    resource = library_for(user).filter(pk=pk, owner=user).first()
    if resource is None:
        raise Http404("No such resource.")
    return resource


def shares_in(
    user, relationship: Relationship, purpose: str, limit: int | None = None
) -> list[ResourceShare]:
    """What was shared in one relationship, newest first, read for the person and logged."""
    queryset = ResourceShare.objects.select_related("resource", "author")
    return policy.read_records(user, queryset, purpose, limit=limit, relationship=relationship)


def shared_file_for(user, pk, purpose: str) -> Resource:
    """A resource whose file the person may download: in their district's library (a coach), or
    shared with them in one of their relationships (read through the policy, logged)."""
    resource = Resource.objects.filter(pk=pk).exclude(file="").first()
    if resource is None:
        raise Http404("No such file.")
    if resource.removed_at is None and library_for(user).filter(pk=pk).exists():
        return resource
    shares = ResourceShare.objects.filter(resource=resource).order_by("-created_at")
    found = policy.read_records(user, shares, purpose, limit=1)
    if not found:
        raise Http404("No such file.")
    return resource
