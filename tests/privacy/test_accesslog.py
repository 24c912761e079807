import hashlib
import hmac
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.privacy import accesslog, encryption, policy
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


# A request's reads are written once, when its response is ready (privacy.middleware).


def _teacher_opens_the_relationship_page(world, client):
    client.force_login(world.teacher)
    return client.get(reverse("relationship_detail", args=[world.relationship.pk]))


def test_a_page_logs_every_kind_of_record_it_shows_in_one_append(world, client):
    with CaptureQueriesContext(connection) as queries:
        response = _teacher_opens_the_relationship_page(world, client)
    assert response.status_code == 200
    heads_read = [q for q in queries.captured_queries if 'FROM "privacy_accessloghead"' in q["sql"]]
    inserts = [q for q in queries.captured_queries if 'INSERT INTO "privacy_accesslogentry"' in q["sql"]]
    assert len(heads_read) == 1
    assert len(inserts) == 1
    entries = AccessLogEntry.objects.filter(accessor=world.teacher)
    assert {"relationships.note", "coaching.visit"} <= set(entries.values_list("record_type", flat=True))
    assert world.shared_note.pk in entries.filter(record_type="relationships.note").values_list(
        "record_id", flat=True
    )
    assert accesslog.verify().ok


@pytest.mark.parametrize(
    ("failure", "status"), [(OperationalError("server closed the connection"), 503), (RuntimeError(), 500)]
)
def test_nothing_read_leaves_when_its_reads_cannot_be_logged(world, failure, status, monkeypatch):
    def refuse(reads):
        raise failure

    monkeypatch.setattr(accesslog, "_write", refuse)
    response = _teacher_opens_the_relationship_page(world, Client(raise_request_exception=False))
    assert response.status_code == status
    assert world.shared_note.body.encode() not in response.content
    assert b"A note shared" not in response.content


def test_reads_in_a_block_that_fails_are_not_logged(world):
    def read_then_fail():
        with accesslog.batched():
            read_shared_note_as_teacher(world)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        read_then_fail()
    assert not AccessLogEntry.objects.exists()
    with accesslog.batched():
        read_shared_note_as_teacher(world, times=2)
        assert not AccessLogEntry.objects.exists()  # written on the way out
    assert AccessLogEntry.objects.count() == 2
    assert accesslog.verify().ok


# Someone who can write to the database but does not hold the keys (they are never in it).

OTHER_KEY = "b2Z0ZW4gd3JvbmcgYnV0IG5ldmVyIGluIGRvdWJ0ISE="  # well formed, not configured


def _rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY seq")  # noqa: S608
        return cursor.fetchall()


def _rewrite_chain_as_a_database_writer(digest):
    """Relink every remaining entry and the head with ``digest``, by SQL alone."""
    prev, seq = accesslog.GENESIS_HASH, 0
    for entry in AccessLogEntry.objects.order_by("seq"):
        entry.prev_hash = prev
        prev = digest(accesslog.chain_payload(entry))
        _sql(
            f"UPDATE {TABLE} SET prev_hash = %s, entry_hash = %s WHERE seq = %s",  # noqa: S608
            [entry.prev_hash, prev, entry.seq],
        )
        seq = entry.seq
    head_mac = digest(f"head:{seq}:{prev}".encode())
    _sql(
        "UPDATE privacy_accessloghead SET last_seq = %s, last_hash = %s, head_mac = %s", [seq, prev, head_mac]
    )


def _sha256(payload):
    return hashlib.sha256(payload).hexdigest()


def _hmac_under(fernet_key):
    key = encryption._mac_keys((fernet_key,), accesslog.MAC_PURPOSE)[0]
    return lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("digest", [_sha256, _hmac_under(OTHER_KEY)], ids=["sha256", "wrong-key"])
@pytest.mark.parametrize(
    "tampering",
    [
        f"DELETE FROM {TABLE} WHERE seq = 2",  # noqa: S608
        f"UPDATE {TABLE} SET purpose = 'export' WHERE seq = 2",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE seq >= 3",  # noqa: S608
        "",  # nothing changed: just the chain signed again
    ],
    ids=["delete-middle", "edit", "truncate-tail", "resign-only"],
)
def test_a_chain_rewritten_without_the_key_is_detected(world, tampering, digest):
    read_shared_note_as_teacher(world, times=4)
    if tampering:
        _sql(tampering)
    _rewrite_chain_as_a_database_writer(digest)
    problems = accesslog.verify().problems
    assert problems
    assert any("without the key" in problem for problem in problems)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_access_log", stdout=StringIO(), stderr=err)
    assert "entry 1: changed after it was written, or written without the key" in err.getvalue()


def test_truncating_the_tail_and_moving_the_head_back_is_detected(world):
    read_shared_note_as_teacher(world, times=4)
    third = AccessLogEntry.objects.get(seq=3)
    _sql(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    _sql("UPDATE privacy_accessloghead SET last_seq = 3, last_hash = %s", [third.entry_hash])
    assert accesslog.verify().problems == [
        "the chain head (entry 3) was written without the key: entries at the end may have been deleted"
    ]


def test_the_same_rewrite_with_the_key_verifies(world):
    """The check is the key, nothing else: the writer's rewrite under the real key passes."""
    read_shared_note_as_teacher(world, times=4)
    _sql(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    _rewrite_chain_as_a_database_writer(_hmac_under(settings.RAPPORT_ENCRYPTION_KEYS[0]))
    assert accesslog.verify().ok


def test_rotating_the_keys_signs_the_chain_again_under_the_new_key(world, settings):
    old_key, new_key = settings.RAPPORT_ENCRYPTION_KEYS[0], encryption.generate_key()
    settings.RAPPORT_ENCRYPTION_KEYS = [old_key]
    read_shared_note_as_teacher(world, times=2)
    settings.RAPPORT_ENCRYPTION_KEYS = [new_key, old_key]
    read_shared_note_as_teacher(world)  # written under the new key, before rotating
    assert accesslog.verify().ok

    out = StringIO()
    call_command("rotate_keys", stdout=out)
    head = accesslog.verify().head_hash
    assert f"Access log: 3 entries signed again; its head hash is now {head}" in out.getvalue()
    settings.RAPPORT_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert accesslog.verify().ok
    settings.RAPPORT_ENCRYPTION_KEYS = [old_key]
    assert not accesslog.verify().ok


def test_rotating_the_keys_does_not_launder_a_broken_chain(world, settings):
    read_shared_note_as_teacher(world, times=3)
    _sql(f"UPDATE {TABLE} SET purpose = 'export' WHERE seq = 2")  # noqa: S608
    before = _rows()
    settings.RAPPORT_ENCRYPTION_KEYS = [encryption.generate_key(), *settings.RAPPORT_ENCRYPTION_KEYS]
    with pytest.raises(CommandError, match="the access log does not verify"):
        call_command("rotate_keys", stdout=StringIO())
    assert _rows() == before
    assert any("entry 2" in problem for problem in accesslog.verify().problems)
