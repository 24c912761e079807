"""The background task behind the upload page: it always ends the run and always drops the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks.backends.immediate import ImmediateBackend

from rapport.people import roster, tasks
from rapport.people.models import ImportRun
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

STAFF = b"name,email,school,role\nNia Holt,nia@x.example.org,Elm,teacher\n"


def start(admin, data: bytes = STAFF) -> ImportRun:
    run = tasks.start_roster_import(admin, SimpleUploadedFile("staff.csv", data))
    run.refresh_from_db()
    return run


def test_a_successful_run_records_counts_and_progress(world):
    run = start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.finished_at is not None
    assert (run.total_rows, run.processed_rows) == (1, 1)
    assert roster.Summary.from_json(run.counts).people == roster.Tally(created=1)
    assert (run.upload, run.errors) == (None, [])


def test_a_job_delivered_twice_imports_once(world, django_assert_num_queries):
    run = start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))

    with django_assert_num_queries(1):
        tasks.run_roster_import.call(run.pk)


def test_an_unexpected_error_ends_the_run_and_drops_the_file(world, monkeypatch):
    DistrictFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(roster, "import_roster", broken)

    run = start(world.site_admin)

    assert (run.status, run.errors, run.upload) == ("failed", [tasks.UNEXPECTED], None)


def test_a_queue_that_cannot_be_reached_fails_the_run(world, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("no Redis")

    monkeypatch.setattr(ImmediateBackend, "enqueue", unreachable)

    run = start(world.site_admin)

    assert (run.status, run.errors, run.upload) == (
        "failed",
        ["The import could not be queued; try again later."],
        None,
    )


def test_a_run_whose_worker_died_mid_import_is_imported_on_the_next_delivery(world):
    run = start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, upload=STAFF.replace(b"Elm", b"Home School")
    )

    tasks.run_roster_import.call(run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert roster.Summary.from_json(run.counts).people == roster.Tally(unchanged=1)
