"""Background work of the people app: the roster import started from the upload page.

The page stores the uploaded bytes in an ImportRun and enqueues
``run_roster_import`` with the run's id. The task previews the import (what
would be created, updated, deactivated and skipped) and keeps the bytes; once
the administrator confirms, the same task runs again and imports, through the
same ``roster`` functions as the management command, then drops the bytes.
"""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django_tasks import task

from rapport.people.models import ImportRun, User
from rapport.roster import importer

logger = logging.getLogger(__name__)

UNEXPECTED = "The import stopped on an unexpected error and changed nothing; the server log has the details."
NOT_QUEUED = "The import could not be queued; try again later."


def start_roster_import(user: User, upload: UploadedFile, format: str = "") -> ImportRun:
    """Queue an uploaded roster for its preview; the returned run shows how it goes.

    Previews still waiting are discarded: the newest upload is the one to import,
    and an abandoned preview should not keep its file.
    """
    for waiting in ImportRun.objects.filter(status=ImportRun.Status.PREVIEWED).only("pk"):
        discard_roster_import(waiting)
    run = ImportRun.objects.create(
        created_by=user, file_name=upload.name or "roster", format=format, upload=upload.read()
    )
    _enqueue(run)
    return run


def confirm_roster_import(run: ImportRun) -> bool:
    """Queue a previewed run for the import itself; False when it is not (or no longer) previewed.

    One conditional update, so that a second click, or a second administrator,
    cannot queue the import twice.
    """
    confirmed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.QUEUED, confirmed=True, stage="", processed_rows=0
    )
    if confirmed:
        run.refresh_from_db()
        _enqueue(run)
    return bool(confirmed)


def discard_roster_import(run: ImportRun) -> bool:
    """Drop a previewed run's file without importing it; False when it is not previewed."""
    return bool(
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
            status=ImportRun.Status.DISCARDED, upload=None, finished_at=timezone.now()
        )
    )


def _enqueue(run: ImportRun) -> None:
    try:
        run.queued_at = timezone.now()
        ImportRun.objects.filter(pk=run.pk).update(queued_at=run.queued_at)
        run_roster_import.enqueue(run.pk)
    except Exception:
        # The queue (Redis) is unreachable: say so on the run rather than leave it queued forever.
        logger.exception("Could not queue roster import %s", run.pk)
        _finish(run, ImportRun.Status.FAILED, errors=[NOT_QUEUED])


@task()
def run_roster_import(run_id: int) -> None:
    """Preview a queued run, or import it once confirmed, keeping its progress and outcome up to date."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}:
        return  # a job delivered twice must not import twice
    # Still "running": the worker that had it died mid-import (RQ delivers a job again only
    # then). The import is one transaction, so nothing of it was kept: run it again.
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])

    def progress(stage: str, processed: int, total: int) -> None:
        # update(), not save(): only these columns, at once, for the run page's poll.
        ImportRun.objects.filter(pk=run.pk).update(stage=stage, processed_rows=processed, total_rows=total)

    try:
        source = importer.source_from_upload(run.file_name, bytes(run.upload or b""))
        if not run.format:
            run.format = importer.detected_format(source)
            run.save(update_fields=["format"])
        parsed = importer.parse(source, run.format, progress)
        if not run.confirmed:
            summary = importer.preview(parsed, progress)
        else:
            # The writing happens in one transaction: its progress could not be seen before
            # it ends, so the page says what is being written instead.
            progress(importer.Stage.WRITING, 0, parsed.rows)
            summary = importer.apply(parsed, started_by=run.created_by)
    except importer.RosterInvalid as invalid:
        _finish(run, ImportRun.Status.FAILED, errors=[str(error) for error in invalid.errors])
    except Exception:
        # Whatever went wrong, the run must end and the file must go; the
        # task framework still records the failure.
        logger.exception("Roster import %s failed", run.pk)
        _finish(run, ImportRun.Status.FAILED, errors=[UNEXPECTED])
        raise
    else:
        status = ImportRun.Status.SUCCEEDED if run.confirmed else ImportRun.Status.PREVIEWED
        _finish(run, status, summary=summary)


def _finish(
    run: ImportRun, status: str, summary: importer.Summary | None = None, errors: list[str] | None = None
) -> None:
    run.status = status
    run.errors = errors or []
    run.stage = ""
    fields = ["status", "errors", "stage", "format"]
    if status != ImportRun.Status.PREVIEWED:
        # Over: the file goes. A preview keeps it for the import the administrator may confirm.
        run.finished_at = timezone.now()
        run.upload = None
        fields += ["finished_at", "upload"]
    if summary is not None:
        run.counts = summary.as_json()
        run.total_rows = run.processed_rows = summary.rows
        fields += ["counts", "total_rows", "processed_rows"]
    run.save(update_fields=fields)
