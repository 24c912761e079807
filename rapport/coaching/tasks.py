"""Background jobs of coaching cycles. They take ids and render in the worker."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, task

from rapport.coaching.models import Session
from rapport.web import mail


@task()
@transaction.atomic
def send_session_reminder(session_id: int) -> bool:
    """Remind both members of tomorrow's session, once: claiming the reminder is one conditional update.

    The claim commits with the sending: a worker killed between the two leaves the
    reminder unclaimed, and the job's next delivery sends it (see rapport.operations.jobs).
    """
    claimed = Session.objects.filter(
        pk=session_id, status=Session.Status.SCHEDULED, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=timezone.now())
    if not claimed:
        return False
    session = Session.objects.select_related("relationship__coach", "relationship__teacher").get(
        pk=session_id
    )
    relationship = session.relationship
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
