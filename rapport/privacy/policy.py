"""The access policy: the one door to coaching data.

Every read of a coaching record goes through this module. It answers two
questions, and nothing else in Rapport may answer them:

* may this person see / change / release this record?  (``can_view`` …)
* which records may this person see?  (``visible_records``, a queryset filter)

and it loads records *for a person* (``get_relationship_for``,
``read_records``, ``get_record_for``), raising 404 rather than revealing that
something exists, and writing the access log for every read by someone other
than the author.

The rules, in words:

* A relationship's members are its coach and its teacher (two peers in peer
  coaching). Roles (leader, administrator, coach lead) grant nothing here.
* ``private``: the author only.
* ``shared``: both members.
* ``released``: both members, and each leader the teacher named in an active
  release.
* Only the author changes or deletes a record. Only the person a record is
  about (the teacher; either peer) releases or revokes it.

There is no override, no "view as", no superuser exception.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from rapport.privacy import accesslog
from rapport.privacy.models import Purpose, Release
from rapport.relationships.models import Relationship, RelationshipRecord, Visibility

VISIBLE_TO_MEMBERS = (Visibility.SHARED, Visibility.RELEASED)


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- Relationships ---------------------------------------------------------------


def relationships_for(user) -> QuerySet[Relationship]:
    """Relationships the person is a member of, on either side."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(coach=user) | Q(teacher=user))


def caseload_for(user) -> QuerySet[Relationship]:
    """Relationships in which the person coaches (a coach; either peer)."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(coach=user) | Q(teacher=user, kind=Relationship.Kind.PEER)).active()


def coached_in(user) -> QuerySet[Relationship]:
    """Relationships in which the records are about this person (a teacher; either peer)."""
    if not _authenticated(user):
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(teacher=user) | Q(coach=user, kind=Relationship.Kind.PEER))


def get_relationship_for(user, pk) -> Relationship:
    """The relationship, if the person is a member of it; 404 otherwise."""
    relationship = relationships_for(user).select_related("coach", "teacher", "school").filter(pk=pk).first()
    if relationship is None:
        raise Http404("No such relationship.")
    return relationship


def get_coached_relationship_for(user, pk) -> Relationship:
    """The relationship, if the person acts as its coach; 404 otherwise."""
    relationship = get_relationship_for(user, pk)
    if not relationship.acts_as_coach(user):
        raise Http404("No such relationship.")
    return relationship


# --- Records ----------------------------------------------------------------------


def _released_to(user, model: type[Model]) -> QuerySet[Release]:
    return Release.objects.active().filter(leader=user, content_type=ContentType.objects.get_for_model(model))


def visible_records(user, queryset: QuerySet) -> QuerySet:
    """Filter ``queryset`` (of a RelationshipRecord model) to what ``user`` may see."""
    if not _authenticated(user):
        return queryset.none()
    member_of = Q(relationship__coach=user) | Q(relationship__teacher=user)
    return queryset.filter(
        Q(author=user)
        | (Q(visibility__in=VISIBLE_TO_MEMBERS) & member_of)
        | Q(
            visibility=Visibility.RELEASED,
            pk__in=_released_to(user, queryset.model).values("object_id"),
        )
    )


def can_view(user, record: RelationshipRecord) -> bool:
    if not _authenticated(user):
        return False
    if record.author_id == user.pk:
        return True
    relationship = record.relationship
    if record.visibility in VISIBLE_TO_MEMBERS and relationship.is_member(user):
        return True
    if record.visibility == Visibility.RELEASED:
        return _released_to(user, type(record)).filter(object_id=record.pk).exists()
    return False


def can_change(user, record: RelationshipRecord) -> bool:
    """Only the author, while still a member of the relationship."""
    return _authenticated(user) and record.author_id == user.pk and record.relationship.is_member(user)


def can_release(user, record: RelationshipRecord) -> bool:
    """The person the record is about may release what both members can see."""
    return (
        _authenticated(user)
        and record.visibility in VISIBLE_TO_MEMBERS
        and record.relationship.acts_as_teacher(user)
    )


def read_records(user, queryset: QuerySet, purpose: str, limit: int | None = None) -> list:
    """The records of ``queryset`` that ``user`` may see, read and logged.

    ``limit`` keeps only the first records (in the queryset's order): a page that
    shows the latest few reads, decrypts and logs only those, so its cost does not
    grow with years of history, and the access log lists only what was shown.
    """
    visible = visible_records(user, queryset)
    records = list(visible if limit is None else visible[:limit])
    accesslog.append(user, records, purpose)
    return records


def get_record_for(user, queryset: QuerySet, pk, purpose: str) -> Model:
    """One record ``user`` may see (404 otherwise), read and logged."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    accesslog.append(user, [record], purpose)
    return record


def get_record_to_change(user, queryset: QuerySet, pk) -> Model:
    """One record ``user`` may change (its author); 404 otherwise."""
    record = queryset.select_related("relationship").filter(pk=pk, author=user).first()
    if record is None or not can_change(user, record):
        raise Http404("No such record.")
    return record


def get_record_to_release(user, queryset: QuerySet, pk) -> Model:
    """One record the person may release (it is about them and shared), read and logged."""
    record = visible_records(user, queryset).select_related("relationship").filter(pk=pk).first()
    if record is None or not can_release(user, record):
        raise Http404("No such record.")
    accesslog.append(user, [record], Purpose.RELEASE)
    return record


# --- Releases -------------------------------------------------------------------------


def releases_for_leader(user) -> QuerySet[Release]:
    """Active releases naming this leader."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.active().filter(leader=user)


def releases_by(user) -> QuerySet[Release]:
    """Releases the person made of records about them (active and revoked)."""
    if not _authenticated(user):
        return Release.objects.none()
    return Release.objects.filter(relationship__in=coached_in(user))


def get_release_for_leader(user, pk) -> Release:
    release = releases_for_leader(user).filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def get_release_to_revoke(user, pk) -> Release:
    release = releases_by(user).active().filter(pk=pk).first()
    if release is None:
        raise Http404("No such release.")
    return release


def read_released_record(user, release: Release, purpose: str) -> Model:
    """The record behind a release to ``user``, read and logged."""
    model = release.content_type.model_class()
    return get_record_for(user, model.objects.all(), release.object_id, purpose)


# --- The access log -----------------------------------------------------------------


def access_log_for(user) -> QuerySet:
    """Reads of records about this person by anyone else (their "who looked" page)."""
    from rapport.privacy.models import AccessLogEntry

    if not _authenticated(user):
        return AccessLogEntry.objects.none()
    return (
        AccessLogEntry.objects.filter(relationship_id__in=coached_in(user).values("pk"))
        .exclude(accessor=user)
        .select_related("accessor")
    )
