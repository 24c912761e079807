"""What people do with who may read: a teacher releases records to leaders and revokes; a coach
shares with named coach leads and stops."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from rapport.core import mail
from rapport.people.models import Role, User
from rapport.privacy import policy
from rapport.privacy.models import (
    CoachLeadShare,
    ConsentState,
    PracticeShare,
    Release,
    ShareEnded,
    ShareQuerySet,
    TeacherConsent,
)
from rapport.privacy.refusals import ActionRefused, NotAMember, NotTheirCoachLead, VisibilityRefused
from rapport.privacy.relationships import Relationship, RelationshipRecord, Visibility
from rapport.privacy.types import Person

logger = logging.getLogger(__name__)


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


def _check_release(record: RelationshipRecord, leaders: Iterable[Person], by: Person) -> None:
    if record.visibility not in policy.VISIBLE_TO_MEMBERS:
        raise VisibilityRefused("Only what both of you can read can be released.")
    if not policy.can_release(by, record):
        raise NotAMember("Only the person this record is about releases it.")
    allowed = set(leaders_for(record.relationship).values_list("pk", flat=True))
    if any(leader.pk not in allowed for leader in leaders):
        raise ActionRefused("Only leaders of this school or district can be named.")


@transaction.atomic
def release(record: RelationshipRecord, leaders: Iterable[Person], by: Person) -> list[Release]:
    """``by``, the person the record is about, releases it to ``leaders`` of its school or district."""
    _check_release(record, leaders, by)
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
        if model is None:
            raise LookupError(f"{release_.content_type} is released but is no model any more")
        model._default_manager.filter(pk=release_.object_id, visibility=Visibility.RELEASED).update(
            visibility=Visibility.SHARED
        )


def withdraw_all_releases(record: RelationshipRecord) -> None:
    """Called when a record goes back to private or is deleted."""
    Release.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).delete()


# --- Sharing with named coach leads ------------------------------------------------------


def coach_leads_of(coach: Person) -> QuerySet[User]:
    """Who the coach may share with now: each active coach lead assigned to lead them."""
    return (
        User.objects.filter(is_active=True, coaches_led__coach=coach, roles__kind=Role.Kind.COACH_LEAD)
        .distinct()
        .order_by("full_name", "pk")
    )


def _check_coach_leads(coach: Person, leads: Iterable[Person]) -> None:
    allowed = set(coach_leads_of(coach).values_list("pk", flat=True))
    strangers = [lead for lead in leads if lead.pk not in allowed]
    if strangers:
        raise NotTheirCoachLead()


def _shares_of(record: RelationshipRecord) -> ShareQuerySet[CoachLeadShare]:
    return CoachLeadShare.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


@transaction.atomic
def share_with_coach_leads(record: RelationshipRecord, leads: Iterable[Person]) -> list[TeacherConsent]:
    """The record's author shares it with each of ``leads``, by name; each must lead them now.

    Each new share asks the person the record is about (the teacher) for their consent, and
    opens nothing until they agree (``answer_consent``). Returns the new asks. Someone it is
    already shared with keeps their share, its date and its answer.
    """
    _check_coach_leads(record.author, leads)
    already = set(_shares_of(record).open().values_list("coach_lead_id", flat=True))
    content_type = ContentType.objects.get_for_model(record)
    teacher = record.relationship.other_member(record.author)
    asks = []
    for lead in leads:
        if lead.pk in already:
            continue
        try:
            # A second click racing the first finds the open share there: nothing to add.
            with transaction.atomic():
                share = CoachLeadShare.objects.create(
                    content_type=content_type,
                    object_id=record.pk,
                    relationship_id=record.relationship_id,
                    coach=record.author,
                    coach_lead=lead,
                )
        except IntegrityError:
            continue
        asks.append(
            TeacherConsent.objects.create(share=share, relationship_id=share.relationship_id, teacher=teacher)
        )
    return asks


class ConsentRefused(Exception):
    """An answer that cannot be given any more (already answered, or the share ended)."""


@transaction.atomic
def answer_consent(consent: TeacherConsent, *, agree: bool, named: bool = False) -> None:
    """The teacher agrees (perhaps to be named too) or declines; declining ends the share."""
    consent = TeacherConsent.objects.select_for_update().select_related("share").get(pk=consent.pk)
    if not consent.is_asked or not consent.share.is_open:
        raise ConsentRefused("This has already been answered, or your coach no longer asks.")
    consent.state = ConsentState.AGREED if agree else ConsentState.DECLINED
    consent.named = agree and named
    consent.answered_at = timezone.now()
    consent.save(update_fields=["state", "named", "answered_at"])
    if not agree:
        CoachLeadShare.objects.filter(pk=consent.share_id).end(ShareEnded.TEACHER_DECLINED)


@transaction.atomic
def withdraw_consent(consent: TeacherConsent) -> None:
    """The teacher takes their consent back: the coach lead's access ends now, for good."""
    consent = TeacherConsent.objects.select_for_update().get(pk=consent.pk)
    if not consent.is_agreed:
        raise ConsentRefused("There is no consent of yours to withdraw here.")
    consent.state = ConsentState.WITHDRAWN
    consent.answered_at = timezone.now()
    consent.save(update_fields=["state", "answered_at"])
    CoachLeadShare.objects.filter(pk=consent.share_id).end(ShareEnded.TEACHER_WITHDREW)


@transaction.atomic
def set_consent_naming(consent: TeacherConsent, named: bool) -> None:
    """The teacher, having agreed, lets the coach lead see their name, or no longer."""
    if not consent.is_agreed:
        raise ConsentRefused("There is no consent of yours to change here.")
    TeacherConsent.objects.filter(pk=consent.pk).update(named=named)
    consent.named = named


CONSENT_SALT = "rapport.privacy.teacher-consent"
CONSENT_LINK_MAX_AGE = timedelta(days=7)


def consent_token(consent: TeacherConsent) -> str:
    """A signed link for this one ask: it names the ask and when it was made."""
    return signing.TimestampSigner(salt=CONSENT_SALT).sign(f"{consent.pk}:{consent.teacher_id}")


class LinkRefused(Exception):
    """A consent link that is altered, expired, malformed or already used."""


def read_consent_token(token: str) -> TeacherConsent:
    try:
        value = signing.TimestampSigner(salt=CONSENT_SALT).unsign(token, max_age=CONSENT_LINK_MAX_AGE)
        consent_pk, teacher_pk = (int(part) for part in value.split(":"))
    except signing.SignatureExpired:
        raise LinkRefused("This link has expired. Sign in to Rapport to answer your coach.") from None
    except (signing.BadSignature, ValueError):
        raise LinkRefused("This link is not valid. It may have been changed or cut short.") from None
    consent = (
        TeacherConsent.objects.select_related("share__coach", "share__coach_lead", "teacher")
        .filter(pk=consent_pk, teacher_id=teacher_pk, teacher__is_active=True)
        .first()
    )
    if consent is None:
        raise LinkRefused("This link no longer points to a question from your coach.")
    if not consent.is_asked or not consent.share.is_open:
        raise LinkRefused("This link has already been used, or your coach no longer asks.")
    return consent


def send_consent_request(consent: TeacherConsent, base_url: str) -> bool:
    """Email the teacher a one-time link to answer; False when the mail server refused."""
    link = base_url + reverse("consent_link", args=[consent_token(consent)])
    try:
        mail.send(
            to=[consent.teacher.email],
            subject="Your coach asks before sharing a conversation",
            template="teacher_consent",
            context={"consent": consent, "link": link, "days": CONSENT_LINK_MAX_AGE.days},
        )
    except mail.NOT_SENT as error:
        logger.warning("consent email not sent: %s", type(error).__name__)
        return False
    return True


def stop_sharing_with_coach_leads(record: RelationshipRecord, leads: Iterable[Person] | None = None) -> int:
    """End the record's shares with ``leads`` (with everyone when ``None``); how many ended."""
    shares = _shares_of(record)
    if leads is not None:
        shares = shares.filter(coach_lead__in=leads)
    return shares.end(ShareEnded.BY_COACH)


@transaction.atomic
def set_practice_shares(coach: Person, leads: Iterable[Person]) -> None:
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
