"""What people do with who may read: a teacher releases records to leaders and revokes; a coach
shares with named coach leads and stops."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from rapport.people.models import Role, User
from rapport.privacy.models import CoachLeadShare, PracticeShare, Release, ShareEnded
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


# --- Sharing with named coach leads ------------------------------------------------------


def coach_leads_of(coach) -> QuerySet[User]:
    """Who the coach may share with now: each active coach lead assigned to lead them."""
    return (
        User.objects.filter(is_active=True, coaches_led__coach=coach, roles__kind=Role.Kind.COACH_LEAD)
        .distinct()
        .order_by("full_name", "pk")
    )


def _check_coach_leads(coach, leads) -> None:
    allowed = set(coach_leads_of(coach).values_list("pk", flat=True))
    strangers = [lead for lead in leads if lead.pk not in allowed]
    if strangers:
        raise ValueError(f"not a coach lead of {coach.pk}: {[lead.pk for lead in strangers]}")


def _shares_of(record: RelationshipRecord) -> QuerySet[CoachLeadShare]:
    return CoachLeadShare.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


@transaction.atomic
def share_with_coach_leads(record: RelationshipRecord, leads) -> None:
    """The record's author shares it with each of ``leads``, by name; each must lead them now.

    Someone it is already shared with keeps their share and its date.
    """
    _check_coach_leads(record.author, leads)
    already = set(_shares_of(record).open().values_list("coach_lead_id", flat=True))
    content_type = ContentType.objects.get_for_model(record)
    # A second click racing the first finds the open share there: nothing to add.
    CoachLeadShare.objects.bulk_create(
        [
            CoachLeadShare(
                content_type=content_type,
                object_id=record.pk,
                relationship_id=record.relationship_id,
                coach=record.author,
                coach_lead=lead,
            )
            for lead in leads
            if lead.pk not in already
        ],
        ignore_conflicts=True,
    )


def stop_sharing_with_coach_leads(record: RelationshipRecord, leads=None) -> int:
    """End the record's shares with ``leads`` (with everyone when ``None``); how many ended."""
    shares = _shares_of(record)
    if leads is not None:
        shares = shares.filter(coach_lead__in=leads)
    return shares.end(ShareEnded.BY_COACH)


@transaction.atomic
def set_practice_shares(coach, leads) -> None:
    """Share the coach's practice indicators with exactly ``leads``, each a coach lead of theirs
    now, and with nobody else; a share that goes on keeps its date."""
    _check_coach_leads(coach, leads)
    shares = PracticeShare.objects.filter(coach=coach)
    shares.exclude(coach_lead__in=leads).end(ShareEnded.BY_COACH)
    already = set(shares.open().values_list("coach_lead_id", flat=True))
    PracticeShare.objects.bulk_create(
        [PracticeShare(coach=coach, coach_lead=lead) for lead in leads if lead.pk not in already],
        ignore_conflicts=True,
    )


def end_shares_with(coach_lead_id: int, *, coach_id: int | None = None) -> None:
    """The person no longer leads this coach (any coach, when ``coach_id`` is ``None``): what was
    shared with them ends for good."""
    for model in (CoachLeadShare, PracticeShare):
        shares = model.objects.filter(coach_lead_id=coach_lead_id)
        if coach_id is not None:
            shares = shares.filter(coach_id=coach_id)
        shares.end(ShareEnded.NO_LONGER_LEAD)
