"""Background jobs that run exactly once, however often the queue delivers them.

RQ delivers at least once: a worker killed mid-job (or after the job, before
it told Redis) means the job runs again. Every task that changes something or
sends something wraps its work in ``run_once(key, work)``:

* the key is recorded in ``CompletedJob`` inside the same transaction as the
  work's database writes, so either both are there or neither is;
* a second delivery finds the key and returns without doing anything;
* two workers racing on the same key: the unique constraint lets one commit;
  the other gets ``IntegrityError`` on the key and does nothing.

An email is sent inside that transaction, after the key is claimed; the only
window for a duplicate is a crash between the mail server accepting the message
and the commit, which is as close to exactly once as SMTP allows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from rapport.operations.models import CompletedJob


def run_once(key: str, work: Callable[[], object]) -> bool:
    """Run ``work`` unless a job with ``key`` already finished; True if it ran now."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                CompletedJob.objects.create(key=key)
        except IntegrityError:
            return False
        work()
    return True
