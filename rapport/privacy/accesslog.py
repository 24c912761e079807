"""Writing and verifying the access log, a chain of entries each authenticated by a keyed MAC.

Each entry's MAC (HMAC-SHA256) covers its contents and the MAC of the entry before it; the
head (last sequence number and MAC) has its own MAC. The key is derived from the encryption
keys (``encryption.mac_keys``), which are never in the database: someone who can write to the
database but does not hold the keys cannot change, delete, truncate or rewrite the chain
without ``verify`` noticing. What a key holder can still do is in docs/threat-model.md.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from rapport.privacy import encryption
from rapport.privacy.models import AccessLogEntry, AccessLogHead
from rapport.privacy.relationships import RelationshipRecord
from rapport.privacy.types import Person

GENESIS_HASH = "0" * 64
MAC_PURPOSE = "rapport access log chain v1"


def chain_payload(entry: AccessLogEntry) -> bytes:
    """What an entry's MAC covers: all it says, and the link to the entry before it.

    A function of the fields, not a model method, so that the migration that converted the
    chain to MACs works on the historical model too.
    """
    return json.dumps(
        [
            entry.seq,
            entry.at.isoformat(),
            entry.accessor_id,
            entry.relationship_id,
            entry.record_type,
            entry.record_id,
            entry.record_label,
            entry.purpose,
            entry.prev_hash,
        ],
        separators=(",", ":"),
    ).encode()


def entry_mac(entry: AccessLogEntry, key: bytes) -> str:
    return hmac.new(key, chain_payload(entry), hashlib.sha256).hexdigest()


def head_mac(last_seq: int, last_hash: str, key: bytes) -> str:
    return hmac.new(key, f"head:{last_seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def mac_keys() -> tuple[bytes, ...]:
    """The chain's keys, the current one first (one per configured encryption key)."""
    return encryption.mac_keys(MAC_PURPOSE)


def _made_with_a_key(stored: str, compute: Callable[[bytes], str], keys: tuple[bytes, ...]) -> bool:
    # Any configured key: between putting a new key first and running `rotate_keys`, the
    # chain holds entries under both.
    return any(hmac.compare_digest(compute(key), stored) for key in keys)


def record_type_of(record: models.Model) -> str:
    return record._meta.label_lower


# The reads of the request being served, when they are written once at its end (``batched``).
_Reads = tuple[Person, list[RelationshipRecord], str]  # who read which records, and why
_pending: ContextVar[list[_Reads] | None] = ContextVar("access_log_pending", default=None)


def append(accessor: Person, records: Iterable[RelationshipRecord], purpose: str) -> None:
    """Log that ``accessor`` read ``records`` (only those they did not write).

    Inside ``batched`` (every request: ``privacy.middleware.AccessLogMiddleware``) the entries
    are written when the response is ready, before any of it is sent; elsewhere (jobs,
    commands, the shell) at once.
    """
    read = [record for record in records if record.author_id != accessor.pk]
    if not read:
        return
    pending = _pending.get()
    if pending is None:
        _write([(accessor, read, purpose)])
    else:
        pending.append((accessor, read, purpose))


@contextmanager
def batched() -> Iterator[None]:
    """Collect the reads made inside, and write them in one transaction on the way out.

    A page that shows a dozen kinds of record then locks the chain's head once, not a dozen
    times. If the block raises, nothing is written: what it read never left the server.
    """
    token = _pending.set([])
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending:
        _write(pending)


def _write(reads: list[_Reads]) -> None:
    now = timezone.now()
    key = mac_keys()[0]
    with transaction.atomic():
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        entries = []
        prev_hash, seq = head.last_hash, head.last_seq
        for accessor, records, purpose in reads:
            for record in records:
                seq += 1
                entry = AccessLogEntry(
                    seq=seq,
                    at=now,
                    accessor_id=accessor.pk,
                    relationship_id=record.relationship_id,
                    record_type=record_type_of(record),
                    record_id=record.pk,
                    record_label=record.access_label(),
                    purpose=purpose,
                    prev_hash=prev_hash,
                )
                entry.entry_hash = prev_hash = entry_mac(entry, key)
                entries.append(entry)
        AccessLogEntry.objects.bulk_create(entries)
        AccessLogHead.objects.filter(pk=head.pk).update(
            last_seq=seq, last_hash=prev_hash, head_mac=head_mac(seq, prev_hash, key)
        )


@dataclass
class VerificationResult:
    entries: int
    head_hash: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch_size: int = 5000) -> VerificationResult:
    """Walk the chain from the first entry and report every break in it."""
    keys = mac_keys()
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    entries = AccessLogEntry.objects.order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq} to {entry.seq - 1} are missing (deleted)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq}: does not follow the entry before it")
        if not _made_with_a_key(entry.entry_hash, functools.partial(entry_mac, entry), keys):
            problems.append(f"entry {entry.seq}: changed after it was written, or written without the key")
        expected_prev, expected_seq = entry.entry_hash, entry.seq + 1
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            problems.append("the chain head is missing")
    elif not _made_with_a_key(head.head_mac, lambda key: head_mac(head.last_seq, head.last_hash, key), keys):
        problems.append(
            f"the chain head (entry {head.last_seq}) was written without the key: "
            "entries at the end may have been deleted"
        )
    elif head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        problems.append(
            f"the chain ends at entry {expected_seq - 1} but was last written at entry {head.last_seq} "
            "(entries at the end were deleted)"
        )
    return VerificationResult(entries=count, head_hash=expected_prev, problems=problems)


class BrokenChainError(Exception):
    """The chain does not verify, so it is not signed again under a new key."""


def rechain(batch_size: int = 1000) -> int:
    """Sign every entry and the head again with the current key (``manage.py rotate_keys``).

    Refused when the chain does not verify under the configured keys: signing a changed chain
    under the new key would hide the change. The head stays locked throughout, so no entry is
    appended meanwhile.
    """
    key = mac_keys()[0]
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
        result = verify()
        if not result.ok:
            raise BrokenChainError("; ".join(result.problems))
        # The plain manager: the model's own refuses every update, as it should everywhere else.
        writer = AccessLogEntry._base_manager
        prev_hash, last_seq = GENESIS_HASH, 0
        while batch := list(writer.filter(seq__gt=last_seq).order_by("seq")[:batch_size]):
            for entry in batch:
                entry.prev_hash = prev_hash
                entry.entry_hash = prev_hash = entry_mac(entry, key)
            writer.bulk_update(batch, ["prev_hash", "entry_hash"])
            last_seq = batch[-1].seq
        if head is not None:
            AccessLogHead.objects.filter(pk=head.pk).update(
                last_hash=prev_hash, head_mac=head_mac(head.last_seq, prev_hash, key)
            )
    return result.entries


def chain_contains(entry_hash: str) -> bool:
    return entry_hash == GENESIS_HASH or AccessLogEntry.objects.filter(entry_hash=entry_hash).exists()
