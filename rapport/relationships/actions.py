"""Things people do within a relationship.

Each action checks what it is handed before it writes (``privacy.refusals``): a member of the
relationship, one that has not ended, a visibility the record may have.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.core import mail
from rapport.privacy import policy
from rapport.privacy.actions import withdraw_all_releases
from rapport.privacy.refusals import (
    VisibilityRefused,
    check_open,
    check_visibility,
    check_writes_as_coach,
    check_writes_in,
)
from rapport.relationships.models import (
    Appreciation,
    Note,
    Noticing,
    Question,
    Relationship,
    TeacherSettings,
    Touchpoint,
    Visibility,
)


def write_note(
    relationship: Relationship,
    author,
    body: str,
    visibility: str,
    *,
    kind: str = Note.Kind.GENERAL,
    follow_up_on: date | None = None,
    question: Question | None = None,
) -> Note:
    """A new note, private or shared: released only later, by the teacher (``privacy.actions.release``)."""
    check_writes_in(relationship, author)
    check_visibility(visibility, (Visibility.PRIVATE, Visibility.SHARED))
    return Note.objects.create(
        relationship=relationship,
        author=author,
        body=body,
        visibility=visibility,
        kind=kind,
        follow_up_on=follow_up_on,
        question=question,
    )


@transaction.atomic
def update_note(
    note: Note, body: str, visibility: str, *, kind: str | None = None, follow_up_on: date | None = None
) -> Note:
    """Save a corrected note. A released note may stay released; no other becomes released here."""
    check_open(note.relationship)
    if visibility == Visibility.RELEASED and note.visibility != Visibility.RELEASED:
        raise VisibilityRefused("Only the teacher releases a note, from its release page.")
    check_visibility(visibility, Visibility.values)
    if visibility == Visibility.PRIVATE and note.visibility != Visibility.PRIVATE:
        withdraw_all_releases(note)
    if follow_up_on != note.follow_up_on:
        # A new date is a new reminder: it comes back even if the old one was closed.
        note.follow_up_done_at = note.follow_up_dismissed_at = None
    note.body = body
    note.visibility = visibility
    note.kind = kind or note.kind
    note.follow_up_on = follow_up_on
    note.save()
    return note


def close_follow_up(note: Note, *, done: bool) -> None:
    """Done (it happened) or dismissed (no longer relevant): either way it leaves the home."""
    now = timezone.now()
    if done:
        note.follow_up_done_at = now
    else:
        note.follow_up_dismissed_at = now
    note.save(update_fields=["follow_up_done_at", "follow_up_dismissed_at", "updated_at"])


@transaction.atomic
def delete_note(note: Note) -> None:
    """Real deletion: the text is gone; the access log keeps only that it was read."""
    withdraw_all_releases(note)
    note.delete()


def record_contact(relationship: Relationship, when=None) -> None:
    """Every kind of contact (touchpoint, session, visit, appreciation) calls this."""
    when = when or timezone.now()
    Relationship.objects.filter(pk=relationship.pk).filter(last_contact_at__isnull=True).update(
        last_contact_at=when
    )
    Relationship.objects.filter(pk=relationship.pk, last_contact_at__lt=when).update(last_contact_at=when)


def forget_contact(relationship_id: int, when: datetime) -> None:
    """A record of contact at ``when`` was deleted. If it was the latest contact, the latest is
    now what remains: touchpoints, appreciations, visits and held sessions (``record_contact``'s
    sources), or none at all."""
    from django.apps import apps
    from django.db.models import Max

    relationship = Relationship.objects.filter(pk=relationship_id).first()
    if relationship is None or relationship.last_contact_at is None or when < relationship.last_contact_at:
        return
    Visit = apps.get_model("coaching", "Visit")
    Session = apps.get_model("coaching", "Session")
    remaining = [
        Touchpoint.objects.filter(relationship_id=relationship_id).aggregate(at=Max("happened_at"))["at"],
        Appreciation.objects.filter(relationship_id=relationship_id).aggregate(at=Max("sent_at"))["at"],
        Visit.objects.filter(relationship_id=relationship_id).aggregate(at=Max("visited_at"))["at"],
        Session.objects.filter(relationship_id=relationship_id, status=Session.Status.HELD).aggregate(
            at=Max("starts_at")
        )["at"],
    ]
    latest = max((at for at in remaining if at is not None), default=None)
    Relationship.objects.filter(pk=relationship_id).update(last_contact_at=latest)


@transaction.atomic
def log_touchpoint(relationship: Relationship, author, kind: str, note: str = "", when=None) -> Touchpoint:
    check_writes_as_coach(relationship, author)
    touchpoint = Touchpoint.objects.create(
        relationship=relationship, author=author, kind=kind, note=note, happened_at=when or timezone.now()
    )
    record_contact(relationship, touchpoint.happened_at)
    return touchpoint


def record_noticing(
    relationship: Relationship, author, body: str, noticed_on: date | None = None
) -> Noticing:
    check_writes_as_coach(relationship, author)
    return Noticing.objects.create(
        relationship=relationship, author=author, body=body, noticed_on=noticed_on or timezone.localdate()
    )


def send_appreciation(
    relationship: Relationship,
    author,
    message: str,
    noticings: Sequence[Noticing] = (),
    *,
    copy_leader: bool = False,
) -> Appreciation:
    """Email the appreciation to the teacher, then record it, and as a contact.

    The school leader is copied only if asked *and* the teacher allowed it
    (``policy.appreciation_copy_recipients``). Sent first, recorded after: if the email
    cannot be sent, nothing is recorded, and no transaction is open while the mail server
    takes its time (on SQLite that would hold every other write up).
    """
    check_writes_as_coach(relationship, author)
    teacher = relationship.other_member(author)
    named = TeacherSettings.leaders_named_by(teacher)
    leaders = policy.appreciation_copy_recipients(relationship, named) if copy_leader else []
    copy_to = [leader.email for leader in leaders]
    appreciation = Appreciation(
        relationship=relationship,
        author=author,
        visibility=Visibility.SHARED,
        message=message,
        sent_to=teacher.email,
        copied_to=", ".join(copy_to),
    )
    mail.send(
        to=[teacher.email],
        cc=copy_to,
        reply_to=[author.email],
        subject=f"A note of appreciation from {author.full_name}",
        template="appreciation",
        context={"appreciation": appreciation, "teacher": teacher, "coach": author},
    )
    with transaction.atomic():
        appreciation.save()
        appreciation.noticings.set(noticings)
        record_contact(relationship, appreciation.sent_at)
    return appreciation


def week_start(today: date | None = None) -> datetime:
    """Monday 00:00 of this week, local time: when the weekly appreciation count starts."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


@transaction.atomic
def save_profiles(profile_form, readiness_form) -> None:
    """The shared profile and the private readiness notes are saved together or not at all."""
    profile_form.save()
    readiness_form.save()


def add_question(owner, text: str, theme: str, audience: str = Question.Audience.TEACHER) -> Question:
    position = Question.objects.filter(owner=owner, theme=theme, audience=audience).count()
    return Question.objects.create(owner=owner, text=text, theme=theme, position=position, audience=audience)


class NotYourCoach(Exception):
    """The person does not lead this coach now: no space can be opened between them."""


@transaction.atomic
def open_coach_lead_space(coach_lead, coach) -> Relationship:
    """The coach lead's relationship with a coach they lead now: the one that exists, or a new
    one, built from the same parts as a coach's with a teacher (the lead in the coach's place,
    the coach in the teacher's), at the coach's school."""
    from rapport.people.models import Role

    if not coach_lead.is_active or not coach.is_active:
        raise NotYourCoach("Only active people have a space together.")
    leads = coach_lead.roles.filter(kind=Role.Kind.COACH_LEAD).exists()
    if not leads or not coach.coach_lead_assignments.filter(coach_lead=coach_lead).exists():
        raise NotYourCoach("You can open a space only with a coach you lead.")
    existing = policy.coach_lead_spaces_of(coach_lead).filter(teacher=coach).first()
    if existing is not None:
        return existing
    role = coach.roles.filter(kind=Role.Kind.COACH, school__isnull=False).order_by("pk").first()
    if role is None:
        raise NotYourCoach("This coach has no school in Rapport yet; ask an administrator.")
    return Relationship.objects.create(
        kind=Relationship.Kind.COACH_LEAD, coach=coach_lead, teacher=coach, school_id=role.school_id
    )
