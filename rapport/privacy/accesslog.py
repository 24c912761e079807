"""Writing and verifying the hash-chained access log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rapport.privacy.models import AccessLogEntry, AccessLogHead

GENESIS_HASH = "0" * 64


def record_type_of(record) -> str:
    return record._meta.label_lower


# The reads of the request being served, when they are written once at its end (``batched``).
_pending: ContextVar[list[tuple[object, list, str]] | None] = ContextVar("access_log_pending", default=None)


def append(accessor, records: Iterable, purpose: str) -> None:
    """Log that ``accessor`` read ``records`` (only those they did not write).

    Inside ``batched`` (every request: ``privacy.middleware.AccessLogMiddleware``) the entries
    are written when the response is ready, before any of it is sent; elsewhere (jobs,
    commands, the shell) at once.
    """
    records = [record for record in records if record.author_id != accessor.pk]
    if not records:
        return
    pending = _pending.get()
    if pending is None:
        _write([(accessor, records, purpose)])
    else:
        pending.append((accessor, records, purpose))


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


def _write(reads: list[tuple[object, list, str]]) -> None:
    now = timezone.now()
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
                entry.entry_hash = prev_hash = entry.compute_hash()
                entries.append(entry)
        AccessLogEntry.objects.bulk_create(entries)
        AccessLogHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev_hash)


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
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    entries = AccessLogEntry.objects.order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq} to {entry.seq - 1} are missing (deleted)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq}: does not follow the entry before it")
        if entry.compute_hash() != entry.entry_hash:
            problems.append(f"entry {entry.seq}: its contents were changed after it was written")
        expected_prev, expected_seq = entry.entry_hash, entry.seq + 1
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        problems.append(
            f"the chain ends at entry {expected_seq - 1} but was last written at entry {head.last_seq} "
            "(entries at the end were deleted)"
        )
    if head is None and count:
        problems.append("the chain head is missing")
    return VerificationResult(entries=count, head_hash=expected_prev, problems=problems)


def chain_contains(entry_hash: str) -> bool:
    return entry_hash == GENESIS_HASH or AccessLogEntry.objects.filter(entry_hash=entry_hash).exists()
