"""Whether background work is being done: a job left waiting, and the workers that should take it.

With ``RAPPORT_TASKS=rq`` exports and roster imports wait in Redis for an RQ worker. If no
worker runs, nothing ever says so by itself: the job stays "Waiting to start" for ever. So a
job records when it was queued (``queued_at``); once it has waited longer than
``RAPPORT_JOB_WAIT_NOTICE_SECONDS`` without a worker starting it, its page says so plainly, and
``/healthz`` reports how many workers are registered with the queue and how many jobs wait.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

RQ_BACKEND = "django_tasks_rq.RQBackend"
QUEUE = "default"


def waited_since() -> datetime.datetime:
    """Jobs queued before this moment and not started have waited long enough to say so."""
    return timezone.now() - datetime.timedelta(seconds=settings.RAPPORT_JOB_WAIT_NOTICE_SECONDS)


def waiting_too_long(queued_at: datetime.datetime | None) -> bool:
    if queued_at is None:
        return False
    waited = timezone.now() - queued_at
    return waited >= datetime.timedelta(seconds=settings.RAPPORT_JOB_WAIT_NOTICE_SECONDS)


def uses_worker() -> bool:
    """Jobs go to a queue for a worker (RQ), rather than running inside the request."""
    return settings.TASKS["default"]["BACKEND"] == RQ_BACKEND


def worker_count() -> int | None:
    """How many RQ workers listen on the queue now; None if Redis cannot be reached.

    A worker stopped cleanly removes itself; one killed leaves an entry whose own key
    expires (rq's worker TTL), and the registry is cleaned of those before counting.
    """
    import django_rq
    from redis.exceptions import RedisError
    from rq import Worker
    from rq.worker_registration import clean_worker_registry

    try:
        queue = django_rq.get_queue(QUEUE)
        clean_worker_registry(queue)
        return Worker.count(connection=queue.connection, queue=queue)
    except (RedisError, OSError) as error:
        logger.warning("The job queue cannot be reached (%s)", type(error).__name__)
        return None
