"""The background task behind the upload page: a preview first, the import once confirmed; the run
always ends, and the file is dropped once the run is over."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks.backends.immediate import ImmediateBackend

from rapport.people.models import ImportRun, User
from rapport.roster import importer as roster
from rapport.roster import tasks
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

STAFF = b"name,email,school,role\nNia Holt,nia@x.example.org,Elm,teacher\n"


def start(admin, data: bytes = STAFF) -> ImportRun:
    run = tasks.start_roster_import(admin, SimpleUploadedFile("staff.csv", data))
    run.refresh_from_db()
    return run


def confirmed(run: ImportRun) -> ImportRun:
    assert tasks.confirm_roster_import(run)
    run.refresh_from_db()
    return run


def test_a_run_is_previewed_then_imported_once_confirmed(world):
    run = start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))

    assert run.status == ImportRun.Status.PREVIEWED
    assert (run.finished_at, run.upload) == (None, STAFF.replace(b"Elm", b"Home School"))
    preview = roster.Summary.from_json(run.counts)
    assert (preview.preview, preview.people) == (True, roster.Tally(created=1))
    assert not User.objects.filter(email="nia@x.example.org").exists()

    run = confirmed(run)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.finished_at is not None
    assert (run.total_rows, run.processed_rows, run.stage) == (1, 1, "")
    summary = roster.Summary.from_json(run.counts)
    assert (summary.preview, summary.people) == (False, roster.Tally(created=1))
    assert (run.upload, run.errors) == (None, [])
    assert User.objects.filter(email="nia@x.example.org").exists()


def test_a_run_is_confirmed_once_and_a_discarded_one_never(world, django_assert_num_queries):
    run = confirmed(start(world.site_admin, STAFF.replace(b"Elm", b"Home School")))

    assert not tasks.confirm_roster_import(run)
    assert not tasks.discard_roster_import(run)

    other = start(world.site_admin, STAFF.replace(b"Elm", b"Home School").replace(b"nia@", b"noa@"))
    assert tasks.discard_roster_import(other)
    other.refresh_from_db()
    assert (other.status, other.upload) == (ImportRun.Status.DISCARDED, None)
    assert not tasks.confirm_roster_import(other)
    assert not User.objects.filter(email="noa@x.example.org").exists()


def test_a_new_upload_discards_the_previews_still_waiting(world):
    waiting = start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))

    start(world.site_admin, STAFF.replace(b"Elm", b"Home School"))

    waiting.refresh_from_db()
    assert (waiting.status, waiting.upload) == (ImportRun.Status.DISCARDED, None)


def test_a_job_delivered_twice_imports_once(world, django_assert_num_queries):
    run = confirmed(start(world.site_admin, STAFF.replace(b"Elm", b"Home School")))

    with django_assert_num_queries(1):
        tasks.run_roster_import.call(run.pk)


def test_an_unexpected_error_ends_the_run_and_drops_the_file(world, monkeypatch):
    DistrictFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(roster, "preview", broken)

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
    run = confirmed(start(world.site_admin, STAFF.replace(b"Elm", b"Home School")))
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, upload=STAFF.replace(b"Elm", b"Home School")
    )

    tasks.run_roster_import.call(run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert roster.Summary.from_json(run.counts).people == roster.Tally(unchanged=1)
