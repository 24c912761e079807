"""The access log as a teacher reads it: one line per visit, the records named for them, paged."""

from __future__ import annotations

import datetime
from itertools import pairwise
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.coaching import actions as coaching_actions
from rapport.privacy import accesslog, policy, reading_log
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.privacy.reading_log import log_page, plural, visits_of
from rapport.relationships.models import Visibility
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_records_are_named_in_plain_words():
    assert plural("note", 1) == "a note"
    assert plural("note", 4) == "4 notes"
    assert plural("evidence point", 1) == "an evidence point"
    assert plural("session summary", 3) == "3 session summaries"
    assert plural("coaching agreement", 1) == "your coaching agreement"
    assert plural("teacher profile", 1) == "your teacher profile"


def _read_at(moment, accessor, records, purpose=Purpose.RELATIONSHIP_PAGE):
    with mock.patch.object(accesslog.timezone, "now", return_value=moment):
        accesslog.append(accessor, records, purpose)


def _teachers_records(world, notes: int = 2) -> list:
    """Records the teacher wrote: the coach's reads of them are logged (an author's are not)."""
    written = [
        NoteFactory(relationship=world.relationship, author=world.teacher, visibility=Visibility.SHARED)
        for _ in range(notes)
    ]
    return [
        *written,
        coaching_actions.add_commitment(
            world.relationship,
            world.teacher,
            {"owner": "teacher", "what": "Try it.", "due_on": timezone.localdate()},
        ),
    ]


def test_one_page_view_is_one_line(world, client_as):
    _teachers_records(world)
    client_as(world.coach).get(reverse("relationship_detail", args=[world.relationship.pk]))
    entries = policy.access_log_for(world.teacher)
    assert entries.count() > 1  # the page read several records the coach did not write
    (visit,) = log_page(world.teacher).visits
    assert visit.reader == world.coach
    assert visit.what.startswith("opened your page and read ")
    assert visit.record_count == entries.count()

    page = client_as(world.teacher).get(reverse("my_access_log")).content.decode()
    assert f"<strong>{world.coach.full_name}</strong> opened your page and read" in page
    assert "#" not in visit.what  # never "Note #22"


def test_reads_far_apart_or_by_someone_else_are_separate_visits(world):
    start = timezone.now() - datetime.timedelta(hours=3)
    records = _teachers_records(world)[:2]
    _read_at(start, world.coach, records)
    _read_at(start + datetime.timedelta(minutes=5), world.coach, records[:1])
    _read_at(start + datetime.timedelta(minutes=50), world.coach, records)
    _read_at(
        start + datetime.timedelta(minutes=51),
        world.leader,
        [world.released_note],
        Purpose.RELEASED_TO_LEADER,
    )
    visits = log_page(world.teacher).visits
    assert [(v.reader, v.record_count) for v in visits] == [
        (world.leader, 1),
        (world.coach, 2),
        (world.coach, 3),
    ]
    assert visits[0].what == "read a note you released to them"
    assert visits[2].what == "opened your page and read 3 notes"


def test_the_log_pages_by_visit_and_never_cuts_one(world, client_as):
    start = timezone.now() - datetime.timedelta(days=2)
    records = _teachers_records(world)
    for hour in range(6):  # six visits of three reads each
        _read_at(start + datetime.timedelta(hours=hour), world.coach, records)
    client = client_as(world.teacher)
    with mock.patch.object(reading_log, "ENTRIES_PER_PAGE", 8):
        first = client.get(reverse("my_access_log"))
        page = first.context["page"]
        assert len(page.visits) == 2  # 8 entries hold two whole visits; the third moves on
        assert all(visit.record_count == 3 for visit in page.visits)
        older = first.content.decode().split('href="?before=')[1].split('"')[0]
        second = client.get(reverse("my_access_log"), {"before": older}).context["page"]
    assert all(visit.record_count == 3 for visit in second.visits)
    assert second.visits[0].what == "opened your page and read 2 notes and a commitment"


@pytest.mark.parametrize("before", ["abc", "-4", "0", "99999999999999999999999", "1e9"])
def test_a_made_up_page_link_shows_the_newest_page(world, client_as, before):
    response = client_as(world.teacher).get(reverse("my_access_log"), {"before": before})
    assert response.status_code == 200
    assert response.context["paged"] is False


def test_the_teachers_own_reads_and_other_peoples_records_stay_out(world, client_as):
    client_as(world.teacher).get(reverse("relationship_detail", args=[world.relationship.pk]))
    client_as(world.other_coach).get(reverse("relationship_detail", args=[world.other_relationship.pk]))
    assert log_page(world.teacher).visits == []


class _Entry:
    """What visits_of reads of an entry."""

    def __init__(self, seq, accessor, purpose, at):
        self.seq, self.accessor, self.purpose, self.at = seq, accessor, purpose, at
        self.accessor_id = accessor.pk
        self.record_type, self.record_label = "relationships.note", f"note #{seq}"


class _Person:
    def __init__(self, pk):
        self.pk = pk


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),
            st.sampled_from([Purpose.RELATIONSHIP_PAGE, Purpose.EXPORT]),
            st.integers(0, 40),
        ),
        max_size=60,
    )
)
def test_visits_account_for_every_read_once(reads):
    people = {pk: _Person(pk) for pk in (1, 2, 3)}
    moment = datetime.datetime(2026, 12, 4, 9, tzinfo=datetime.UTC)
    entries = []
    for seq, (who, purpose, gap) in enumerate(reversed(reads), start=1):
        moment += datetime.timedelta(minutes=gap)
        entries.append(_Entry(seq, people[who], purpose, moment))
    entries.reverse()  # newest first, as the log is read
    visits = visits_of(entries)
    assert sum(visit.record_count for visit in visits) == len(entries)
    for visit in visits:
        assert visit.last_at - visit.first_at <= reading_log.VISIT_GAP * visit.record_count
    # Two neighbouring visits are never one that was split for no reason.
    for newer, older in pairwise(visits):
        assert (
            newer.reader is not older.reader
            or newer.purpose != older.purpose
            or newer.first_at - older.last_at > reading_log.VISIT_GAP
        )


def test_entries_are_never_rewritten_by_reading_them(world):
    _read_at(timezone.now(), world.coach, _teachers_records(world))
    before = list(AccessLogEntry.objects.values_list("seq", "entry_hash"))
    log_page(world.teacher)
    assert list(AccessLogEntry.objects.values_list("seq", "entry_hash")) == before
