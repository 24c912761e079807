"""The key pages make as many queries for a big caseload with years of history as for a small one.

The pages are the benchmark's own (bench/pages.py), opened by the people the benchmark signs in
as, in the demo district ``seed_demo`` builds at two sizes: a page added to the benchmark is
checked here too. The pages' own tests check the same beside them, one kind of growth at a time
(tests/relationships/test_pages.py, test_coach_home.py, tests/coaching/).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.pages import PAGES, SIGNED_IN_FLOOR
from bench.run import people, resolve
from rapport.demo import district as demo
from rapport.privacy import policy
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


# Two districts: the coach's caseload three times as long, and twice the years of history.
SMALLER = {"schools": 2, "coaches": 2, "teachers": 8, "years": 1}
BIGGER = {"schools": 2, "coaches": 2, "teachers": 24, "years": 2}


class _Discard(Exception):
    """Rolls a district back once its pages are counted."""


def queries_per_page(size: dict) -> dict[str, tuple[int, int, int]]:
    """Each key page's queries in a district of ``size``, with the cache empty and again (the leader
    report's tables cached), and how much history stands behind the page."""
    counts = {}
    try:
        with transaction.atomic():
            demo.build(**size)
            for page in [SIGNED_IN_FLOOR, *PAGES]:
                user = people(page.who, 1)[0]
                (path,) = resolve(page, [user])
                client = Client(headers=page.headers)
                client.force_login(user)
                client.get(path)  # a running worker's own caches (content types) are warm
                cache.clear()  # but the leader report keeps its tables for minutes: count a reading
                opened = []
                for _ in range(2):
                    with CaptureQueriesContext(connection) as queries:
                        assert client.get(path).status_code == 200, page.name
                    opened.append(len(queries))
                counts[page.name] = (*opened, _records_behind(user))
            raise _Discard
    except _Discard:
        pass
    return counts


def _records_behind(user) -> int:
    """How much the person's pages stand on: their relationships' notes (a proxy for all history)."""
    return Note.objects.filter(relationship__in=policy.coached_in(user) | policy.caseload_for(user)).count()


def test_every_key_page_makes_as_many_queries_for_a_bigger_caseload_and_a_longer_history():
    smaller, bigger = queries_per_page(SMALLER), queries_per_page(BIGGER)

    assert set(smaller) == {page.name for page in [SIGNED_IN_FLOOR, *PAGES]}
    for page in [SIGNED_IN_FLOOR, *PAGES]:
        *queries, history = smaller[page.name]
        *queries_bigger, history_bigger = bigger[page.name]
        assert queries_bigger == queries, page.name
        if page.who != "leader":  # the leader report stands on the whole district's, which grew too
            assert history_bigger > 1.5 * history, f"{page.name}: the history behind it did grow"
