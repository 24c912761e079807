"""What a library file is, decided from its bytes, never from its name.

A file is kept only if its content is one of a few kinds coaches share (PDF, Word, PowerPoint,
Excel, PNG, JPEG) and it is no larger than ``MAX_BYTES``. The name a person gave it is shown and
offered back on download, with the extension of the kind found; nothing is ever served inline
(``views.resource_file``), so even a file that fooled these checks is only ever a download.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

MAX_BYTES = 20 * 1024 * 1024
MAX_LABEL = "20 MB"


@dataclass(frozen=True)
class Kind:
    media_type: str
    extension: str
    label: str


PDF = Kind("application/pdf", ".pdf", "PDF")
PNG = Kind("image/png", ".png", "PNG image")
JPEG = Kind("image/jpeg", ".jpg", "JPEG image")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PowerPoint"
)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")

KINDS = (PDF, DOCX, PPTX, XLSX, PNG, JPEG)
ALLOWED_LABEL = "PDF, Word, PowerPoint, Excel, PNG or JPEG"
# The part an Office Open XML package keeps its main document in.
_OFFICE_PARTS = (("word/document.xml", DOCX), ("ppt/presentation.xml", PPTX), ("xl/workbook.xml", XLSX))


def kind_of(upload: IO[bytes]) -> Kind | None:
    """The kind of file these bytes are, or None if it is none we keep."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def _office_kind(upload: IO[bytes]) -> Kind | None:
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OFFICE_PARTS if part in names), None)


def download_name(file_name: str, media_type: str) -> str:
    """The name offered on download: the person's name, with the extension of what it really is."""
    extension = next((kind.extension for kind in KINDS if kind.media_type == media_type), "")
    stem = PurePath(file_name).stem or "resource"
    return f"{stem}{extension}"
