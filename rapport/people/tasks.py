"""Background work of the people app: the roster import started from the upload page.

The page stores the uploaded bytes in an ImportRun and enqueues
``run_roster_import`` with the run's id; the task imports through the same
``roster.import_roster`` as the management command, records the outcome on
the run, and drops the bytes.
"""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django_tasks import task

from rapport.people import roster
from rapport.people.models import ImportRun, User

logger = logging.getLogger(__name__)

UNEXPECTED = "The import stopped on an unexpected error and changed nothing; the server log has the details."


def start_roster_import(user: User, upload: UploadedFile, format: str = "") -> ImportRun:
    """Queue an uploaded roster for import; the returned run shows how it goes."""
    run = ImportRun.objects.create(
        created_by=user, file_name=upload.name or "roster", format=format, upload=upload.read()
    )
    try:
        run_roster_import.enqueue(run.pk)
    except Exception:
        # The queue (Redis) is unreachable: say so on the run rather than leave it queued forever.
        logger.exception("Could not queue roster import %s", run.pk)
        _finish(run, ImportRun.Status.FAILED, errors=["The import could not be queued; try again later."])
    return run


@task()
def run_roster_import(run_id: int) -> None:
    """Import a queued run's file, keeping the run's progress, outcome and problems up to date."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}:
        return  # a job delivered twice must not import twice
    # Still "running": the worker that had it died mid-import (RQ delivers a job again only
    # then). The import is one transaction, so nothing of it was kept: run it again.
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])

    def progress(processed: int, total: int) -> None:
        # update(), not save(): only these two columns, at once, for the run page's poll.
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=processed, total_rows=total)

    try:
        source = roster.source_from_upload(run.file_name, bytes(run.upload or b""))
        if not run.format:
            run.format = roster.detected_format(source)
            run.save(update_fields=["format"])
        summary = roster.import_roster(source, run.format, progress)
    except roster.RosterInvalid as invalid:
        _finish(run, ImportRun.Status.FAILED, errors=[str(error) for error in invalid.errors])
    except Exception:
        # Whatever went wrong, the run must end and the file must go; the
        # task framework still records the failure.
        logger.exception("Roster import %s failed", run.pk)
        _finish(run, ImportRun.Status.FAILED, errors=[UNEXPECTED])
        raise
    else:
        _finish(run, ImportRun.Status.SUCCEEDED, summary=summary)


def _finish(
    run: ImportRun, status: str, summary: roster.Summary | None = None, errors: list[str] | None = None
) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.errors = errors or []
    run.upload = None
    if summary is not None:
        run.counts = summary.as_json()
    run.save(update_fields=["status", "finished_at", "errors", "upload", "format", "counts"])
