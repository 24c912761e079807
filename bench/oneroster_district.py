"""A large district's OneRoster CSV export, for bench/roster_import.py and the roster tests.

Written as a student information system writes a bulk export: a manifest,
orgs.csv with the district and its schools, users.csv with every person, and
(OneRoster 1.2) roles.csv with each person's role at their school. Most people
in a real export are students; ``staff_share`` says how many are not.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ORG_COLUMNS = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"]
USER_COLUMNS_1_1 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
]
# OneRoster 1.2 moves a user's roles to roles.csv and adds these.
USER_COLUMNS_1_2 = [column for column in USER_COLUMNS_1_1 if column not in {"orgSourcedIds", "role"}] + [
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
]
ROLE_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
]


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, extrasaction="raise", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def district_export(people: int, schools: int = 40, version: str = "1.2", staff_share: float = 1.0) -> dict:
    """{file name: bytes} of a bulk export: ``people`` users, one administrator per school,
    ``staff_share`` of them staff (teachers for the rest), the others students."""
    orgs = [{"sourcedId": "dist-1", "name": "Larkfield Unified", "type": "district", "identifier": "LU"}]
    orgs += [
        {"sourcedId": f"sch-{n}", "name": f"School number {n}", "type": "school", "parentSourcedId": "dist-1"}
        for n in range(schools)
    ]
    staff = max(schools, round(people * staff_share))
    users, roles = [], []
    for n in range(people):
        role = "administrator" if n < schools else "teacher" if n < staff else "student"
        school = f"sch-{n % schools}"
        user = {
            "sourcedId": f"person-{n}",
            "enabledUser": "true",
            "username": f"p{n}",
            "givenName": f"Given{n}",
            "familyName": f"Family{n}",
            "email": f"given{n}.family{n}@larkfield.example.org",
            "grades": "" if role != "student" else f"{n % 12 + 1:02d}",
        }
        if version == "1.1":
            users.append({**user, "orgSourcedIds": school, "role": role})
        else:
            user["primaryOrgSourcedId"] = school
            users.append(user)
            role_1_2 = "principal" if role == "administrator" else role
            roles.append(
                {
                    "sourcedId": f"role-{n}",
                    "userSourcedId": f"person-{n}",
                    "roleType": "primary",
                    "role": role_1_2,
                    "orgSourcedId": school,
                }
            )
    manifest = [("manifest.version", "1.0"), ("oneroster.version", version)]
    manifest += [("file.orgs", "bulk"), ("file.users", "bulk")]
    files = {
        "orgs.csv": csv_bytes(ORG_COLUMNS, orgs),
        "users.csv": csv_bytes(USER_COLUMNS_1_1 if version == "1.1" else USER_COLUMNS_1_2, users),
    }
    if version != "1.1":
        manifest.append(("file.roles", "bulk"))
        files["roles.csv"] = csv_bytes(ROLE_COLUMNS, roles)
    manifest_rows = [{"propertyName": name, "value": value} for name, value in manifest]
    files["manifest.csv"] = csv_bytes(["propertyName", "value"], manifest_rows)
    return files


def write_folder(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder
