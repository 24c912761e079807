"""The roster upload page and the run page: site administrators only, with and without htmx."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.people.models import ImportRun, User
from tests.people.roster_files import zip_bytes, zip_folder

DATA = Path(__file__).parent.parent / "data" / "roster"
UPLOAD = reverse("roster_import")


def staff_csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("staff.csv", "\n".join(["name,email,school,role", *rows]).encode())


def run_url(run: ImportRun) -> str:
    return reverse("roster_import_run", kwargs={"pk": run.pk})


def test_only_site_administrators_may_import(world, client_as, client):
    for person in (world.coach, world.teacher, world.leader, world.coach_lead):
        assert client_as(person).get(UPLOAD).status_code == 403
        assert client_as(person).post(UPLOAD, {"file": staff_csv()}).status_code == 403
    run = ImportRun.objects.create(created_by=world.site_admin, file_name="staff.csv")
    assert client_as(world.leader).get(run_url(run)).status_code == 403
    client.logout()
    assert client.get(run_url(run))["Location"].startswith(reverse("login"))


def test_the_page_offers_a_labelled_upload_with_a_progress_bar(world, client_as):
    page = client_as(world.site_admin).get(UPLOAD).content.decode()

    assert '<label for="id_file">Roster file</label>' in page
    assert '<label for="id_format">Format</label>' in page
    assert 'hx-encoding="multipart/form-data"' in page
    assert 'enctype="multipart/form-data"' in page  # and works without JavaScript
    assert "<progress data-upload-progress" in page


def test_a_plain_post_previews_then_imports_once_confirmed(world, client_as):
    client = client_as(world.site_admin)

    response = client.post(UPLOAD, {"file": staff_csv("Nia Holt,nia@x.example.org,Home School,Teacher")})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    assert run.status == ImportRun.Status.PREVIEWED
    assert (run.created_by, run.format, run.total_rows, run.processed_rows) == (world.site_admin, "csv", 1, 1)
    assert not User.objects.filter(email="nia@x.example.org").exists()
    page = client.get(run_url(run)).content.decode()
    assert "Nothing has been written yet." in page
    assert '<th scope="row">People</th><td>1</td><td>0</td><td>0</td>' in page
    assert f'<form method="post" action="{reverse("roster_import_confirm", kwargs={"pk": run.pk})}">' in page
    assert "hx-trigger" not in page

    response = client.post(reverse("roster_import_confirm", kwargs={"pk": run.pk}))

    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.upload is None  # the file is not kept
    assert User.objects.get(email="nia@x.example.org").roles.get().school == world.relationship.school
    page = client.get(run_url(run)).content.decode()
    assert "Imported 1 row." in page
    assert '<th scope="row">People</th><td>1</td><td>0</td><td>0</td>' in page
    assert "Skipped: 0 rows" in page


def test_a_preview_can_be_discarded(world, client_as):
    client = client_as(world.site_admin)
    client.post(UPLOAD, {"file": staff_csv("Nia Holt,nia@x.example.org,Home School,Teacher")})
    run = ImportRun.objects.get()

    response = client.post(reverse("roster_import_discard", kwargs={"pk": run.pk}))

    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert (run.status, run.upload) == (ImportRun.Status.DISCARDED, None)
    assert "Discarded: nothing was written" in client.get(run_url(run)).content.decode()
    client.post(reverse("roster_import_confirm", kwargs={"pk": run.pk}))
    assert not User.objects.filter(email="nia@x.example.org").exists()


def test_skipped_rows_are_listed_with_their_lines_in_the_preview(world, client_as):
    client = client_as(world.site_admin)

    client.post(
        UPLOAD,
        {
            "file": staff_csv(
                "Ann Lee,ann@,Home School,teacher",
                "Bob Ray,bob@x.example.org,Home School,janitor",
                "Cy Tan,cy@x.example.org,Home School,teacher",
            )
        },
    )

    run = ImportRun.objects.get()
    page = client.get(run_url(run)).content.decode()
    assert "Skipped: 2 rows" in page
    assert "<li><code>staff.csv line 2</code>: email &quot;ann@&quot; is not a valid address</li>" in page
    assert "<li><code>staff.csv line 3</code>: role &quot;janitor&quot; is not one of:" in page
    assert "Import this roster" in page


def test_an_htmx_upload_is_sent_to_the_run_page_by_htmx(world, client_as):
    response = client_as(world.site_admin).post(
        UPLOAD,
        {"file": SimpleUploadedFile("larkfield.zip", zip_folder(DATA / "oneroster"))},
        headers={"HX-Request": "true"},
    )

    run = ImportRun.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == run_url(run)
    assert (run.status, run.format, run.counts["people"]["created"]) == ("previewed", "oneroster", 5)


def test_a_refused_form_is_shown_again(world, client_as):
    client = client_as(world.site_admin)

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("staff.xlsx", b"data")})
    assert response.status_code == 400
    assert "Choose a .zip (OneRoster) or a .csv file." in response.content.decode()

    response = client.post(UPLOAD, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only successful responses
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_unreadable_file_fails_with_every_problem_listed_and_changes_nothing(world, client_as):
    client = client_as(world.site_admin)
    people = User.objects.count()

    client.post(
        UPLOAD, {"file": SimpleUploadedFile("export.zip", zip_bytes({"orgs.csv": b"sourcedId,title\n"}))}
    )

    run = ImportRun.objects.get()
    assert (run.status, run.format) == (ImportRun.Status.FAILED, "oneroster")
    assert run.upload is None
    assert User.objects.count() == people
    page = client.get(run_url(run)).content.decode()
    assert "The import failed and changed nothing. The problem" in page
    assert "<code>orgs.csv:1: missing required column(s): name, type</code>" in page


def test_a_running_import_is_polled_until_it_ends(world, client_as):
    client = client_as(world.site_admin)
    run = ImportRun.objects.create(
        created_by=world.site_admin,
        file_name="big.zip",
        status="running",
        stage="reading",
        total_rows=10_000,
        processed_rows=2_500,
    )

    page = client.get(run_url(run)).content.decode()
    assert f'hx-get="{run_url(run)}" hx-trigger="every 1s"' in page
    assert '<progress aria-label="Import progress" value="2500" max="10000">' in page
    assert "Reading the files: 2500 of 10000 rows." in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript, the page reloads itself

    poll = client.get(run_url(run), headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode()

    ImportRun.objects.filter(pk=run.pk).update(status="succeeded", counts={})
    poll = client.get(run_url(run), headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling


def test_an_unknown_run_is_not_found(world, client_as):
    assert (
        client_as(world.site_admin).get(reverse("roster_import_run", kwargs={"pk": 999_999})).status_code
        == 404
    )


def test_recent_imports_are_listed_in_a_constant_number_of_queries(
    world, client_as, django_assert_max_num_queries
):
    client = client_as(world.site_admin)
    for n in range(12):
        ImportRun.objects.create(created_by=world.site_admin, file_name=f"roster-{n}.csv", upload=b"x" * 1000)

    with django_assert_max_num_queries(6):
        page = client.get(UPLOAD).content.decode()

    assert page.count("roster-") == 10


def test_site_administrators_find_the_import(world, client_as):
    client = client_as(world.site_admin)

    home = client.get(reverse("site_admin_home")).content.decode()
    assert re.search(rf'<a href="{UPLOAD}"[^>]*>(<svg.*?</svg>)?<span>Roster import</span>', home)
    assert (
        f'<a href="{UPLOAD}" role="button">Import a roster</a>'
        in client.get(reverse("site_admin_home")).content.decode()
    )
    assert "Roster import" not in client_as(world.coach).get(reverse("home")).content.decode()


def test_an_imported_person_chooses_a_first_password_through_the_reset_email(
    world, client_as, client, mailoutbox
):
    admin = client_as(world.site_admin)
    admin.post(UPLOAD, {"file": staff_csv("Nia Holt,nia@x.example.org,Home School,teacher")})
    admin.post(reverse("roster_import_confirm", kwargs={"pk": ImportRun.objects.get().pk}))
    client.logout()

    client.post(reverse("password_reset"), {"email": "Nia@x.example.org"})

    assert [message.to for message in mailoutbox] == [["nia@x.example.org"]]
