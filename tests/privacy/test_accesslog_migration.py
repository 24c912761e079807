"""Upgrading converts the SHA-256 chain to keyed MACs, and leaves a break where it was."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rapport.privacy import accesslog

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("privacy", "0002_coach_lead_shares")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_the_upgrade():
    apps = migrate(BEFORE)
    yield apps
    migrate()


def _sha256_chain(apps, count):
    Entry = apps.get_model("privacy", "AccessLogEntry")
    prev = accesslog.GENESIS_HASH
    for seq in range(1, count + 1):
        entry = Entry(
            seq=seq,
            at=timezone.now(),
            accessor_id=7,
            relationship_id=3,
            record_type="relationships.note",
            record_id=seq,
            record_label=f"note #{seq}",
            purpose="teacher-space",
            prev_hash=prev,
        )
        entry.entry_hash = prev = hashlib.sha256(accesslog.chain_payload(entry)).hexdigest()
        entry.save()
    apps.get_model("privacy", "AccessLogHead").objects.create(pk=1, last_seq=count, last_hash=prev)


def test_an_intact_chain_is_signed_with_the_key(before_the_upgrade):
    _sha256_chain(before_the_upgrade, 3)
    migrate()
    result = accesslog.verify()
    assert result.ok, result.problems
    assert result.entries == 3


def test_a_break_from_before_the_upgrade_is_still_reported_where_it_is(before_the_upgrade):
    _sha256_chain(before_the_upgrade, 4)
    before_the_upgrade.get_model("privacy", "AccessLogEntry").objects.filter(seq=3).update(purpose="export")
    migrate()
    problems = accesslog.verify().problems
    assert "entry 3: changed after it was written, or written without the key" in problems
    assert not any("entry 1" in problem or "entry 2" in problem for problem in problems)
    assert any("chain head" in problem for problem in problems)


def test_going_back_restores_the_sha256_chain(before_the_upgrade):
    _sha256_chain(before_the_upgrade, 2)
    migrate()
    apps = migrate(BEFORE)
    Entry = apps.get_model("privacy", "AccessLogEntry")
    prev = accesslog.GENESIS_HASH
    for entry in Entry.objects.order_by("seq"):
        assert entry.prev_hash == prev
        assert entry.entry_hash == hashlib.sha256(accesslog.chain_payload(entry)).hexdigest()
        prev = entry.entry_hash
    assert apps.get_model("privacy", "AccessLogHead").objects.get().last_hash == prev
