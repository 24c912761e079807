"""Things people do within a relationship."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.privacy.actions import withdraw_all_releases
from rapport.relationships.models import Note, Relationship, Visibility


def write_note(relationship: Relationship, author, body: str, visibility: str) -> Note:
    return Note.objects.create(relationship=relationship, author=author, body=body, visibility=visibility)


@transaction.atomic
def update_note(note: Note, body: str, visibility: str) -> Note:
    if visibility == Visibility.PRIVATE and note.visibility != Visibility.PRIVATE:
        withdraw_all_releases(note)
    note.body = body
    note.visibility = visibility
    note.save(update_fields=["body", "visibility", "updated_at"])
    return note


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
