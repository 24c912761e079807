"""Background jobs of coaching cycles. They take ids and render in the worker."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, task

from rapport.coaching.models import Session
from rapport.core import mail

# How long a claimed reminder stays the claiming job's before another job may take it: far
# longer than sending its two emails can take (settings.EMAIL_TIMEOUT each, at most).
REMINDER_CLAIM_LEASE = datetime.timedelta(minutes=15)


@task(takes_context=True)
def send_session_reminder(context: TaskContext, session_id: int) -> bool:
    """Remind both members of tomorrow's session, once; True if this run sent it.

    Three short steps, none of them inside a transaction while the mail server answers (on
    SQLite, one held open would keep every other write waiting):

    1. the claim, one conditional update: the reminder becomes this job's, by the job's id,
       which stays the same when the queue delivers the job again;
    2. both emails;
    3. the mark that it was sent.

    Another job for the same session finds it claimed or sent and does nothing. The same job
    delivered again after its worker was killed between 1 and 3 takes its own claim back and
    sends; only a kill between the mail server's acceptance and step 3 can send twice, as close
    to once as SMTP allows. If sending fails, the claim is let go and the error raised, so the
    next delivery sends. A claim whose job never came back lapses after REMINDER_CLAIM_LEASE.
    """
    job = context.task_result.id
    now = timezone.now()
    claimed = (
        Session.objects.filter(pk=session_id, status=Session.Status.SCHEDULED, reminder_sent_at__isnull=True)
        .filter(
            Q(reminder_claimed_by="")
            | Q(reminder_claimed_by=job)
            | Q(reminder_claimed_at__lt=now - REMINDER_CLAIM_LEASE)
        )
        .update(reminder_claimed_by=job, reminder_claimed_at=now)
    )
    if not claimed:
        return False
    mine = Session.objects.filter(pk=session_id, reminder_claimed_by=job)
    session = Session.objects.select_related("relationship__coach", "relationship__teacher").get(
        pk=session_id
    )
    relationship = session.relationship
    try:
        for person, other in (
            (relationship.coach, relationship.teacher),
            (relationship.teacher, relationship.coach),
        ):
            mail.send(
                to=[person.email],
                subject=f"Tomorrow: coaching with {other.full_name}",
                template="coaching_reminder",
                context={"session": session, "person": person, "other": other},
            )
    except BaseException:
        mine.filter(reminder_sent_at__isnull=True).update(reminder_claimed_by="", reminder_claimed_at=None)
        raise
    mine.update(reminder_sent_at=timezone.now())
    return True


def enqueue_reminders(day: datetime.date) -> list[TaskResult]:
    """Enqueue a reminder for each scheduled session starting on ``day`` that has none yet.

    Enqueuing twice is harmless: the task itself claims the reminder, so a
    session never gets two.
    """
    ids = list(
        Session.objects.starting_on(day)
        .filter(status=Session.Status.SCHEDULED, reminder_sent_at__isnull=True)
        .values_list("pk", flat=True)
    )
    return [send_session_reminder.enqueue(session_id) for session_id in ids]
