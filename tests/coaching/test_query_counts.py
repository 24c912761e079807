"""The prep brief and the relationship page cost the same number of queries after 3 or 300 sessions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Commitment, EvidencePoint, Session, Side, Visit
from rapport.relationships.models import Note, Noticing, Visibility

pytestmark = pytest.mark.django_db


def add_history(world, sessions: int) -> None:
    """``sessions`` held sessions in the past, each with a next step, a visit, a noticing and evidence."""
    relationship, coach = world.relationship, world.coach
    now = timezone.now()
    shared = {"relationship": relationship, "author": coach, "visibility": Visibility.SHARED}
    held = Session.objects.bulk_create(
        Session(
            **shared,
            starts_at=now - datetime.timedelta(days=7 * (i + 1)),
            ends_at=now - datetime.timedelta(days=7 * (i + 1)) + datetime.timedelta(minutes=40),
            wrap_up_at=now - datetime.timedelta(days=7 * (i + 1)) + datetime.timedelta(minutes=35),
            place="Room 12",
            notes=f"Notes {i}",
            status=Session.Status.HELD,
        )
        for i in range(sessions)
    )
    Commitment.objects.bulk_create(
        Commitment(
            **shared,
            owner=Side.TEACHER if i % 2 else Side.COACH,
            what=f"Step {i}",
            due_on=timezone.localdate() - datetime.timedelta(days=i),
            done_on=None if i % 3 else timezone.localdate() - datetime.timedelta(days=i),
            session=session,
        )
        for i, session in enumerate(held)
    )
    Visit.objects.bulk_create(
        Visit(**shared, visited_at=session.starts_at, students_doing=f"Visit {i}")
        for i, session in enumerate(held)
    )
    EvidencePoint.objects.bulk_create(
        EvidencePoint(
            **shared, cycle=world.cycle, measured_on=session.starts_at.date(), value=i, source="visit"
        )
        for i, session in enumerate(held)
    )
    private = {"relationship": relationship, "author": coach, "visibility": Visibility.PRIVATE}
    Noticing.objects.bulk_create(
        Noticing(**private, body=f"Win {i}", noticed_on=timezone.localdate() - datetime.timedelta(days=i % 5))
        for i in range(sessions)
    )
    Note.objects.bulk_create(
        Note(
            **private,
            body=f"Ask about {i}",
            follow_up_on=timezone.localdate() - datetime.timedelta(days=i % 3),
        )
        for i in range(3)
    )


def query_count(client, url: str) -> int:
    """Queries of one request, after a first one that fills the per-process caches (content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["coach", "teacher"])
def test_the_relationship_page_is_constant(client_as, world, viewer):
    client = client_as(getattr(world, viewer))
    url = reverse("relationship_detail", args=[world.relationship.pk])
    add_history(world, 3)
    small = query_count(client, url)
    add_history(world, 297)
    assert query_count(client, url) == small


def test_the_prep_brief_is_constant(client_as, world):
    client = client_as(world.coach)
    url = reverse("session_prep", args=[world.relationship.pk, world.session.pk])
    add_history(world, 3)
    small = query_count(client, url)
    add_history(world, 297)
    large = query_count(client, url)
    assert large == small
    page = client.get(url).content.decode()
    assert "Win " in page
    assert "Ask about 0" in page
    assert "Step 0" in page  # last session's next step


def test_the_live_view_is_constant(client_as, world):
    client = client_as(world.coach)
    url = reverse("session_detail", args=[world.relationship.pk, world.session.pk])
    add_history(world, 3)
    small = query_count(client, url)
    add_history(world, 297)
    assert query_count(client, url) == small
