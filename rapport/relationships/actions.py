"""Things people do within a relationship."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.privacy import policy
from rapport.privacy.actions import withdraw_all_releases
from rapport.relationships.models import (
    Appreciation,
    Note,
    Noticing,
    Question,
    Relationship,
    Touchpoint,
    Visibility,
)
from rapport.web import mail


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


@transaction.atomic
def log_touchpoint(relationship: Relationship, author, kind: str, note: str = "", when=None) -> Touchpoint:
    touchpoint = Touchpoint.objects.create(
        relationship=relationship, author=author, kind=kind, note=note, happened_at=when or timezone.now()
    )
    record_contact(relationship, touchpoint.happened_at)
    return touchpoint


def record_noticing(
    relationship: Relationship, author, body: str, noticed_on: date | None = None
) -> Noticing:
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
    teacher = relationship.other_member(author)
    leaders = policy.appreciation_copy_recipients(relationship, teacher) if copy_leader else []
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


def add_question(owner, text: str, theme: str) -> Question:
    position = Question.objects.filter(owner=owner, theme=theme).count()
    return Question.objects.create(owner=owner, text=text, theme=theme, position=position)
