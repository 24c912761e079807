from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rapport.privacy import accesslog, policy
from rapport.privacy.models import AccessLogEntry, AppendOnlyError, Purpose
from rapport.relationships.models import Note

pytestmark = pytest.mark.django_db


def read_shared_note_as_teacher(world, times=1):
    for _ in range(times):
        policy.read_records(
            world.teacher, Note.objects.filter(pk=world.shared_note.pk), Purpose.TEACHER_SPACE
        )


def test_reads_by_others_are_logged_and_the_authors_own_are_not(world):
    policy.read_records(
        world.coach, Note.objects.filter(relationship=world.relationship), Purpose.RELATIONSHIP_PAGE
    )
    assert AccessLogEntry.objects.count() == 0

    read_shared_note_as_teacher(world)
    entry = AccessLogEntry.objects.get()
    assert entry.accessor == world.teacher
    assert entry.record_id == world.shared_note.pk
    assert entry.record_label == f"note #{world.shared_note.pk}"
    assert entry.purpose == Purpose.TEACHER_SPACE
    assert entry.relationship_id == world.relationship.pk


def test_entries_hold_no_content(world):
    read_shared_note_as_teacher(world)
    entry = AccessLogEntry.objects.values().get()
    assert not any("shared with the teacher" in str(value) for value in entry.values())


def test_an_intact_chain_verifies(world):
    read_shared_note_as_teacher(world, times=3)
    result = accesslog.verify()
    assert result.ok, result.problems
    assert result.entries == 3
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intact: 3 entries" in out.getvalue()


def test_the_log_refuses_updates_and_deletes_through_the_orm(world):
    read_shared_note_as_teacher(world)
    entry = AccessLogEntry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(purpose="x")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


TABLE = AccessLogEntry._meta.db_table


def test_a_changed_entry_is_detected(world):
    read_shared_note_as_teacher(world, times=3)
    _sql(f"UPDATE {TABLE} SET accessor_id = %s WHERE seq = 2", [world.leader.pk])  # noqa: S608
    with pytest.raises(CommandError):
        call_command("verify_access_log", stdout=StringIO(), stderr=StringIO())
    assert any("entry 2" in problem for problem in accesslog.verify().problems)


def test_a_deleted_entry_in_the_middle_is_detected(world):
    read_shared_note_as_teacher(world, times=3)
    _sql(f"DELETE FROM {TABLE} WHERE seq = 2")  # noqa: S608
    problems = accesslog.verify().problems
    assert any("missing" in problem for problem in problems)


def test_deleted_entries_at_the_end_are_detected(world):
    read_shared_note_as_teacher(world, times=3)
    _sql(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
    assert any("at the end were deleted" in problem for problem in accesslog.verify().problems)


def test_a_chain_rewritten_from_scratch_is_caught_by_the_recorded_head(world):
    read_shared_note_as_teacher(world, times=2)
    head = accesslog.verify().head_hash
    _sql(f"DELETE FROM {TABLE}")  # noqa: S608
    _sql("DELETE FROM privacy_accessloghead")
    read_shared_note_as_teacher(world)  # a fresh, self-consistent chain
    assert accesslog.verify().ok
    with pytest.raises(CommandError):
        call_command("verify_access_log", "--expect-head", head, stdout=StringIO(), stderr=StringIO())
