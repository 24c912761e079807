"""What coaches and teachers do in a coaching cycle. Views call these; the rules live here.

Each action that writes in a relationship checks first, whoever calls it, that it has not ended
and that the person is one of its members, the one acting as coach for the coach's work
(``privacy.refusals``).
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import (
    STARTER_CONFIDENTIALITY,
    STARTER_NORMS,
    STARTER_PEER_CONFIDENTIALITY,
    Agreement,
    AgreementAcknowledgement,
    AgreementRevision,
    CalendarFeed,
    Commitment,
    Cycle,
    Decision,
    EvidencePoint,
    SentSummary,
    Session,
    SessionQuerySet,
    SessionSeries,
    Side,
    Visit,
    hash_feed_token,
    normalise_section,
)
from rapport.core import mail
from rapport.people.models import User
from rapport.privacy.refusals import ActionRefused, check_open, check_writes_as_coach, check_writes_in
from rapport.relationships.actions import record_contact
from rapport.relationships.models import Relationship, Visibility

logger = logging.getLogger(__name__)


# --- Agreements -------------------------------------------------------------------------

ACK_SALT = "rapport.coaching.agreement-acknowledgement"
ACK_LINK_MAX_AGE = datetime.timedelta(days=7)


def starter_agreement(relationship: Relationship) -> dict[str, str]:
    """A first draft in our words, for the pair to make their own."""
    coach, teacher = relationship.coach, relationship.teacher
    if relationship.is_peer:
        roles = (
            f"We are peers and take turns. When we work on {coach.get_short_name()}'s classroom, "
            f"{coach.get_short_name()} leads; when we work on {teacher.get_short_name()}'s, "
            f"{teacher.get_short_name()} does. Whoever leads chooses the goal and what to try; the "
            "other listens, asks, brings ideas and keeps track. Neither of us evaluates the other."
        )
    else:
        roles = (
            f"{teacher.full_name} leads: they choose the goal and what to try. "
            f"{coach.full_name} listens, asks, brings ideas and resources, and keeps track."
        )
    return {
        "roles": roles,
        "confidentiality": STARTER_PEER_CONFIDENTIALITY if relationship.is_peer else STARTER_CONFIDENTIALITY,
        "norms": STARTER_NORMS,
        "meetings": "",
        "focus": relationship.focus,
        "feedback_preferences": "",
        "coach_commitments": "Come prepared, follow through on what I promise, and protect your time.",
        "teacher_commitments": (
            "Come with a question or a piece of student work, and try one thing between meetings."
        ),
    }


@transaction.atomic
def save_agreement(relationship: Relationship, by: User, sections: dict[str, str]) -> Agreement:
    """Create or change the agreement; every change is a new version that needs acknowledging again."""
    check_writes_as_coach(relationship, by)
    sections = {name: normalise_section(sections[name]) for name, _ in Agreement.SECTIONS}
    agreement = Agreement.objects.select_for_update().filter(relationship=relationship).first()
    if agreement is None:
        agreement = Agreement(relationship=relationship, author=by, visibility=Visibility.SHARED, version=1)
        changed = [label for _, label in Agreement.SECTIONS]
    else:
        # Compared as kept: a section typed again with other line endings has not changed.
        changed = [
            label
            for name, label in Agreement.SECTIONS
            if normalise_section(getattr(agreement, name)) != sections[name]
        ]
        if not changed:
            return agreement
        agreement.version += 1
    for name, _ in Agreement.SECTIONS:
        setattr(agreement, name, sections[name])
    agreement.save()
    AgreementRevision.objects.create(
        agreement=agreement,
        version=agreement.version,
        changed_sections=", ".join(changed),
        changed_by=by,
        text=json.dumps(sections),
    )
    return agreement


def acknowledgers(relationship: Relationship) -> list[User]:
    """Who acknowledges the agreement: the teacher; in peer coaching, both peers."""
    return [relationship.coach, relationship.teacher] if relationship.is_peer else [relationship.teacher]


class AcknowledgementRefused(Exception):
    """The acknowledgement cannot be recorded; the message says why, for the person."""


def acknowledge_agreement(
    agreement: Agreement, person: User, version: int, via: str
) -> AgreementAcknowledgement:
    relationship = agreement.relationship
    if person.pk not in {p.pk for p in acknowledgers(relationship)}:
        raise AcknowledgementRefused("Only the teacher acknowledges this agreement.")
    if version != agreement.version:
        raise AcknowledgementRefused(
            "The agreement has changed since this link was sent. Sign in to read the new version."
        )
    try:
        with transaction.atomic():
            return AgreementAcknowledgement.objects.create(
                agreement=agreement, version=version, person=person, via=via
            )
    except IntegrityError:
        raise AcknowledgementRefused(
            "This version is already acknowledged; the link cannot be used again."
        ) from None


def acknowledgement_token(agreement: Agreement, person: User) -> str:
    return signing.TimestampSigner(salt=ACK_SALT).sign(f"{agreement.pk}:{agreement.version}:{person.pk}")


@dataclass
class AcknowledgementRequest:
    agreement: Agreement
    version: int
    person: User


class LinkRefused(Exception):
    """An acknowledgement link that is altered, expired or malformed."""


def read_acknowledgement_token(token: str) -> AcknowledgementRequest:
    try:
        value = signing.TimestampSigner(salt=ACK_SALT).unsign(token, max_age=ACK_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused("This link has expired. Ask your coach to send a new one, or sign in.") from None
    except signing.BadSignature:
        raise LinkRefused("This link is not valid. It may have been changed or cut short.") from None
    agreement_pk, version, person_pk = (int(part) for part in value.split(":"))
    agreement = (
        Agreement.objects.select_related("relationship__coach", "relationship__teacher")
        .filter(pk=agreement_pk)
        .first()
    )
    person = User.objects.filter(pk=person_pk, is_active=True).first()
    if agreement is None or person is None:
        raise LinkRefused("This link no longer points to an agreement.")
    return AcknowledgementRequest(agreement=agreement, version=version, person=person)


def send_agreement_for_acknowledgement(agreement: Agreement, base_url: str) -> tuple[list[str], list[str]]:
    """Email each person who still has to acknowledge this version a one-time signed link.

    Returns the addresses it went to, and those it could not be sent to (the mail server
    down or refusing): sending again later sends only to who has still not acknowledged.
    """
    already = set(
        agreement.acknowledgements.filter(version=agreement.version).values_list("person_id", flat=True)
    )
    sent, not_sent = [], []
    for person in acknowledgers(agreement.relationship):
        if person.pk in already:
            continue
        link = base_url + reverse("agreement_ack_link", args=[acknowledgement_token(agreement, person)])
        try:
            mail.send(
                to=[person.email],
                subject="Your coaching agreement, to read and acknowledge",
                template="coaching_agreement",
                context={
                    "agreement": agreement,
                    "person": person,
                    "link": link,
                    "days": ACK_LINK_MAX_AGE.days,
                },
            )
        except mail.NOT_SENT as error:
            logger.warning("agreement email not sent: %s", type(error).__name__)
            not_sent.append(person.email)
        else:
            sent.append(person.email)
    return sent, not_sent


# --- Cycles -----------------------------------------------------------------------------


def start_cycle(relationship: Relationship, by: User, fields: dict) -> Cycle:
    check_writes_as_coach(relationship, by)
    return Cycle.objects.create(relationship=relationship, author=by, visibility=Visibility.SHARED, **fields)


def update_cycle(cycle: Cycle, fields: dict) -> Cycle:
    check_open(cycle.relationship)
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()
    return cycle


def add_evidence(cycle: Cycle, by: User, fields: dict) -> EvidencePoint:
    check_writes_in(cycle.relationship, by)
    return EvidencePoint.objects.create(
        relationship_id=cycle.relationship_id, author=by, visibility=cycle.visibility, cycle=cycle, **fields
    )


def record_decision(cycle: Cycle, by: User, fields: dict) -> Decision:
    check_writes_in(cycle.relationship, by)
    return Decision.objects.create(
        relationship_id=cycle.relationship_id, author=by, visibility=cycle.visibility, cycle=cycle, **fields
    )


# --- Sessions --------------------------------------------------------------------------


def schedule_session(
    relationship: Relationship,
    by: User,
    when: dict,
    place: str,
    agenda: str,
    series: SessionSeries | None = None,
) -> Session:
    check_writes_as_coach(relationship, by)
    return Session.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.SHARED,
        starts_at=when["starts_at"],
        ends_at=when["ends_at"],
        wrap_up_at=when["wrap_up_at"],
        place=place,
        agenda=agenda,
        series=series,
    )


def _on(day: datetime.date, moment: datetime.datetime) -> datetime.datetime:
    """The same local time of day as ``moment``, on ``day`` (a series keeps its clock time
    across a change of daylight-saving time)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


@transaction.atomic
def schedule_series(
    relationship: Relationship,
    by: User,
    when: dict,
    place: str,
    agenda: str,
    *,
    cadence: int,
    dates: list[datetime.date],
    ends_on: datetime.date | None = None,
    occurrences: int | None = None,
) -> list[Session]:
    """One session on each of ``dates`` (from ``forms.series_dates``), at the times of ``when``,
    tied together by a ``SessionSeries``. The agenda goes to the first session only: each
    meeting gets its own."""
    check_writes_as_coach(relationship, by)
    if not 1 < len(dates) <= SessionSeries.MAX_OCCURRENCES:
        raise ValueError("A series holds between 2 and SessionSeries.MAX_OCCURRENCES sessions.")
    series = SessionSeries.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.SHARED,
        cadence=cadence,
        ends_on=ends_on,
        occurrences=occurrences,
    )
    sessions = []
    for index, day in enumerate(dates):
        times = {key: _on(day, when[key]) for key in ("starts_at", "ends_at", "wrap_up_at")}
        sessions.append(
            schedule_session(relationship, by, times, place, agenda if index == 0 else "", series=series)
        )
    return sessions


@transaction.atomic
def hold_session(session: Session, notes: str) -> Session:
    """The meeting happened: keep the notes, and count it as contact for coverage."""
    check_open(session.relationship)
    session.notes = notes
    session.status = Session.Status.HELD
    session.held_at = timezone.now()
    session.save(update_fields=["notes", "status", "held_at", "updated_at"])
    record_contact(session.relationship, min(session.starts_at, session.held_at))
    return session


def save_session_notes(session: Session, notes: str) -> Session:
    check_open(session.relationship)
    session.notes = notes
    session.save(update_fields=["notes", "updated_at"])
    return session


def cancel_session(session: Session, cancelled_by: str, reason: str) -> Session:
    """Who cancelled matters: a coach-cancelled session is a promise broken."""
    check_open(session.relationship)
    return _cancel(session, cancelled_by, reason)


def _cancel(session: Session, cancelled_by: str, reason: str) -> Session:
    session.status = Session.Status.CANCELLED
    session.cancelled_by = cancelled_by
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancelled_by", "cancel_reason", "updated_at"])
    return session


def later_in_series(session: Session) -> SessionQuerySet:
    """The scheduled sessions of ``session``'s series that start after it."""
    if session.series_id is None:
        return Session.objects.none()
    return Session.objects.filter(
        series_id=session.series_id, status=Session.Status.SCHEDULED, starts_at__gt=session.starts_at
    )


@transaction.atomic
def cancel_rest_of_series(session: Session, cancelled_by: str, reason: str) -> int:
    """Cancel ``session`` and every later scheduled session of its series; how many were cancelled."""
    check_open(session.relationship)
    later = list(later_in_series(session).select_for_update())
    for each in [session, *later]:
        _cancel(each, cancelled_by, reason)
    return 1 + len(later)


@transaction.atomic
def reschedule_session(session: Session, by: User, when: dict, place: str, agenda: str) -> Session:
    new = schedule_session(session.relationship, by, when, place, agenda, series=session.series)
    session.status = Session.Status.RESCHEDULED
    session.rescheduled_to = new
    session.save(update_fields=["status", "rescheduled_to", "updated_at"])
    return new


def next_meeting(relationship: Relationship, after: datetime.datetime) -> Session | None:
    return (
        Session.objects.filter(
            relationship=relationship, status=Session.Status.SCHEDULED, starts_at__gt=after
        )
        .order_by("starts_at")
        .first()
    )


def send_follow_up_summary(session: Session, by: User, message: str) -> SentSummary:
    """Compose the summary from the session's next steps, open commitments and next meeting; send; keep it.

    Sent first, kept after, outside any transaction: if the mail server refuses it, nothing
    is recorded as sent, and while it takes its time no write of anyone else's waits.
    """
    relationship = session.relationship
    check_writes_as_coach(relationship, by)
    recipient = relationship.other_member(by)
    context = {
        "session": session,
        "message": message,
        "next_steps": list(session.next_steps.all()),
        "commitments": list(Commitment.objects.filter(relationship=relationship).open()),
        "next_meeting": next_meeting(relationship, session.starts_at),
        "coach": relationship.coach,
        "teacher": relationship.teacher,
        # Who writes and who reads: the coach to the teacher; in peer coaching, either peer to the other.
        "sender": by,
        "recipient": recipient,
    }
    body = render_to_string("coaching/summary_body.txt", context).strip()
    mail.send(
        to=[recipient.email],
        subject=f"Our coaching session on {timezone.localtime(session.starts_at):%B %-d}",
        template="coaching_summary",
        context={"body": body},
        reply_to=[by.email],
    )
    return SentSummary.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.SHARED,
        session=session,
        body=body,
        sent_to=recipient.email,
    )


# --- Commitments -------------------------------------------------------------------------


def add_commitment(
    relationship: Relationship, by: User, fields: dict, session: Session | None = None
) -> Commitment:
    check_writes_in(relationship, by)
    if session is not None and session.relationship_id != relationship.pk:
        raise ActionRefused("A commitment made in a session belongs to that session's relationship.")
    return Commitment.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.SHARED,
        owner=fields["owner"],
        what=fields["what"],
        due_on=fields["due_on"],
        resource_title=fields.get("resource_title", ""),
        resource_url=fields.get("resource_url", ""),
        session=session,
    )


def complete_commitment(commitment: Commitment, on: datetime.date | None = None) -> Commitment:
    check_open(commitment.relationship)
    commitment.done_on = on or timezone.localdate()
    commitment.save(update_fields=["done_on", "updated_at"])
    return commitment


def reopen_commitment(commitment: Commitment) -> Commitment:
    """Marked done by mistake, or not finished after all: open again, with its due date."""
    check_open(commitment.relationship)
    commitment.done_on = None
    commitment.save(update_fields=["done_on", "updated_at"])
    return commitment


def owner_side(relationship: Relationship, user: User) -> str:
    return Side.COACH if user.pk == relationship.coach_id else Side.TEACHER


# --- Visits -----------------------------------------------------------------------------


@transaction.atomic
def record_visit(relationship: Relationship, by: User, fields: dict) -> Visit:
    """A visit stays private to the coach until the coach decides to share it."""
    check_writes_as_coach(relationship, by)
    visit = Visit.objects.create(
        relationship=relationship,
        author=by,
        visibility=Visibility.PRIVATE,
        visited_at=fields["visited_at"],
        minutes=fields["minutes"],
        students_doing=fields["students_doing"],
        what_worked=fields["what_worked"],
        wonderings=fields["wonderings"],
    )
    record_contact(relationship, visit.visited_at)
    return visit


def share_visit(visit: Visit) -> Visit:
    check_open(visit.relationship)
    if visit.visibility == Visibility.PRIVATE:
        visit.visibility = Visibility.SHARED
        visit.save(update_fields=["visibility", "updated_at"])
    return visit


# --- Calendar ----------------------------------------------------------------------------


@transaction.atomic
def new_calendar_feed(owner: User) -> str:
    """A fresh secret; any previous feed URL stops working. The secret is shown once, never stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        owner=owner, defaults={"token_hash": hash_feed_token(token), "created_at": timezone.now()}
    )
    return token


def revoke_calendar_feed(owner: User) -> None:
    CalendarFeed.objects.filter(owner=owner).delete()


def has_calendar_feed(owner: User) -> bool:
    return CalendarFeed.objects.filter(owner=owner).exists()


def feed_owner(token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("owner").filter(token_hash=hash_feed_token(token)).first()
    return feed.owner if feed and feed.owner.is_active else None
