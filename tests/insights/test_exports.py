"""Exports: the teacher's own data (everything, private notes and access log included),
a coach's caseload, and the way files are made, kept and handed over."""

from __future__ import annotations

import html
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rapport.insights import actions, exports
from rapport.insights.models import Export
from rapport.privacy import policy
from rapport.privacy.actions import stop_sharing_with_coach_leads
from rapport.privacy.models import AccessLogEntry, Purpose
from tests.conversations.samples import make_conversation
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def made(owner, kind) -> Export:
    export = Export.objects.create(owner=owner, kind=kind)
    exports.run(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    return export


def unzip(export) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(exports.read_file(export)))
    return json.loads(archive.read("rapport-my-data.json")), archive.read("rapport-my-data.html").decode()


def test_my_data_holds_every_note_about_me_private_ones_included(world):
    data, page = unzip(made(world.teacher, Export.Kind.MY_DATA))
    bodies = [note["body"] for note in data["records"]["relationships.Note"]]
    for note in (world.private_note, world.shared_note, world.released_note):
        assert note.body in bodies
        assert html.escape(note.body) in page
    assert data["relationships"][0]["coach"] == world.coach.full_name
    assert data["releases"][0]["leader"] == world.leader.full_name


def test_my_data_covers_every_kind_of_record_there_is(world):
    data, _ = unzip(made(world.teacher, Export.Kind.MY_DATA))
    assert set(data["records"]) == {model._meta.label for model in policy.record_models()}


def test_my_data_holds_the_access_log(world, client_as):
    client_as(world.leader).get(reverse("released_record", args=[world.release.pk]))
    data, page = unzip(made(world.teacher, Export.Kind.MY_DATA))
    assert [(e["who"], e["why"]) for e in data["access_log"]] == [
        (world.leader.full_name, Purpose.RELEASED_TO_LEADER.label)
    ]
    assert "Who accessed your records" in page
    assert world.leader.full_name in page


def test_my_data_says_who_conversations_about_me_were_shared_with(world):
    conversation = make_conversation(world, shared=True)
    stop_sharing_with_coach_leads(conversation)
    make_conversation(world, shared=True)
    data, page = unzip(made(world.teacher, Export.Kind.MY_DATA))
    shares = [
        (s["shared_by"], s["coach_lead"], s["ended_at"] is None) for s in data["shared_with_coach_leads"]
    ]
    ended, still_open = (
        (world.coach.full_name, world.coach_lead.full_name, False),
        (
            world.coach.full_name,
            world.coach_lead.full_name,
            True,
        ),
    )
    assert shares == [ended, still_open]
    assert "What your coaches shared with their coach leads" in page
    other, _ = unzip(made(world.other_teacher, Export.Kind.MY_DATA))
    assert other["shared_with_coach_leads"] == []


def test_reading_for_the_export_is_itself_logged_as_an_export(world):
    made(world.teacher, Export.Kind.MY_DATA)
    logged = AccessLogEntry.objects.filter(
        accessor_id=world.teacher.pk, purpose=Purpose.EXPORT, record_type="relationships.note"
    )
    assert set(logged.values_list("record_id", flat=True)) == {
        world.private_note.pk,
        world.shared_note.pk,
        world.released_note.pk,
    }


def test_my_data_holds_nothing_about_anyone_else(world):
    NoteFactory(relationship=world.other_relationship, body="About Theo only")
    data, page = unzip(made(world.teacher, Export.Kind.MY_DATA))
    assert "About Theo only" not in json.dumps(data) + page
    other, _ = unzip(made(world.other_teacher, Export.Kind.MY_DATA))
    assert world.private_note.body not in json.dumps(other)


def test_a_teacher_who_is_new_gets_an_export_with_empty_sections(world):
    from rapport.people.models import Role
    from tests.factories import person

    newcomer = person(Role.Kind.TEACHER, world.relationship.school)
    data, page = unzip(made(newcomer, Export.Kind.MY_DATA))
    assert data["relationships"] == []
    assert all(records == [] for records in data["records"].values())
    assert "Nobody but you" in page


def test_the_stored_file_is_encrypted(world):
    export = made(world.teacher, Export.Kind.MY_DATA)
    with export.file.open("rb") as handle:
        raw = handle.read()
    assert b"PK" not in raw[:4]
    assert world.private_note.body.encode() not in raw


def test_only_the_owner_downloads_and_the_download_is_the_zip(world, client_as):
    export = made(world.teacher, Export.Kind.MY_DATA)
    url = reverse("export_download", args=[export.pk])
    assert client_as(world.coach).get(url).status_code == 404
    response = client_as(world.teacher).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == [
        "rapport-my-data.json",
        "rapport-my-data.html",
    ]


def test_expired_exports_are_gone(world, client_as):
    export = made(world.teacher, Export.Kind.MY_DATA)
    path = export.file.path
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client_as(world.teacher).get(reverse("export_download", args=[export.pk])).status_code == 404
    assert actions.delete_expired_exports() == 1
    assert not Export.objects.filter(pk=export.pk).exists()
    import os

    assert not os.path.exists(path)


def test_a_failing_builder_marks_the_export_failed_without_its_message(world, monkeypatch, caplog):
    def broken(export, progress):
        raise ValueError("some confidential words")

    monkeypatch.setitem(exports.BUILDERS, Export.Kind.MY_DATA, broken)
    export = Export.objects.create(owner=world.teacher, kind=Export.Kind.MY_DATA)
    exports.run(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "confidential words" not in caplog.text
    assert "ValueError" in caplog.text


def test_the_caseload_as_csv(world):
    rows = exports.read_file(made(world.coach, Export.Kind.CASELOAD_CSV)).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Teacher,School,Focus")
    assert rows[1].startswith(f"{world.teacher.full_name},Home School,Literacy")
    assert len(rows) == 2
    assert world.private_note.body not in "".join(rows)


def test_the_caseload_as_xlsx(world):
    content = exports.read_file(made(world.coach, Export.Kind.CASELOAD_XLSX))
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[2]][:3] == [world.teacher.full_name, "Home School", "Literacy"]


def test_a_name_that_looks_like_a_formula_stays_text(world):
    world.teacher.full_name = "=HYPERLINK(1)"
    world.teacher.save()
    rows = exports.read_file(made(world.coach, Export.Kind.CASELOAD_CSV)).decode("utf-8-sig").splitlines()
    assert rows[1].startswith("'=HYPERLINK(1)")


def test_starting_an_export_from_the_page(world, client_as, django_capture_on_commit_callbacks):
    client = client_as(world.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_list"), {"kind": Export.Kind.MY_DATA})
    export = Export.objects.get(owner=world.teacher)
    assert response.url == reverse("export_detail", args=[export.pk])
    page = client.get(response.url)
    assert "Your file is ready" in page.content.decode()


def test_a_teacher_cannot_export_a_caseload(world, client_as):
    response = client_as(world.teacher).post(reverse("export_list"), {"kind": Export.Kind.CASELOAD_CSV})
    assert response.status_code == 400
    assert not Export.objects.exists()


def test_progress_is_polled_by_htmx_until_ready(world, client_as):
    export = Export.objects.create(owner=world.teacher, kind=Export.Kind.MY_DATA, progress=40)
    client = client_as(world.teacher)
    partial = client.get(reverse("export_detail", args=[export.pk]), headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "<html" not in text
    assert 'value="40"' in text
    exports.run(export.pk)
    text = client.get(
        reverse("export_detail", args=[export.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in text
    assert "Download" in text


def test_the_export_runs_on_a_real_worker(rq_worker, client):
    from tests.world import build_world

    world = build_world()
    client.force_login(world.teacher)
    response = client.post(reverse("export_list"), {"kind": Export.Kind.MY_DATA})
    export = Export.objects.get(owner=world.teacher)
    assert export.status == Export.Status.QUEUED, "the export ran inline: it should wait for the worker"
    assert "Being made" in client.get(response.url).content.decode()
    rq_worker.work()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    download = client.get(reverse("export_download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert world.private_note.body in archive.read("rapport-my-data.json").decode()


def test_an_export_whose_worker_died_is_finished_on_the_next_delivery(world):
    export = Export.objects.create(
        owner=world.teacher, kind=Export.Kind.MY_DATA, status=Export.Status.RUNNING
    )
    exports.run(export.pk)  # RQ delivers it again after the worker that had it was killed
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert unzip(export)[0]

    file_name = export.file.name
    exports.run(export.pk)  # a finished export is never made again
    export.refresh_from_db()
    assert export.file.name == file_name


def test_when_two_deliveries_race_one_file_is_kept(world, monkeypatch):
    export = Export.objects.create(owner=world.teacher, kind=Export.Kind.MY_DATA)
    storage = Export._meta.get_field("file").storage
    before = set(storage.listdir("exports")[1]) if storage.exists("exports") else set()
    real_builder = exports.BUILDERS[export.kind]

    def finished_elsewhere_meanwhile(export, progress):
        made = real_builder(export, progress)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.DONE, file="exports/other.bin")
        return made

    monkeypatch.setitem(exports.BUILDERS, export.kind, finished_elsewhere_meanwhile)
    exports.run(export.pk)
    export.refresh_from_db()
    assert export.file.name == "exports/other.bin"
    after = set(storage.listdir("exports")[1])
    assert after == before  # the second file was not left behind


def test_an_export_that_cannot_be_queued_says_so_at_once(
    world, client_as, settings, caplog, django_capture_on_commit_callbacks
):
    """Redis unreachable: no error page, no export waiting forever for a worker that never hears of it."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    client = client_as(world.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_list"), {"kind": Export.Kind.MY_DATA})
    export = Export.objects.get(owner=world.teacher)
    assert response.url == reverse("export_detail", args=[export.pk])
    assert export.status == Export.Status.FAILED
    assert export.finished_at is not None
    page = client.get(response.url).content.decode()
    assert "could not be made" in page
    assert "hx-trigger" not in page  # nothing left to wait for
    assert "could not be queued" in caplog.text
