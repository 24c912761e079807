"""Insights actions: starting and clearing away exports, reflections."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from rapport.insights.models import Export, TrustReflection
from rapport.insights.tasks import make_export
from rapport.privacy import policy
from rapport.privacy.refusals import check_writes_as_coach

logger = logging.getLogger(__name__)

REPORT_KINDS = (Export.Kind.REPORT_CSV, Export.Kind.REPORT_XLSX)


def kinds_for(user) -> list[str]:
    """The exports this person may make."""
    kinds: list[str] = []
    if user.is_teacher or policy.coached_in(user).exists():
        kinds.append(Export.Kind.MY_DATA)
    if user.is_coach:
        kinds += [Export.Kind.CASELOAD_CSV, Export.Kind.CASELOAD_XLSX]
    if user.is_leader:
        kinds += list(REPORT_KINDS)
    return kinds


def start_export(owner, kind: str, parameters: dict | None = None) -> Export:
    """Queue an export for its owner; the worker makes the file.

    If the queue (Redis) cannot be reached, the export is marked failed at once: its page says
    so and asks to try again, instead of waiting for a worker that will never hear of it.
    """
    delete_expired_exports()
    export = Export.objects.create(owner=owner, kind=kind, parameters=parameters or {})

    def enqueue() -> None:
        try:
            # Recorded first: with jobs run inline, the export is finished when enqueue returns.
            Export.objects.filter(pk=export.pk).update(queued_at=timezone.now())
            make_export.enqueue(export.pk)
        except Exception:
            logger.exception("export %s could not be queued", export.pk)
            Export.objects.filter(pk=export.pk, status=Export.Status.QUEUED).update(
                status=Export.Status.FAILED, finished_at=timezone.now()
            )

    transaction.on_commit(enqueue)
    return export


def delete_expired_exports() -> int:
    """Delete expired export files and their rows; returns how many."""
    expired = list(Export.objects.expired())
    for export in expired:
        if export.file:
            export.file.delete(save=False)
    Export.objects.filter(pk__in=[export.pk for export in expired]).delete()
    return len(expired)


def save_reflection(relationship, author, checked: list[str], reflection: str) -> TrustReflection:
    """A new checklist entry; earlier ones are kept, so the coach sees the change over time."""
    check_writes_as_coach(relationship, author)
    return TrustReflection.objects.create(
        relationship=relationship, author=author, checked=checked, reflection=reflection
    )
