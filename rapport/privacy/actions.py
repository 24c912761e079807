"""What a teacher does with their records: release them to leaders and revoke."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from rapport.people.models import Role, User
from rapport.privacy.models import Release
from rapport.relationships.models import Relationship, RelationshipRecord, Visibility


def leaders_for(relationship: Relationship) -> QuerySet[User]:
    """Leaders a record of this relationship may be released to: its school's and district's."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(roles__kind=Role.Kind.SCHOOL_LEADER, roles__school=relationship.school_id)
            | Q(roles__kind=Role.Kind.DISTRICT_LEADER, roles__district=relationship.school.district_id)
        )
        .distinct()
    )


@transaction.atomic
def release(record: RelationshipRecord, leaders, by: User) -> list[Release]:
    content_type = ContentType.objects.get_for_model(record)
    already = set(
        Release.objects.active()
        .filter(content_type=content_type, object_id=record.pk)
        .values_list("leader_id", flat=True)
    )
    created = Release.objects.bulk_create(
        Release(
            content_type=content_type,
            object_id=record.pk,
            relationship_id=record.relationship_id,
            leader=leader,
            released_by=by,
        )
        for leader in leaders
        if leader.pk not in already
    )
    if record.visibility != Visibility.RELEASED:
        record.visibility = Visibility.RELEASED
        record.save(update_fields=["visibility"])
    return created


@transaction.atomic
def revoke(release_: Release) -> None:
    release_.revoked_at = timezone.now()
    release_.save(update_fields=["revoked_at"])
    still_released = Release.objects.active().filter(
        content_type=release_.content_type_id, object_id=release_.object_id
    )
    if not still_released.exists():
        model = release_.content_type.model_class()
        model.objects.filter(pk=release_.object_id, visibility=Visibility.RELEASED).update(
            visibility=Visibility.SHARED
        )


def withdraw_all_releases(record: RelationshipRecord) -> None:
    """Called when a record goes back to private or is deleted."""
    Release.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).delete()
