"""Background jobs that run exactly once, however often the queue delivers them.

RQ delivers at least once: a worker killed mid-job (or after the job, before
it told Redis) means the job runs again, once ``requeue_abandoned`` (below) has
put it back. A task that changes something keeps a second delivery from doing it
twice: an export by its status (``rapport.insights.exports.run``), a reminder by
its claim (below), anything else by wrapping its work in ``run_once(key, work)``:

* the key is recorded in ``CompletedJob`` inside the same transaction as the
  work's database writes, so either both are there or neither is;
* a second delivery finds the key and returns without doing anything;
* two workers racing on the same key: the unique constraint lets one commit;
  the other gets ``IntegrityError`` on the key and does nothing.

Email does not belong in that transaction: no email is sent while a transaction
is open (on SQLite it would hold every other write up while the mail server
answers; the test suite's mail backend refuses it). A job that sends claims its
work, sends, then marks it sent, each step short: see
``rapport.coaching.tasks.send_session_reminder``.
"""

from __future__ import annotations

import time
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


# How RQ words the failure of a job it found abandoned: started by a worker that died, or taken
# off the queue by one that died before starting it (rq.registry, rq.intermediate_queue).
ABANDONED_FAILURES = ("AbandonedJobError", "stuck in intermediate queue")


def _was_abandoned(job) -> bool:
    result = job.latest_result()
    return result is not None and any(words in (result.exc_string or "") for words in ABANDONED_FAILURES)


def requeue_abandoned(queue, *, workers_stopped: bool = False, grace: float = 5.0) -> list:
    """Put back on ``queue`` (an RQ queue) every job a killed worker had taken; returns them.

    A worker takes a job in two steps: off the queue into RQ's intermediate list, then into the
    started registry while it runs. Killed (``kill -9``, a machine lost), it leaves the job in one
    of them, where no other worker picks it up: a started job waits for a worker's maintenance to
    call it failed, a taken one for two maintenance rounds up to twenty minutes apart, and a
    failed job stays failed. Requeued here are the jobs failed for being abandoned, and those
    abandoned and not yet found out, which means:

    * with ``workers_stopped`` (no worker runs: all were stopped or killed), every job started
      or taken;
    * otherwise only jobs no live worker can be holding: started jobs whose heartbeat has run out
      (a worker renews it every 30 seconds; it lapses 90 seconds after the worker died), and jobs
      taken but not started in two looks ``grace`` seconds apart (a live worker starts the job it
      takes within milliseconds).

    Requeueing a job that was in fact still running would be harmless: every job does its work
    once however often it is delivered (above).
    """
    started, failed, intermediate = (
        queue.started_job_registry,
        queue.failed_job_registry,
        queue.intermediate_queue,
    )

    def taken_not_started() -> set[str]:
        return {job_id for job_id in intermediate.get_job_ids() if job_id not in started}

    taken = taken_not_started()
    if taken and not workers_stopped:
        time.sleep(grace)
        taken &= taken_not_started()

    # RQ's own clean-up of the started registry marks each abandoned job failed (or retries it,
    # when it has retries left). Every job failed for being abandoned is requeued: by this clean-up
    # or by a worker's maintenance since; a job that failed by raising stays failed.
    started.cleanup(timestamp=time.time() + 10**9 if workers_stopped else None)
    requeued = [
        failed.requeue(job)
        for job in queue.job_class.fetch_many(
            failed.get_job_ids(), connection=queue.connection, serializer=queue.serializer
        )
        if job is not None and _was_abandoned(job)
    ]

    for job_id in taken:
        intermediate.remove(job_id)
        job = queue.fetch_job(job_id)
        if job is not None:
            requeued.append(queue.enqueue_job(job, at_front=True))
    return requeued
