"""Library files: kept only if their bytes are a kind we take, and only ever downloaded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.resources import files
from rapport.resources.models import ContentArea, GoalArea, GradeBand, Resource
from tests.resources.samples import docx_bytes, make_share, pdf_bytes

pytestmark = pytest.mark.django_db


def _post(client, name: str, content: bytes, media_type: str = "application/pdf"):
    return client.post(
        reverse("resource_new"),
        {
            "title": "A handout",
            "goal_area": GoalArea.DISCUSSION,
            "content_area": ContentArea.ANY,
            "grade_band": GradeBand.ANY,
            "upload": SimpleUploadedFile(name, content, media_type),
        },
    )


def test_an_oversized_file_is_refused_and_nothing_is_kept(client_as, world, settings, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    response = _post(client_as(world.coach), "big.pdf", pdf_bytes() + b"%" * 2000)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("page.html", b"<html><body>hello</body></html>"),
        ("script.pdf", b"#!/bin/sh\necho hi\n"),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
        ("empty.pdf", b""),
    ],
)
def test_a_file_that_is_not_what_we_take_is_refused_whatever_its_name(client_as, world, name, content):
    response = _post(client_as(world.coach), name, content)
    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_a_zip_that_is_not_an_office_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    assert files.kind_of(io.BytesIO(buffer.getvalue())) is None


def test_kinds_are_told_by_their_bytes():
    import io

    assert files.kind_of(io.BytesIO(pdf_bytes())) is files.PDF
    assert files.kind_of(io.BytesIO(docx_bytes())) is files.DOCX
    assert files.kind_of(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)) is files.PNG
    assert files.kind_of(io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * 20)) is files.JPEG


def test_a_word_file_named_pdf_is_kept_as_word_and_offered_back_as_docx(client_as, world):
    response = _post(client_as(world.coach), "plan.pdf", docx_bytes())
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file_type == files.DOCX.media_type
    download = client_as(world.coach).get(reverse("resource_file", args=[resource.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="plan.docx"'
    resource.file.delete(save=False)


def test_the_download_is_an_attachment_never_cached(client_as, world):
    share = make_share(world)
    response = client_as(world.teacher).get(reverse("resource_file", args=[share.resource_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    share.resource.file.delete(save=False)
