"""Small roster files for the roster tests, written as a school system would.

Rows are dicts (missing columns stay empty), so each test says only what it is about.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from bench.oneroster_district import ORG_COLUMNS, USER_COLUMNS_1_1, csv_bytes

USER_COLUMNS = USER_COLUMNS_1_1
PLAIN_COLUMNS = ["name", "email", "school", "role"]
MANIFEST = [
    ("manifest.version", "1.0"),
    ("oneroster.version", "1.1"),
    ("file.orgs", "bulk"),
    ("file.users", "bulk"),
]

DISTRICT = {"sourcedId": "dist-1", "name": "Larkfield Unified", "type": "district"}


def school(sourced_id: str, name: str, parent: str = "dist-1") -> dict:
    return {"sourcedId": sourced_id, "name": name, "type": "school", "parentSourcedId": parent}


def user(
    sourced_id: str, given: str, family: str, role: str = "teacher", orgs: str = "sch-1", **cells
) -> dict:
    email = f"{given}.{family}@larkfield.example.org".lower()
    return {
        "sourcedId": sourced_id,
        "status": "active",
        "enabledUser": "true",
        "orgSourcedIds": orgs,
        "role": role,
        "username": email.split("@")[0],
        "givenName": given,
        "familyName": family,
        "email": email,
        **cells,
    }


def write_oneroster(folder: Path, orgs: list[dict], users: list[dict], manifest=MANIFEST) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orgs.csv").write_bytes(csv_bytes(ORG_COLUMNS, orgs))
    (folder / "users.csv").write_bytes(csv_bytes(USER_COLUMNS, users))
    if manifest is not None:
        rows = [{"propertyName": name, "value": value} for name, value in manifest]
        (folder / "manifest.csv").write_bytes(csv_bytes(["propertyName", "value"], rows))
    return folder


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    return zip_bytes({prefix + path.name: path.read_bytes() for path in sorted(folder.iterdir())})
