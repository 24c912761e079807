"""Resources for tests: a small real PDF, a resource in the test district, a share with the teacher."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.demo.resources import _pdf
from rapport.resources import actions, files
from rapport.resources.models import GoalArea, Resource, ResourceShare


def pdf_bytes(title: str = "A test handout") -> bytes:
    return _pdf(title)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def make_resource(
    w, *, owner=None, with_file: bool = True, goal_area: str = GoalArea.DISCUSSION, **fields
) -> Resource:
    owner = owner or w.coach
    district_id = w.relationship.school.district_id
    values = {
        "title": "Discussion openers",
        "link": "" if with_file else "https://example.org/openers",
        "notes": "A card of sentence starters for small groups.",
        "goal_area": goal_area,
    } | fields
    upload = SimpleUploadedFile("openers.pdf", pdf_bytes(), "application/pdf") if with_file else None
    return actions.add_resource(owner, district_id, values, upload, files.PDF if with_file else None)


def make_share(w, resource: Resource | None = None, note: str = "For our next talk.") -> ResourceShare:
    resource = resource or make_resource(w)
    return actions.share_resource(w.relationship, w.coach, resource, note)
