"""Roster import: people, schools and roles from OneRoster 1.0, 1.1 or 1.2 CSV, or a plain CSV.

Three steps, so that an administrator sees what will happen before it happens and
a failure never half-imports:

1. ``parse()`` reads the files into plain dataclasses. A set that cannot be read
   at all (not OneRoster, not UTF-8, a file without its key columns) raises
   RosterInvalid. Anything smaller is not fatal: a row that cannot become a
   person, school or role is *skipped* with its file, line and reason, and what
   Rapport decided for the administrator (a district made for a school that had
   none) is a *note*. Line numbers are those a spreadsheet shows (the header is
   line 1). It never touches the database.
2. ``_Plan`` matches the rows against the database with a few batched lookups
   and works out what would be created, updated, deactivated and ended, skipping
   what only the database shows to be unusable (an email that belongs to someone
   else). It only reads: ``preview()`` stops here.
3. ``apply()`` plans and writes in one transaction with bulk queries: all or nothing.

The ``import_roster`` management command and the upload page's background task
both come through ``import_roster()``, so the two behave alike.

A person's key is their ``sourcedId`` when the file has one, else their
lower-cased email; schools and districts are keyed by ``sourcedId``, else by
name. An import creates, updates and deactivates; it never deletes a person, a
school or anything of coaching, and it never changes who belongs to a coaching
relationship. The formats are described in docs/roster-import.md.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import re
import secrets
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from rapport.people.models import DISTRICT_WIDE_KINDS, District, ImportRun, Role, School, User
from rapport.privacy import adminlog
from rapport.privacy.models import AdministrationLogEntry
from rapport.relationships.models import Relationship

Format = ImportRun.Format


class Stage:
    """What an import is doing, for its progress bar."""

    READING = "reading"
    MATCHING = "matching"
    WRITING = "writing"


# (stage, done, total): called every few hundred rows or records.
Progress = Callable[[str, int, int], None]

# SQLite's backend lowers these further to fit its limit on query parameters.
WRITE_BATCH = 1000
LOOKUP_BATCH = 1000
PROGRESS_EVERY = 500

NAME_MAX = 200
EMAIL_MAX = 254
SOURCED_ID_MAX = 255
FOCUS_MAX = 100


# --- Problems, skips and notes ----------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RosterError:
    """One problem or remark, where a person can find it; line 0 means the file as a whole."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


class RosterInvalid(Exception):
    """The roster cannot be read at all; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: Iterable[RosterError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _invalid(file: str, line: int, reason: str) -> RosterInvalid:
    return RosterInvalid([RosterError(file, line, reason)])


# --- Reading the files ----------------------------------------------------------------------

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

MANIFEST, ORGS, USERS, ROLES, PROFILES = (
    "manifest.csv",
    "orgs.csv",
    "users.csv",
    "roles.csv",
    "userprofiles.csv",
)
# The files of a OneRoster set that Rapport reads; classes, enrollments, results … are left unread.
ONEROSTER_FILES = (MANIFEST, ORGS, USERS, ROLES, PROFILES)


@dataclass
class Source:
    """The roster's files: one plain CSV, or the OneRoster files of a folder or zip.

    A folder's or zip's files are keyed by their lower-cased base name
    (``users.csv``), so that ``Users.CSV`` and ``export/users.csv`` are found
    too; ``names`` keeps each file's name as the set spells it, for messages.
    """

    name: str
    files: dict[str, bytes]
    is_single_csv: bool
    names: dict[str, str] = field(default_factory=dict)

    def display(self, key: str) -> str:
        return self.names.get(key, key)


def source_from_path(path: Path) -> Source:
    """The command's way in: a folder, a zip or a CSV file on disk."""
    if path.is_dir():
        children = [child for child in sorted(path.iterdir()) if child.is_file()]
        return _set_source(
            path.name, [(child.name, child.stat().st_size, child.read_bytes) for child in children]
        )
    if not path.is_file():
        raise _invalid(str(path), 0, "no such file or folder")
    return source_from_upload(path.name, path.read_bytes())


def source_from_upload(name: str, data: bytes) -> Source:
    """The upload page's way in: the bytes of a zip or of a CSV file."""
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".zip"):
        return _unzip(name, data)
    return Source(name, {name: data}, is_single_csv=True)


def _set_source(name: str, members: Sequence[tuple[str, int, Callable[[], bytes]]]) -> Source:
    """A OneRoster set from (path, size, read) of each file: only the files Rapport reads are read."""
    wanted = []
    for path, size, read in members:
        base = path.rsplit("/", 1)[-1]
        if base.lower() in ONEROSTER_FILES:
            wanted.append((base, size, read))
    limit = settings.RAPPORT_ROSTER_MAX_BYTES
    # The declared sizes bound what reading can produce, so a small archive cannot
    # unpack into gigabytes.
    if sum(size for _, size, _ in wanted) > limit:
        raise _invalid(name, 0, f"unpacks to more than {limit // (1024 * 1024)} MB")
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for base, _, read in wanted:
        key = base.lower()
        if key in files:
            raise _invalid(name, 0, f"holds two files named {base}: import one OneRoster set at a time")
        files[key], names[key] = read(), base
    return Source(name, files, is_single_csv=False, names=names)


def _unzip(name: str, data: bytes) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            if any(entry.filename.startswith("xl/") for entry in entries):
                raise _invalid(name, 0, "is an Excel workbook: save each sheet as “CSV UTF-8” instead")
            members = [
                (entry.filename, entry.file_size, functools.partial(archive.read, entry))
                for entry in entries
                if not entry.filename.startswith("__MACOSX/")
            ]
            return _set_source(name, members)
    except RosterInvalid:
        raise
    except (NotImplementedError, RuntimeError) as exc:
        # Encrypted, or compressed in a way Python's zipfile does not read.
        raise _invalid(name, 0, f"cannot be unpacked ({exc})") from exc
    except Exception as exc:
        # zipfile fails on a damaged archive in many ways (BadZipFile, IndexError,
        # zlib.error …); to the person who uploaded it they all mean the same.
        raise _invalid(name, 0, "is not a readable zip archive") from exc


def _decode(file: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _invalid(file, 0, "is UTF-16 text, not UTF-8: save it as “CSV UTF-8” and import it again")
    if b"\x00" in data:
        raise _invalid(file, 0, "is not a CSV file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _invalid(
            file,
            line,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read): "
            "save the file as “CSV UTF-8” and import it again",
        ) from exc
    if not text.strip():
        raise _invalid(file, 0, "the file is empty")
    return text


def _column(name: str) -> str:
    """Header names compare without case, spaces or underscores: "Coach email" is coach_email."""
    return "".join(name.lower().replace("_", " ").replace("-", " ").split())


@dataclass
class Row:
    file: str
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        """The stripped cell of a column (given as ``_column`` writes it); empty when absent."""
        return self.cells.get(column, "")


@dataclass
class Table:
    columns: set[str]
    rows: list[Row]


def _read_table(file: str, data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """The rows of one CSV file with a header, blank lines left out."""
    text = _decode(file, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader, [])
        header = [_column(cell) for cell in raw_header]
        missing = [name for name in required if _column(name) not in header]
        if missing:
            hint = "; is it a CSV file with a header row?" if len(missing) == len(required) else ""
            if len(raw_header) == 1 and ";" in raw_header[0]:
                hint = "; its columns seem separated by semicolons: save it with commas"
            raise _invalid(file, 1, "missing required column(s): " + ", ".join(missing) + hint)
        counts = Counter(header)
        twice = [name for name in [*required, *optional] if counts[_column(name)] > 1]
        if twice:
            raise _invalid(file, 1, "column(s) given twice: " + ", ".join(twice))
        rows = []
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                cells = {column: cell.strip() for column, cell in zip(header, record, strict=False)}
                rows.append(Row(file, line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _invalid(file, reader.line_num, f"is not valid CSV ({exc})") from exc
    return Table(set(header), rows)


# --- What a roster says -----------------------------------------------------------------------

# A district is keyed by ("sid", sourcedId) or ("name", casefolded name); a
# school by ("sid", sourcedId) or ("name", district key or None, casefolded name).
Key = tuple


@dataclass
class DistrictRow:
    file: str
    line: int
    name: str
    sourced_id: str | None


@dataclass
class SchoolRow:
    file: str
    line: int
    name: str
    sourced_id: str | None
    # The district the file puts the school in; None: it does not say (a plain CSV
    # without a district column, or a OneRoster school under no district).
    district: Key | None
    # A OneRoster school under no district of the set: Rapport finds or makes it one.
    needs_district: bool = False


@dataclass(frozen=True)
class RoleRow:
    """A role to hold: at a school, district-wide at a district (or at a school's district),
    or at a OneRoster org the set does not describe, found in Rapport by its sourcedId."""

    kind: str
    school: Key | None = None
    district: Key | None = None
    org: str | None = None
    # Where the role was read, for a message about it (a users.csv or roles.csv line).
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass
class PersonRow:
    file: str
    line: int
    # None: a OneRoster row that only changes someone Rapport already has
    # (a delta's tobedeleted row need not repeat the name or the address).
    email: str | None
    full_name: str | None
    sourced_id: str | None
    # None: the file says nothing about it (plain CSV); an existing person keeps theirs.
    active: bool | None
    roles: list[RoleRow]
    ended_roles: list[RoleRow] = field(default_factory=list)
    # A tobedeleted person: every role they hold in Rapport ends.
    ends_all_roles: bool = False


@dataclass
class PairRow:
    """A coach-teacher relationship asked for by a plain CSV's coach_email."""

    file: str
    line: int
    coach_email: str
    teacher_email: str
    school: Key
    focus: str


@dataclass
class Roster:
    format: str
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    source_system: str = ""
    districts: dict[Key, DistrictRow] = field(default_factory=dict)
    schools: dict[Key, SchoolRow] = field(default_factory=dict)
    people: list[PersonRow] = field(default_factory=list)
    pairs: list[PairRow] = field(default_factory=list)
    skipped: list[RosterError] = field(default_factory=list)
    notes: list[RosterError] = field(default_factory=list)
    rows: int = 0

    def skip(self, row: Row, reason: str) -> None:
        self.skipped.append(RosterError(row.file, row.line, reason))

    def note(self, row: Row, reason: str) -> None:
        self.notes.append(RosterError(row.file, row.line, reason))


class _Unique:
    """Remembers on which line a value was first used, to skip duplicates within a file."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.lines: dict[str, int] = {}

    def claim(self, roster: Roster, row: Row, value: str) -> bool:
        first = self.lines.setdefault(value, row.line)
        if first != row.line:
            roster.skip(row, f'{self.what} "{value}" is already used on line {first}')
            return False
        return True


def _check_text(roster: Roster, row: Row, value: str, what: str, limit: int = NAME_MAX) -> bool:
    """Present, and short enough for the column it goes into."""
    if not value:
        roster.skip(row, f"{what} is empty")
        return False
    if len(value) > limit:
        roster.skip(row, f"{what} is longer than {limit} characters")
        return False
    return True


def _check_email(roster: Roster, row: Row, value: str, column: str = "email") -> str | None:
    email = value.lower()
    if not _check_text(roster, row, email, column, EMAIL_MAX):
        return None
    try:
        validate_email(email)
    except ValidationError:
        roster.skip(row, f'{column} "{value}" is not a valid address')
        return None
    return email


def _is_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= EMAIL_MAX


def _check_sourced_id(roster: Roster, row: Row, seen: _Unique) -> str | None:
    sourced_id = row["sourcedid"]
    if not _check_text(roster, row, sourced_id, "sourcedId", SOURCED_ID_MAX):
        return None
    return sourced_id if seen.claim(roster, row, sourced_id) else None


class _Ticker:
    """Calls ``progress`` every few hundred rows, so a long import shows it is moving."""

    def __init__(self, progress: Progress | None, stage: str, total: int) -> None:
        self.progress, self.stage, self.total, self.done = progress, stage, total, 0
        if progress:
            progress(stage, 0, total)

    def tick(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if self.progress and (
            self.done // PROGRESS_EVERY != before // PROGRESS_EVERY or self.done == self.total
        ):
            self.progress(self.stage, self.done, self.total)


# --- OneRoster -------------------------------------------------------------------------------------

ONEROSTER_VERSIONS = ("1.0", "1.1", "1.2")
ORG_TYPES = {"district", "school", "department", "local", "state", "national"}
# Orgs above districts: a school under one and under no district takes it as its district.
ABOVE_DISTRICT = ("local", "state", "national")
# OneRoster roles (1.1's and 1.2's, compared as _column() writes them) that become a Rapport role.
# An administrator at a school leads it; at a district (or with a district role) leads the district.
STAFF_ROLES = {
    "teacher": Role.Kind.TEACHER,
    "administrator": Role.Kind.SCHOOL_LEADER,
    "principal": Role.Kind.SCHOOL_LEADER,
    "siteadministrator": Role.Kind.SCHOOL_LEADER,
    "districtadministrator": Role.Kind.DISTRICT_LEADER,
}
# The other OneRoster roles: people Rapport leaves out, and why (grouped in the report).
KEEPS_STAFF = "Rapport keeps teachers and school and district leaders only"
LEFT_OUT_ROLES = {
    "student": f"a student: {KEEPS_STAFF}",
    "parent": f"a parent: {KEEPS_STAFF}",
    "guardian": f"a guardian: {KEEPS_STAFF}",
    "relative": f"a relative: {KEEPS_STAFF}",
    "aide": f"an aide: {KEEPS_STAFF}",
    "proctor": f"a proctor: {KEEPS_STAFF}",
    "counselor": f"a counselor: {KEEPS_STAFF}",
    "systemadministrator": (
        "a system administrator: Rapport's administrators are named in Rapport, never by a roster"
    ),
}
TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0"}
# Status values: 1.1 and 1.2 write active or tobedeleted; 1.0 also had inactive.
DELETED_STATUSES = {"tobedeleted", "inactive", "deleted"}


@dataclass
class _Org:
    row: Row
    kind: str
    name: str
    parent: str
    deleted: bool


@dataclass
class _Claim:
    """A OneRoster role of a user at an org: from users.csv (1.0, 1.1) or roles.csv (1.2)."""

    row: Row
    role: str  # as _column() writes it
    org_id: str
    ended: bool


def _parse_oneroster(source: Source, progress: Progress | None) -> Roster:
    roster = Roster(format=Format.ONEROSTER)
    present = set(source.files)
    if not present & {MANIFEST, ORGS, USERS, ROLES}:
        raise _invalid(
            source.name, 0, "is not a OneRoster set: it holds none of manifest.csv, orgs.csv, users.csv"
        )
    # Every file is read before giving up, so one answer lists every broken file.
    problems: list[RosterError] = []

    def read(file: str, required: list[str], optional: Sequence[str] = ()) -> Table:
        if file not in source.files:
            return Table(set(), [])
        try:
            return _read_table(source.display(file), source.files[file], required, optional)
        except RosterInvalid as invalid:
            problems.extend(invalid.errors)
            return Table(set(), [])

    manifest = read(MANIFEST, ["propertyName", "value"])
    orgs_table = read(ORGS, ["sourcedId", "name", "type"], ["parentSourcedId", "status"])
    users_table = read(
        USERS,
        ["sourcedId", "givenName", "familyName"],
        ["email", "username", "enabledUser", "status", "orgSourcedIds", "role"],
    )
    roles_table = read(ROLES, ["userSourcedId", "role", "orgSourcedId"], ["status", "endDate"])
    profiles_table = read(PROFILES, ["userSourcedId"], ["username", "status"])
    if problems:
        raise RosterInvalid(problems)
    _read_manifest(source, roster, manifest.rows)
    if USERS in present and ROLES not in present and not {"role", "orgsourcedids"} <= users_table.columns:
        raise _invalid(
            source.display(USERS),
            1,
            "has no role and orgSourcedIds columns, and the set has no roles.csv "
            "(OneRoster 1.2 keeps each person's roles there): export the set with its roles.csv",
        )
    if not roster.version:
        roster.version = "1.2" if ROLES in present or "role" not in users_table.columns else "1.1"

    tables = (orgs_table, users_table, roles_table, profiles_table)
    roster.rows = sum(len(table.rows) for table in tables)
    ticker = _Ticker(progress, Stage.READING, roster.rows)
    orgs = _oneroster_orgs(roster, orgs_table.rows, ticker)
    if ROLES in present:
        claims = _oneroster_role_rows(roster, roles_table.rows, ticker)
    else:
        claims = _claims_in_users(users_table.rows)
    addresses = _profile_addresses(profiles_table.rows, ticker)
    _oneroster_users(roster, users_table.rows, orgs, claims, addresses, ticker, ROLES in present)
    _roles_of_people_not_in_users(roster, users_table.rows, orgs, claims)
    return roster


def _read_manifest(source: Source, roster: Roster, rows: list[Row]) -> None:
    """Version, source system and each file's mode; a manifest is never a reason to refuse a set.

    The one exception is a version Rapport does not know: its files may mean other things.
    """
    for row in rows:
        name, value = row["propertyname"], row["value"]
        prop = name.lower()
        if prop == "oneroster.version":
            version = value.lower().removeprefix("v")
            known = next((v for v in ONEROSTER_VERSIONS if version == v or version.startswith(f"{v}.")), "")
            if value and not known:
                raise _invalid(
                    row.file,
                    row.line,
                    f'oneroster.version is "{value}"; Rapport imports OneRoster 1.0, 1.1 and 1.2',
                )
            roster.version = known
        elif prop == "source.systemname":
            roster.source_system = value[:NAME_MAX]
        elif prop.startswith("file."):
            file = prop.removeprefix("file.") + ".csv"
            mode = value.lower()
            if file not in ONEROSTER_FILES:
                continue
            if mode in {"", "absent"}:
                if file in source.files:
                    roster.note(
                        row, f"{name} says absent, but {source.display(file)} is in the set: it is read"
                    )
                    roster.modes[file] = "bulk"
            elif mode in {"bulk", "delta"}:
                if file in source.files:
                    roster.modes[file] = mode
                else:
                    roster.note(row, f"{name} says {mode}, but the set has no {_spelled(file)}")
            else:
                roster.note(row, f'{name} is "{value}", not absent, bulk or delta: read as bulk')
                roster.modes[file] = "bulk"


def _spelled(file: str) -> str:
    """A OneRoster file's name as the specification spells it."""
    return {PROFILES: "userProfiles.csv"}.get(file, file)


def _oneroster_orgs(roster: Roster, rows: list[Row], ticker: _Ticker) -> dict[str, _Org]:
    orgs: dict[str, _Org] = {}
    seen = _Unique("sourcedId")
    for row in rows:
        ticker.tick()
        sourced_id = _check_sourced_id(roster, row, seen)
        kind = row["type"].lower()
        if kind not in ORG_TYPES:
            roster.note(row, f'type "{row["type"]}" is not a OneRoster org type: the org holds no school')
        if sourced_id and _check_text(roster, row, row["name"], "name"):
            deleted = row["status"].lower() in DELETED_STATUSES
            orgs[sourced_id] = _Org(row, kind, row["name"], row["parentsourcedid"], deleted)

    districts = [sid for sid, org in orgs.items() if org.kind == "district" and not org.deleted]
    for sourced_id in districts:
        roster.districts[("sid", sourced_id)] = _district_row(orgs[sourced_id], sourced_id)
    for sourced_id, org in orgs.items():
        if org.deleted:
            if org.kind in {"district", "school"}:
                roster.note(
                    org.row,
                    f'{org.kind} "{org.name}" is marked tobedeleted: Rapport keeps its {org.kind}s '
                    "(an administrator removes one in the administration site)",
                )
            continue
        if org.kind == "school":
            roster.schools[("sid", sourced_id)] = _school_row(roster, orgs, sourced_id, districts)
    return orgs


def _district_row(org: _Org, sourced_id: str) -> DistrictRow:
    return DistrictRow(org.row.file, org.row.line, org.name, sourced_id)


def _school_row(roster: Roster, orgs: dict[str, _Org], sourced_id: str, districts: list[str]) -> SchoolRow:
    """A school in the district above it; else under the org above it that stands for one; else
    the set's only district; else in a district Rapport finds or makes when writing."""
    org = orgs[sourced_id]
    above = _orgs_above(orgs, sourced_id)
    district = next((sid for sid in above if orgs[sid].kind == "district"), None)
    if district is None:
        higher = next((sid for sid in above if orgs[sid].kind in ABOVE_DISTRICT), None)
        if higher is not None:
            district = higher
            if ("sid", higher) not in roster.districts:
                roster.districts[("sid", higher)] = _district_row(orgs[higher], higher)
                roster.note(
                    orgs[higher].row,
                    f'{orgs[higher].kind} org "{orgs[higher].name}" has schools under no district: '
                    "Rapport takes it as their district",
                )
        elif len(districts) == 1 and not (org.parent and org.parent not in orgs):
            district = districts[0]
    if district is not None:
        return SchoolRow(org.row.file, org.row.line, org.name, sourced_id, ("sid", district))
    # A parent the set does not describe (a delta names only what changed) may be a district in Rapport.
    parent = ("sid", org.parent) if org.parent and org.parent not in orgs else None
    return SchoolRow(org.row.file, org.row.line, org.name, sourced_id, parent, needs_district=True)


def _orgs_above(orgs: dict[str, _Org], sourced_id: str) -> list[str]:
    """The orgs above one, nearest first, following parentSourcedId (a loop ends the climb)."""
    above: list[str] = []
    parent = orgs[sourced_id].parent
    while parent and parent in orgs and parent != sourced_id and parent not in above:
        above.append(parent)
        parent = orgs[parent].parent
    return above


def _oneroster_role_rows(roster: Roster, rows: list[Row], ticker: _Ticker) -> dict[str, list[_Claim]]:
    """OneRoster 1.2's roles.csv: each row a role of a user at an org."""
    claims: dict[str, list[_Claim]] = defaultdict(list)
    today = timezone.localdate()
    for row in rows:
        ticker.tick()
        user_id, org_id, role = row["usersourcedid"], row["orgsourcedid"], _column(row["role"])
        if not user_id:
            roster.skip(row, "userSourcedId is empty")
            continue
        if not org_id and role not in LEFT_OUT_ROLES:
            roster.skip(row, "orgSourcedId is empty")
            continue
        ended = row["status"].lower() in DELETED_STATUSES
        end = _date(row["enddate"])
        if row["enddate"] and end is None:
            roster.note(row, f'endDate "{row["enddate"]}" is not a date: the role is taken as current')
        ended = ended or (end is not None and end < today)
        claims[user_id].append(_Claim(row, role, org_id, ended))
    return claims


def _claims_in_users(rows: list[Row]) -> dict[str, list[_Claim]]:
    """OneRoster 1.0 and 1.1: a user's role at each of their orgSourcedIds."""
    claims: dict[str, list[_Claim]] = {}
    for row in rows:
        role = _column(row["role"])
        org_ids = [org_id.strip() for org_id in row["orgsourcedids"].split(",") if org_id.strip()]
        if role in LEFT_OUT_ROLES:
            org_ids = org_ids or [""]  # a student is left out whatever their orgs
        claims[row["sourcedid"]] = [_Claim(row, role, org_id, False) for org_id in org_ids] if role else []
    return claims


def _profile_addresses(rows: list[Row], ticker: _Ticker) -> dict[str, str]:
    """OneRoster 1.2's userProfiles.csv: a profile's username that is an address, by user.

    Used as the sign-in address of a person whose users.csv row has none.
    """
    addresses: dict[str, str] = {}
    for row in rows:
        ticker.tick()
        username = row["username"]
        if row["status"].lower() not in DELETED_STATUSES and _is_address(username):
            addresses.setdefault(row["usersourcedid"], username)
    return addresses


def _date(value: str) -> datetime.date | None:
    """A date as exporters write them: ISO (with or without a time), or a US spreadsheet's M/D/YYYY."""
    value = value.strip()
    if match := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        month, day, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _oneroster_users(
    roster: Roster,
    rows: list[Row],
    orgs: dict[str, _Org],
    claims: dict[str, list[_Claim]],
    addresses: dict[str, str],
    ticker: _Ticker,
    roles_file: bool,
) -> None:
    seen_ids, seen_emails = _Unique("sourcedId"), _Unique("email")
    for row in rows:
        ticker.tick()
        sourced_id = _check_sourced_id(roster, row, seen_ids)
        if not sourced_id:
            continue
        user_claims = claims.get(sourced_id, [])
        deleted = row["status"].lower() in DELETED_STATUSES
        if row["status"] and row["status"].lower() not in {"active", *DELETED_STATUSES}:
            roster.note(row, f'status "{row["status"]}" is not active or tobedeleted: read as active')
        left_out = _left_out(user_claims)
        if left_out:
            roster.skip(row, left_out)
            continue
        if deleted:
            # Found by its sourcedId alone: a delta's tobedeleted row may carry nothing else,
            # and what else it carries is not checked, so it changes nothing else.
            roster.people.append(
                PersonRow(row.file, row.line, None, None, sourced_id, False, [], ends_all_roles=True)
            )
            continue
        roles, ended = _oneroster_roles(roster, row, user_claims, orgs)
        if not roles and not ended:
            if user_claims:
                roster.skip(
                    row, "has no role Rapport can use (the lines above say why): the person is left out"
                )
            else:
                roster.skip(
                    row, "has no row in roles.csv: the person is left out" if roles_file else _no_role(row)
                )
            continue
        address = _oneroster_email(row, addresses.get(sourced_id))
        if not address:
            roster.skip(
                row,
                "no email address (email is empty and username is not an address): the person is left out",
            )
            continue
        email = _check_email(roster, row, address)
        if email and not seen_emails.claim(roster, row, email):
            email = None
        full_name = _oneroster_name(row)
        named = _check_text(roster, row, full_name, "the name (givenName, familyName)")
        if email and named:
            active = _enabled(roster, row)
            roster.people.append(
                PersonRow(row.file, row.line, email, full_name, sourced_id, active, roles, ended)
            )


def _no_role(row: Row) -> str:
    return "role is empty" if not row["role"] else "orgSourcedIds is empty"


def _left_out(claims: list[_Claim]) -> str | None:
    """Why a user is left out, when every role they hold is one Rapport does not keep."""
    current = [claim for claim in claims if not claim.ended]
    if current and all(claim.role in LEFT_OUT_ROLES for claim in current):
        return LEFT_OUT_ROLES[current[0].role]
    return None


def _oneroster_email(row: Row, profile_address: str | None) -> str:
    username = row["username"]
    return row["email"] or (username if "@" in username else "") or profile_address or ""


def _oneroster_name(row: Row) -> str:
    """The name a person goes by: 1.2's preferred names when given."""
    given = row["preferredgivenname"] or row["givenname"]
    family = row["preferredfamilyname"] or row["familyname"]
    # A name a spreadsheet wrapped over two lines is still one name.
    return " ".join(f"{given} {family}".split())


def _enabled(roster: Roster, row: Row) -> bool:
    value = row["enableduser"].lower()
    if value in FALSE_WORDS:
        return False
    if value and value not in TRUE_WORDS:
        roster.note(row, f'enabledUser "{row["enableduser"]}" is not true or false: read as true')
    return True


def _oneroster_roles(
    roster: Roster, row: Row, claims: list[_Claim], orgs: dict[str, _Org]
) -> tuple[list[RoleRow], list[RoleRow]]:
    """The Rapport roles of a user's claims: (roles to hold, roles that end)."""
    roles: list[RoleRow] = []
    ended: list[RoleRow] = []
    for claim in claims:
        if claim.role in LEFT_OUT_ROLES:
            continue  # a teacher who is also a parent is imported as a teacher
        kind = STAFF_ROLES.get(claim.role)
        if kind is None:
            known = ", ".join(sorted({*STAFF_ROLES, *LEFT_OUT_ROLES}))
            roster.skip(claim.row, f'role "{claim.row["role"]}" is not a OneRoster role ({known})')
            continue
        role = _role_at(roster, claim, kind, orgs)
        if role is not None:
            (ended if claim.ended else roles).append(role)
    return roles, ended


def _role_at(roster: Roster, claim: _Claim, kind: str, orgs: dict[str, _Org]) -> RoleRow | None:
    """Where in Rapport a OneRoster role is held, or None (and why) when nowhere."""
    where: dict[str, Any] = {"file": claim.row.file, "line": claim.row.line}
    org = orgs.get(claim.org_id)
    if org is None:
        return RoleRow(kind, org=claim.org_id, **where)  # found in Rapport when writing, or skipped then
    if org.deleted:
        if not claim.ended:
            roster.skip(claim.row, f'org "{claim.org_id}" is marked tobedeleted: no role there')
        return None
    if ("sid", claim.org_id) in roster.districts:
        if kind == Role.Kind.TEACHER:
            roster.skip(claim.row, f'org "{claim.org_id}" is a district: a teacher is placed at a school')
            return None
        return RoleRow(Role.Kind.DISTRICT_LEADER, district=("sid", claim.org_id), **where)
    if org.kind == "school":
        return RoleRow(kind, school=("sid", claim.org_id), **where)
    if org.kind in ABOVE_DISTRICT:
        roster.skip(
            claim.row, f'org "{claim.org_id}" is a {org.kind} org: Rapport has no role above a district'
        )
        return None
    school = next((sid for sid in _orgs_above(orgs, claim.org_id) if orgs[sid].kind == "school"), None)
    if school is None:
        roster.skip(
            claim.row, f'org "{claim.org_id}" is a {org.kind or "org"} under no school: no role there'
        )
        return None
    if kind == Role.Kind.SCHOOL_LEADER:
        roster.skip(
            claim.row,
            f'org "{claim.org_id}" is a {org.kind}: its administrator is not a school leader, no role there',
        )
        return None
    # A teacher of a department teaches at its school.
    return RoleRow(kind, school=("sid", school), **where)


def _roles_of_people_not_in_users(
    roster: Roster, rows: list[Row], orgs: dict[str, _Org], claims: dict[str, list[_Claim]]
) -> None:
    """A delta's roles.csv may change the roles of someone its users.csv does not repeat."""
    in_users = {row["sourcedid"] for row in rows}
    for user_id, user_claims in claims.items():
        if user_id in in_users or _left_out(user_claims):
            continue
        first = user_claims[0].row
        roles, ended = _oneroster_roles(roster, first, user_claims, orgs)
        if roles or ended:
            roster.people.append(PersonRow(first.file, first.line, None, None, user_id, None, roles, ended))


# --- Plain CSV --------------------------------------------------------------------------------

PLAIN_REQUIRED = ["name", "email", "school", "role"]
PLAIN_OPTIONAL = ["district", "coach_email", "focus"]
# What a person may write in the role column, compared as _column() writes it.
ROLE_SPELLINGS = {
    **{_column(kind.value): kind.value for kind in Role.Kind},
    **{_column(kind.label): kind.value for kind in Role.Kind},
    _column("principal"): Role.Kind.SCHOOL_LEADER.value,
    _column("site admin"): Role.Kind.SITE_ADMIN.value,
}


def _parse_plain(source: Source, progress: Progress | None) -> Roster:
    ((file, data),) = source.files.items()
    roster = Roster(format=Format.CSV)
    try:
        rows = _read_table(file, data, PLAIN_REQUIRED, PLAIN_OPTIONAL).rows
    except RosterInvalid:
        first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        if {"sourcedid", "orgsourcedids"} <= {_column(cell) for cell in first_line.split(",")}:
            raise _invalid(
                file, 1, "this is OneRoster's users.csv: import it in a zip or folder with orgs.csv"
            ) from None
        raise
    roster.rows = len(rows)
    ticker = _Ticker(progress, Stage.READING, len(rows))
    seen_emails = _Unique("email")
    for row in rows:
        ticker.tick()
        _plain_person(roster, row, seen_emails)
    return roster


def _plain_person(roster: Roster, row: Row, seen_emails: _Unique) -> None:
    email = _check_email(roster, row, row["email"])
    if email and not seen_emails.claim(roster, row, email):
        email = None
    named = _check_text(roster, row, row["name"], "name")
    kind = ROLE_SPELLINGS.get(_column(row["role"]))
    if kind is None:
        accepted = ", ".join(label.lower() for label in Role.Kind.labels)
        roster.skip(row, f'role "{row["role"]}" is not one of: {accepted}')
        return
    label = Role.Kind(kind).label.lower()

    district = None
    if row["district"]:
        if not _check_text(roster, row, row["district"], "district"):
            return
        district = ("name", row["district"].casefold())
        roster.districts.setdefault(district, DistrictRow(row.file, row.line, row["district"], None))
    schools = []
    for name in (part.strip() for part in row["school"].split(";")):
        if not name:
            continue
        if not _check_text(roster, row, name, "school"):
            return
        key = ("name", district, name.casefold())
        roster.schools.setdefault(key, SchoolRow(row.file, row.line, name, None, district))
        schools.append(key)

    if kind in DISTRICT_WIDE_KINDS:
        if district or not schools:
            roles = [RoleRow(kind, district=district)]
        else:
            roles = [RoleRow(kind, school=school) for school in schools]
    elif schools:
        roles = [RoleRow(kind, school=school) for school in schools]
    else:
        roster.skip(row, f"a {label} needs a school")
        return

    pair_ok = _plain_pair(roster, row, kind, email, schools)
    if email and named and pair_ok:
        roster.people.append(PersonRow(row.file, row.line, email, row["name"], None, None, roles))


def _plain_pair(roster: Roster, row: Row, kind: str, email: str | None, schools: list[Key]) -> bool:
    """The optional coach_email (and focus) of a teacher's row: a coaching relationship to create."""
    if not row["coachemail"]:
        if row["focus"]:
            roster.skip(row, "focus is given without a coach_email")
            return False
        return True
    coach_email = _check_email(roster, row, row["coachemail"], "coach_email")
    problems = [
        (kind != Role.Kind.TEACHER, "coach_email is for teachers' rows only"),
        (len(schools) != 1, "a row with a coach_email names exactly one school"),
        (coach_email is not None and coach_email == email, "coach_email is the teacher's own address"),
        (len(row["focus"]) > FOCUS_MAX, f"focus is longer than {FOCUS_MAX} characters"),
    ]
    for failed, reason in problems:
        if failed:
            roster.skip(row, reason)
    if coach_email is None or any(failed for failed, _ in problems):
        return False
    if email:
        roster.pairs.append(PairRow(row.file, row.line, coach_email, email, schools[0], row["focus"]))
    return True


# --- Parsing entry point -------------------------------------------------------------------------------


def detected_format(source: Source) -> str:
    """A single CSV file is a plain CSV; a folder or zip is OneRoster."""
    return Format.CSV if source.is_single_csv else Format.ONEROSTER


def parse(source: Source, format: str = "", progress: Progress | None = None) -> Roster:
    """Read the files; rows that cannot be used are in ``Roster.skipped``.

    Raises RosterInvalid when the set cannot be read at all (encoding, missing
    columns, not OneRoster …). ``format`` "" means detected_format().
    """
    if format and format != detected_format(source):
        if format == Format.ONEROSTER:
            raise _invalid(
                source.name, 0, "a OneRoster set is a zip or folder of CSV files: import one of those"
            )
        raise _invalid(source.name, 0, "a plain CSV import takes one .csv file, not a zip or folder")
    if source.is_single_csv:
        return _parse_plain(source, progress)
    return _parse_oneroster(source, progress)


# --- What an import does -------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# How many line ranges of one reason, and how many reasons, the run page shows; the rest are counted.
RANGES_SHOWN = 12
GROUPS_SHOWN = 50


def _ranges(lines: list[int]) -> list[list[int]]:
    """[2, 3, 4, 7] → [[2, 4], [7, 7]]: the lines of one reason, short enough to keep for 50,000 rows."""
    ranges: list[list[int]] = []
    for line in sorted(set(lines)):
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return ranges


def _grouped(entries: Iterable[RosterError]) -> list[dict]:
    """Entries with the same file and reason as one group: its lines as ranges, and how many."""
    by_reason: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in entries:
        by_reason[(entry.file, entry.reason)].append(entry.line)
    groups = [
        {"file": file, "reason": reason, "count": len(lines), "lines": _ranges(lines)}
        for (file, reason), lines in by_reason.items()
    ]
    return sorted(groups, key=lambda group: (group["file"], group["lines"][0] if group["lines"] else [0]))


@dataclass
class Summary:
    """What an import did, or would do (a preview), for the command's output and the run page.

    Stored as JSON on the run. ``skipped`` and ``notes`` are groups of
    ``{"file", "reason", "count", "lines": [[first, last], …]}``.
    """

    format: str
    version: str = ""
    mode: str = ""
    source_system: str = ""
    preview: bool = False
    rows: int = 0
    people: Tally = field(default_factory=Tally)
    schools: Tally = field(default_factory=Tally)
    districts: Tally = field(default_factory=Tally)
    pairs: Tally = field(default_factory=Tally)
    roles_added: int = 0
    roles_ended: int = 0
    deactivated: int = 0
    skipped: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        data = dict(data)
        if isinstance(data.get("skipped"), dict):
            # Runs recorded before skips had lines counted skipped people by role only.
            data["skipped"] = [
                {"file": "", "reason": f"{role}: {KEEPS_STAFF}", "count": count, "lines": []}
                for role, count in data["skipped"].items()
            ]
        known = set(cls.__dataclass_fields__)
        tallies = {
            name: Tally(**data[name]) for name in ("people", "schools", "districts", "pairs") if name in data
        }
        return cls(**{**{k: v for k, v in data.items() if k in known}, **tallies})

    @property
    def skipped_count(self) -> int:
        return sum(group["count"] for group in self.skipped)

    @property
    def skipped_shown(self) -> list[dict]:
        """The first groups of skipped rows, each with ``where`` it is, for the run page."""
        return [{**group, "where": group_lines(group)} for group in self.skipped[:GROUPS_SHOWN]]

    @property
    def skipped_hidden(self) -> int:
        return max(0, len(self.skipped) - GROUPS_SHOWN)

    @property
    def notes_shown(self) -> list[dict]:
        return [{**group, "where": group_lines(group)} for group in self.notes[:GROUPS_SHOWN]]

    @property
    def changes(self) -> int:
        """How many records the import creates, updates, deactivates or ends."""
        tallies = (self.people, self.schools, self.districts, self.pairs)
        return sum(t.created + t.updated for t in tallies) + self.roles_added + self.roles_ended

    @property
    def described(self) -> str:
        """ "OneRoster 1.2, delta, from Aurora SIS", for the run page and the command."""
        parts = [f"OneRoster {self.version}" if self.format == Format.ONEROSTER else "Plain CSV"]
        parts += [self.mode] if self.mode else []
        parts += [f"from {self.source_system}"] if self.source_system else []
        return ", ".join(parts)

    def lines(self) -> list[str]:
        def tally(tally: Tally) -> str:
            return f"{tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged"

        lines = [
            f"People: {tally(self.people)} ({self.deactivated} deactivated)",
            f"Roles: {self.roles_added} added, {self.roles_ended} ended",
            f"Schools: {tally(self.schools)}",
            f"Districts: {tally(self.districts)}",
        ]
        if self.format == Format.CSV:
            lines.append(f"Coaching pairs: {self.pairs.created} created, {self.pairs.unchanged} unchanged")
        lines.append(f"Skipped: {self.skipped_count} row{'s' if self.skipped_count != 1 else ''}")
        return lines


def group_lines(group: dict, shown: int = RANGES_SHOWN) -> str:
    """A group's file and lines: "users.csv lines 2-4, 9 and 12 more" (the template's filter too)."""
    ranges = [f"{first}-{last}" if last > first else f"{first}" for first, last in group["lines"][:shown]]
    more = len(group["lines"]) - shown
    text = ", ".join(ranges) + (f" and {more} more" if more > 0 else "")
    if not ranges:
        return group["file"]
    noun = "line" if group["count"] == 1 else "lines"
    return f"{group['file']} {noun} {text}" if group["file"] else text


def _batches(values: list, size: int = LOOKUP_BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookup(queryset: models.QuerySet, column: str, values: Iterable) -> Iterator:
    """``queryset.filter(column__in=values)``, a thousand values per query."""
    for batch in _batches(sorted(set(values))):
        yield from queryset.filter(**{f"{column}__in": batch})


PersonMatch = tuple[PersonRow, User, bool]
# Where a role is held: (kind, district, school), school None for district-wide roles.
Place = tuple[str, District, School | None]


class _Plan:
    """The roster matched against the database: what to create, change or end, and what is already so.

    It only reads; ``skipped`` and ``notes`` add what the database revealed to the
    roster's own. ``write()`` then makes it so.
    """

    def __init__(self, roster: Roster, progress: Progress | None = None) -> None:
        self.roster = roster
        self.progress = progress
        self.skipped: list[RosterError] = []
        self.notes: list[RosterError] = []
        self.summary = Summary(
            format=roster.format,
            version=roster.version,
            mode=" and ".join(sorted(set(roster.modes.values()))),
            source_system=roster.source_system,
            rows=roster.rows,
        )
        self.new: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.changed: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.ended_roles: list[int] = []
        self.districts = self._match_districts()
        self.schools = self._match_schools()
        self.people = self._match_people()  # (row, user, whether the row changes the user)
        self._match_roles()
        self._match_pairs()
        self.summary.skipped = _grouped([*roster.skipped, *self.skipped])
        self.summary.notes = _grouped([*roster.notes, *self.notes])

    def skip(self, row: DistrictRow | SchoolRow | PersonRow | PairRow | RoleRow, reason: str) -> None:
        self.skipped.append(RosterError(row.file, row.line, reason))

    def _record(self, obj: models.Model, tally: Tally, changed: bool) -> None:
        if obj.pk is None:
            self.new[type(obj)].append(obj)
            tally.created += 1
        elif changed:
            self.changed[type(obj)].append(obj)
            tally.updated += 1
        else:
            tally.unchanged += 1

    def _match_districts(self) -> dict[Key, District]:
        existing = list(District.objects.all())
        self.district_by_pk = {district.pk: district for district in existing}
        self.district_by_sourced_id = {
            district.sourced_id: district for district in existing if district.sourced_id
        }
        self.district_by_name = defaultdict(list)
        for stored in existing:
            self.district_by_name[stored.name.casefold()].append(stored)
        matched = {}
        for key, row in self.roster.districts.items():
            district = self.district_by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            if district is None:
                # A district made by hand or by a plain CSV is adopted by its name.
                same_name = [
                    d
                    for d in self.district_by_name[row.name.casefold()]
                    if not (row.sourced_id and d.sourced_id)
                ]
                if len(same_name) > 1:
                    self.skip(
                        row, f'several districts in Rapport are called "{row.name}": the district is left out'
                    )
                    continue
                district = same_name[0] if same_name else District(name=row.name)
            changed = _set(district, "sourced_id", row.sourced_id or district.sourced_id)
            if row.sourced_id:
                changed |= _set(district, "name", row.name)
            self._record(district, self.summary.districts, changed)
            matched[key] = district
        everywhere = {id(d): d for d in [*existing, *matched.values()]}
        self.sole_district = next(iter(everywhere.values())) if len(everywhere) == 1 else None
        return matched

    def _district(self, key: Key | None) -> District | None:
        """The district of a key: one the roster names, or (a sourcedId) one Rapport has."""
        if key is None:
            return None
        return self.districts.get(key) or (
            self.district_by_sourced_id.get(key[1]) if key[0] == "sid" else None
        )

    def _match_schools(self) -> dict[Key, School]:
        existing = list(School.objects.all())
        for stored in existing:
            stored.district = self.district_by_pk[stored.district_id]  # no query per school later
        self.school_by_sourced_id = {school.sourced_id: school for school in existing if school.sourced_id}
        by_name = defaultdict(list)
        for stored in existing:
            by_name[stored.name.casefold()].append(stored)
        found = []
        for key, row in self.roster.schools.items():
            district = self._district(row.district)
            if row.district and district is None and not row.needs_district:
                self.skip(row, f'its district is left out: school "{row.name}" is left out too')
                continue
            school = self.school_by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            if school is None:
                same_name = [
                    s
                    for s in by_name[row.name.casefold()]
                    if (district is None or s.district is district) and not (row.sourced_id and s.sourced_id)
                ]
                if len(same_name) > 1:
                    self.skip(
                        row, f'several schools in Rapport are called "{row.name}": add a district column'
                    )
                    continue
                school = same_name[0] if same_name else None
            if school is None:
                district = district or self._district_for_new_school(row)
                if district is None:
                    self.skip(
                        row, f'cannot tell which district school "{row.name}" is in: add a district column'
                    )
                    continue
                school = School(name=row.name, district=district)
            changed = _set(school, "sourced_id", row.sourced_id or school.sourced_id)
            if row.sourced_id:
                changed |= _set(school, "name", row.name)
            if district is not None and school.district is not district:
                school.district = district
                changed = True
            found.append((key, row, school, changed))
        return self._record_schools(existing, found)

    def _record_schools(
        self, existing: list[School], found: list[tuple[Key, SchoolRow, School, bool]]
    ) -> dict:
        """A school's name is unique in its district; only what this import changes can break that.

        Schools the import leaves as they are keep their names; of the others, the
        first to take a name has it, and the rest are left out.
        """
        touched = {id(school) for _, _, school, changed in found if school.pk is None or changed}
        holders = {
            (id(school.district), school.name.casefold()): school
            for school in existing
            if id(school) not in touched
        }
        matched = {}
        for key, row, school, changed in found:
            holder = holders.setdefault((id(school.district), school.name.casefold()), school)
            if holder is not school:
                self.skip(row, f'another school in its district is already called "{school.name}": left out')
                continue
            self._record(school, self.summary.schools, changed)
            matched[key] = school
        return matched

    def _district_for_new_school(self, row: SchoolRow) -> District | None:
        """A OneRoster school under no district goes to Rapport's only district, or to one made for it."""
        if not row.needs_district:
            return self.sole_district
        # Rapport's one district, when the set names none: a single school's export, say.
        # A set with districts of its own says nothing of where this school belongs.
        if len(self.district_by_pk) == 1 and not self.roster.districts:
            (district,) = self.district_by_pk.values()
            self.notes.append(
                RosterError(
                    row.file,
                    row.line,
                    f'school "{row.name}" is under no district in the set: '
                    f'it goes to Rapport\'s district "{district.name}"',
                )
            )
            return district
        same_name = self.district_by_name.get(row.name.casefold(), [])
        district = same_name[0] if len(same_name) == 1 else District(name=row.name)
        if district.pk is None:
            self._record(district, self.summary.districts, True)
            self.district_by_name[row.name.casefold()].append(district)
        self.notes.append(
            RosterError(
                row.file,
                row.line,
                f'school "{row.name}" is under no district in the set: it goes to the district '
                f'"{district.name}", which Rapport {"made" if district.pk is None else "has"} for it',
            )
        )
        return district

    def _match_people(self) -> list[PersonMatch]:
        rows = self.roster.people
        users = User.objects.only("id", "email", "full_name", "sourced_id", "is_active")
        sourced_ids = [row.sourced_id for row in rows if row.sourced_id]
        by_sourced_id = {user.sourced_id: user for user in _lookup(users, "sourced_id", sourced_ids)}
        # Emails are unique: one the person found by sourcedId already has needs no lookup.
        emails = [
            row.email
            for row in rows
            if row.email and row.email != getattr(by_sourced_id.get(row.sourced_id), "email", None)
        ]
        found = {user.pk: user for user in by_sourced_id.values()}
        by_email = {user.email: found.setdefault(user.pk, user) for user in _lookup(users, "email", emails)}

        ticker = _Ticker(self.progress, Stage.MATCHING, len(rows))
        matched: list[PersonMatch] = []
        lines_by_pk: dict[int, int] = {}
        for row in rows:
            ticker.tick()
            user = by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            holder = by_email.get(row.email) if row.email else None
            if user is None and holder is not None:
                if row.sourced_id and holder.sourced_id:
                    self.skip(
                        row,
                        f'email "{row.email}" already belongs to someone else in Rapport '
                        f'(sourcedId "{holder.sourced_id}"): the person is left out',
                    )
                    continue
                user = holder
            elif user is not None and holder is not None and holder is not user:
                self.skip(
                    row,
                    f'email "{row.email}" already belongs to someone else in Rapport: the row is left out',
                )
                continue
            if user is None and (row.email is None or row.ends_all_roles):
                what = "is to be deleted" if row.ends_all_roles else "changes the roles of someone"
                self.skip(row, f'{what}, but Rapport has no one with sourcedId "{row.sourced_id}"')
                continue
            if user is not None and lines_by_pk.setdefault(user.pk, row.line) != row.line:
                self.skip(
                    row, f"is the same person in Rapport as line {lines_by_pk[user.pk]}: the row is left out"
                )
                continue
            matched.append((row, *self._person(row, user)))
        return matched

    def _person(self, row: PersonRow, user: User | None) -> tuple[User, bool]:
        if user is None:
            if row.email is None or row.full_name is None:  # _match_people left such rows out
                raise ValueError(f"{row.file} line {row.line}: a new person without an email or a name")
            # What make_password(None) makes, an unusable password, without its
            # forty random.choice() calls: half the time of a 10,000-person import.
            # Never a real hash (that would take minutes); people choose their
            # password through the reset email (or sign in with the district's
            # single sign-on).
            new = User(
                email=row.email,
                full_name=row.full_name,
                sourced_id=row.sourced_id,
                is_active=row.active is not False,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            return new, True
        changed = _set(user, "email", row.email or user.email)
        changed |= _set(user, "full_name", row.full_name or user.full_name)
        changed |= _set(user, "sourced_id", row.sourced_id or user.sourced_id)
        if row.active is not None:
            if user.is_active and not row.active:
                self.summary.deactivated += 1
            changed |= _set(user, "is_active", row.active)
        return user, changed

    def _match_roles(self) -> None:
        # (user_id, kind, School or District, place pk) → the role's pk
        held: dict[tuple, int] = {}
        held_by_user: dict[int, list[int]] = defaultdict(list)
        existing_pks = [user.pk for _, user, _ in self.people if user.pk]
        roles = Role.objects.values_list("pk", "user_id", "kind", "district_id", "school_id")
        for pk, user_id, kind, district_id, school_id in _lookup(roles, "user_id", existing_pks):
            held_at = (School, school_id) if school_id else (District, district_id)
            held[(user_id, kind, *held_at)] = pk
            held_by_user[user_id].append(pk)
        kept = []
        for row, user, changed in self.people:
            added = set()
            for role in row.roles:
                place = self._place(row, role)
                if place is None:
                    continue
                kind, district, school = place
                where = school or district
                if (kind, id(where)) in added:
                    continue
                if user.pk and where.pk and (user.pk, kind, type(where), where.pk) in held:
                    continue
                added.add((kind, id(where)))
                self.new[Role].append(Role(user=user, kind=kind, district=district, school=school))
            if user.pk is None and not added:
                reason = (
                    "has only roles that have ended"
                    if row.ended_roles and not row.roles
                    else "has no role Rapport can use (the lines above say why)"
                )
                self.skip(row, f"{reason}: the person is left out")
                continue
            ended = self._ended(row, user, held, held_by_user)
            self.summary.roles_added += len(added)
            self.summary.roles_ended += len(ended)
            self.ended_roles += ended
            self._record(user, self.summary.people, changed or bool(added) or bool(ended))
            kept.append((row, user, changed))
        self.people = kept

    def _ended(self, row: PersonRow, user: User, held: dict[tuple, int], held_by_user: dict) -> list[int]:
        """The pks of the roles a person's row ends: all of them for a tobedeleted person."""
        if not user.pk:
            return []
        if row.ends_all_roles:
            return list(held_by_user.get(user.pk, []))
        ended = []
        for role in row.ended_roles:
            place = self._place(row, role, quiet=True)
            if place is not None:
                kind, district, school = place
                where = school or district
                pk = held.get((user.pk, kind, type(where), where.pk))
                if pk is not None and pk not in ended:
                    ended.append(pk)
        return ended

    def _place(self, row: PersonRow, role: RoleRow, quiet: bool = False) -> Place | None:
        """Where a role is held, as (kind, district, school); school None for district-wide roles."""
        if role.org is not None:
            return self._place_at_org(role, role.org, quiet)
        school = self.schools.get(role.school) if role.school else None
        if role.school and school is None:
            if not quiet:
                self.skip(
                    role if role.line else row,
                    "its school is left out (see the school's line): no role there",
                )
            return None
        if role.kind not in DISTRICT_WIDE_KINDS:
            # Such a role always names its school (both readers see to it): school is not None.
            return (role.kind, school.district, school)  # type: ignore[union-attr]
        district = self._district(role.district)
        district = district or (school.district if school else self.sole_district)
        if district is None:
            if not quiet:
                label = Role.Kind(role.kind).label.lower()
                self.skip(row, f"cannot tell which district the {label} belongs to: add a district column")
            return None
        return (role.kind, district, None)

    def _place_at_org(self, role: RoleRow, org: str, quiet: bool) -> Place | None:
        """A OneRoster role at an org the set does not describe (a delta's): a school or district in Rapport.

        As in the set, an administrator of a district leads the district.
        """
        school = self.school_by_sourced_id.get(org)
        if school is not None:
            if role.kind in DISTRICT_WIDE_KINDS:
                return (role.kind, school.district, None)
            return (role.kind, school.district, school)
        district = self.district_by_sourced_id.get(org)
        if district is not None and role.kind != Role.Kind.TEACHER:
            return (Role.Kind.DISTRICT_LEADER, district, None)
        if not quiet:
            reason = (
                f'org "{role.org}" is a district: a teacher is placed at a school'
                if district is not None
                else f'org "{role.org}" is neither in orgs.csv nor in Rapport: no role there'
            )
            self.skip(role, reason)
        return None

    def _match_pairs(self) -> None:
        pairs = self.roster.pairs
        if not pairs:
            return
        in_file = {row.email: user for row, user, _ in self.people}
        coaches = dict(in_file)
        outside = [pair.coach_email for pair in pairs if pair.coach_email not in coaches]
        coaches |= {user.email: user for user in _lookup(User.objects.all(), "email", outside)}
        coach_role_pks = set(
            _lookup(
                Role.objects.filter(kind=Role.Kind.COACH).values_list("user_id", flat=True),
                "user_id",
                [user.pk for user in coaches.values() if user.pk],
            )
        )
        file_coaches = {
            row.email for row, _, _ in self.people if any(role.kind == Role.Kind.COACH for role in row.roles)
        }
        teacher_pks = [in_file[pair.teacher_email].pk for pair in pairs if pair.teacher_email in in_file]
        existing = set(
            _lookup(
                Relationship.objects.active().values_list("coach_id", "teacher_id", "focus"),
                "teacher_id",
                [pk for pk in teacher_pks if pk],
            )
        )
        coached_for = {(teacher_pk, focus) for _, teacher_pk, focus in existing}
        for pair in pairs:
            coach = coaches.get(pair.coach_email)
            teacher = in_file.get(pair.teacher_email)
            school = self.schools.get(pair.school)
            if teacher is None or school is None:
                continue  # the row itself was skipped, and says why
            if coach is None:
                self.skip(
                    pair, f'coach_email "{pair.coach_email}" is neither in the file nor in Rapport: no pair'
                )
            elif pair.coach_email not in file_coaches and coach.pk not in coach_role_pks:
                self.skip(pair, f'coach_email "{pair.coach_email}" is not a coach: no pair')
            elif coach.pk and teacher.pk and (coach.pk, teacher.pk, pair.focus) in existing:
                self.summary.pairs.unchanged += 1
            elif teacher.pk and (teacher.pk, pair.focus) in coached_for:
                # Never re-pointed, nor a second coach for the same focus: a coach is changed
                # by ending the relationship, by an administrator.
                self.skip(
                    pair,
                    f"{teacher.email} already has a coach for this focus: to change coach, an "
                    "administrator ends that relationship first; no pair",
                )
            else:
                self.new[Relationship].append(
                    Relationship(coach=coach, teacher=teacher, school=school, focus=pair.focus)
                )
                self.summary.pairs.created += 1

    def write(self) -> Summary:
        """Parents before children: bulk_create fills in the keys the next step refers to.

        Relationships are only ever created here, never changed: who belongs to one is fixed.
        """
        updates = {
            District: ["name", "sourced_id"],
            School: ["name", "sourced_id", "district"],
            User: ["email", "full_name", "sourced_id", "is_active"],
        }
        models_in_order = (District, School, User, Role, Relationship)
        total = sum(len(self.new[model]) + len(self.changed[model]) for model in models_in_order)
        ticker = _Ticker(self.progress, Stage.WRITING, total + len(self.ended_roles))
        for model in models_in_order:
            for batch in _batches(self.new[model], WRITE_BATCH):
                model.objects.bulk_create(batch)
                _log_created(batch)
                ticker.tick(len(batch))
            if model in updates:
                for batch in _batches(self.changed[model], WRITE_BATCH):
                    changes = _administrative_changes(batch)
                    model.objects.bulk_update(batch, updates[model])
                    changes()
                    ticker.tick(len(batch))
        for batch in _batches(self.ended_roles):
            Role.objects.filter(pk__in=batch).delete()
            ticker.tick(len(batch))
        return self.summary


# Bulk writes send no signals: the administration log is written here for what changes
# who can reach coaching records (roles and relationships made, people deactivated or
# reactivated, schools moved to another district). Ended roles are deleted one by one
# (``Role.delete`` signals), and log themselves.


def _log_created(batch: list[models.Model]) -> None:
    describers: dict[type[models.Model], Callable[[Any], AdministrationLogEntry]] = {
        Role: adminlog.role_added,
        Relationship: adminlog.relationship_started,
    }
    describe = describers.get(type(batch[0]))
    if describe is not None:
        adminlog.write([describe(obj) for obj in batch])


def _administrative_changes(batch: list[models.Model]) -> Callable[[], None]:
    """Read what ``batch`` holds now; the returned function logs what its update changed."""
    watched: dict[type[models.Model], tuple[str, Callable[[Any], AdministrationLogEntry]]] = {
        User: ("is_active", adminlog.active_changed),
        School: ("district_id", adminlog.school_moved),
    }
    if type(batch[0]) not in watched:
        return lambda: None
    attribute, describe = watched[type(batch[0])]
    stored = dict(
        type(batch[0])._default_manager.filter(pk__in=[obj.pk for obj in batch]).values_list("pk", attribute)
    )
    changed = [obj for obj in batch if stored.get(obj.pk) != getattr(obj, attribute)]
    return lambda: adminlog.write([describe(obj) for obj in changed])


def _set(obj: models.Model, attribute: str, value) -> bool:
    """Set an attribute; say whether that changed it."""
    if getattr(obj, attribute) == value:
        return False
    setattr(obj, attribute, value)
    return True


def preview(roster: Roster, progress: Progress | None = None) -> Summary:
    """What ``apply()`` would do with a parsed roster, without writing anything."""
    summary = _Plan(roster, progress).summary
    summary.preview = True
    return summary


@transaction.atomic
def apply(roster: Roster, progress: Progress | None = None, started_by: User | None = None) -> Summary:
    """Write a parsed roster: all of it, or (on any failure) nothing.

    Matching and writing share one transaction, so what was checked is what is written.
    The administration log names the import (and ``started_by``, who uploaded the file) as the
    author of every change it makes.
    """
    with adminlog.acting(adminlog.ROSTER_IMPORT, started_by):
        return _Plan(roster, progress).write()


def import_roster(
    source: Source, format: str = "", progress: Progress | None = None, dry_run: bool = False
) -> Summary:
    """Parse, match and write a roster (only match, with ``dry_run``): the command's and the page's one path.

    Raises RosterInvalid, listing every problem, when the set cannot be read at all.
    """
    roster = parse(source, format, progress)
    return preview(roster, progress) if dry_run else apply(roster, progress)
