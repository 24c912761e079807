"""The relationship page reads (and logs) only the notes it shows, however long the history.

That the key pages make a constant number of queries is tested beside them:
tests/relationships/test_pages.py, test_coach_home.py, tests/coaching/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.privacy.models import AccessLogEntry
from rapport.relationships.models import Note, Visibility
from rapport.relationships.views import LATEST_NOTES
from tests.factories import NoteFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def grow(world, teachers: int, notes: int) -> None:
    """More teachers on the coach's caseload, and more notes of history in the relationship."""
    for _ in range(teachers):
        RelationshipFactory(coach=world.coach, school=world.relationship.school)
    start = timezone.now() - timedelta(days=3 * 365)
    for i in range(notes):
        NoteFactory(
            relationship=world.relationship,
            author=world.coach,
            visibility=Visibility.SHARED,
            created_at=start + timedelta(days=i),
        )


def test_the_relationship_page_reads_and_logs_only_the_latest_notes(client_as, world):
    grow(world, teachers=0, notes=LATEST_NOTES + 15)
    client = client_as(world.teacher)
    notes_read = AccessLogEntry.objects.filter(record_type="relationships.note")
    before = notes_read.count()

    page = client.get(reverse("relationship_detail", kwargs={"pk": world.relationship.pk}))

    assert page.status_code == 200
    assert page.context["more_notes"]
    assert len(page.context["notes"]) == LATEST_NOTES
    assert notes_read.count() - before == LATEST_NOTES
    everything = client.get(
        reverse("relationship_detail", kwargs={"pk": world.relationship.pk}) + "?notes=all"
    )
    visible = Note.objects.filter(relationship=world.relationship).exclude(visibility=Visibility.PRIVATE)
    assert len(everything.context["notes"]) == visible.count()
    assert not everything.context["more_notes"]
