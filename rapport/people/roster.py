"""Roster import: people, schools and roles from OneRoster 1.1 CSV or a plain CSV.

Two steps, so that a bad file never half-imports:

1. ``parse()`` reads the files into plain dataclasses and checks every row,
   collecting each problem as ``file:line: reason`` with the line numbers a
   person sees in a spreadsheet (the header is line 1). It never touches the
   database.
2. ``apply()`` matches the rows against the database with a few batched
   lookups, adds the problems only the database can reveal (an email that
   belongs to someone else), and only when there are none at all writes
   everything in one transaction with bulk queries.

``import_roster()`` runs both. The ``import_roster`` management command and
the upload page's background task both call it, so the two behave alike.

A person's key is their ``sourcedId`` when the file has one, else their
lower-cased email; schools and districts are keyed by ``sourcedId``, else by
name. An import creates and updates; it never deletes anyone or anything and
never removes a role. The formats are described in docs/roster-import.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import secrets
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from rapport.people.models import DISTRICT_WIDE_KINDS, District, ImportRun, Role, School, User
from rapport.relationships.models import Relationship

Format = ImportRun.Format
Progress = Callable[[int, int], None]

# SQLite's backend lowers these further to fit its limit on query parameters.
WRITE_BATCH = 1000
LOOKUP_BATCH = 1000
PROGRESS_EVERY = 500

NAME_MAX = 200
EMAIL_MAX = 254
SOURCED_ID_MAX = 255
FOCUS_MAX = 100


# --- Problems ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RosterError:
    """One problem, where a person can find it; line 0 means the file as a whole."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


class RosterInvalid(Exception):
    """The roster cannot be imported; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: Iterable[RosterError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _invalid(file: str, line: int, reason: str) -> RosterInvalid:
    return RosterInvalid([RosterError(file, line, reason)])


# --- Reading the files ----------------------------------------------------------------------


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class Source:
    """The roster's files: one plain CSV, or the CSV files of a OneRoster folder or zip.

    A folder's or zip's files are keyed by their lower-cased base name
    (``users.csv``), so that ``Users.CSV`` and ``export/users.csv`` are found too.
    """

    name: str
    files: dict[str, bytes]
    is_single_csv: bool


def source_from_path(path: Path) -> Source:
    """The command's way in: a folder, a zip or a CSV file on disk."""
    if path.is_dir():
        files = {
            child.name.lower(): child.read_bytes()
            for child in sorted(path.iterdir())
            if child.is_file() and child.suffix.lower() == ".csv"
        }
        return Source(path.name, files, is_single_csv=False)
    if not path.is_file():
        raise _invalid(str(path), 0, "no such file or folder")
    return source_from_upload(path.name, path.read_bytes())


def source_from_upload(name: str, data: bytes) -> Source:
    """The upload page's way in: the bytes of a zip or of a CSV file."""
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".zip"):
        return Source(name, _unzip(name, data), is_single_csv=False)
    return Source(name, {name: data}, is_single_csv=True)


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    limit = settings.RAPPORT_ROSTER_MAX_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            if any(entry.filename.startswith("xl/") for entry in entries):
                raise _invalid(name, 0, "is an Excel workbook: save each sheet as “CSV UTF-8” instead")
            members = [
                entry
                for entry in entries
                if entry.filename.lower().endswith(".csv") and not entry.filename.startswith("__MACOSX/")
            ]
            # The declared sizes bound what reading can produce, so a small
            # archive cannot unpack into gigabytes.
            if sum(entry.file_size for entry in members) > limit:
                raise _invalid(name, 0, f"unpacks to more than {limit // (1024 * 1024)} MB")
            files: dict[str, bytes] = {}
            for entry in members:
                base = entry.filename.rsplit("/", 1)[-1].lower()
                if base in files:
                    raise _invalid(name, 0, f"holds two files named {base}")
                files[base] = archive.read(entry)
    except RosterInvalid:
        raise
    except (NotImplementedError, RuntimeError) as exc:
        # Encrypted, or compressed in a way Python's zipfile does not read.
        raise _invalid(name, 0, f"cannot be unpacked ({exc})") from exc
    except Exception as exc:
        # zipfile fails on a damaged archive in many ways (BadZipFile, IndexError,
        # zlib.error …); to the person who uploaded it they all mean the same.
        raise _invalid(name, 0, "is not a readable zip archive") from exc
    return files


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


def _read_table(file: str, data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> list[Row]:
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
    return rows


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
    # None: the plain CSV named no district; the school is looked up by name.
    district: Key | None


@dataclass(frozen=True)
class RoleRow:
    """A role to hold: at a school, or district-wide at a district (or at a school's district)."""

    kind: str
    school: Key | None = None
    district: Key | None = None


@dataclass
class PersonRow:
    file: str
    line: int
    email: str
    full_name: str
    sourced_id: str | None
    # None: the file says nothing about it (plain CSV); an existing person keeps theirs.
    active: bool | None
    roles: list[RoleRow]


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
    districts: dict[Key, DistrictRow] = field(default_factory=dict)
    schools: dict[Key, SchoolRow] = field(default_factory=dict)
    people: list[PersonRow] = field(default_factory=list)
    pairs: list[PairRow] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[RosterError] = field(default_factory=list)

    def error(self, row: Row, reason: str) -> None:
        self.errors.append(RosterError(row.file, row.line, reason))


class _Unique:
    """Remembers on which line a value was first used, to report duplicates within a file."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.lines: dict[str, int] = {}

    def claim(self, roster: Roster, row: Row, value: str) -> bool:
        first = self.lines.setdefault(value, row.line)
        if first != row.line:
            roster.error(row, f'{self.what} "{value}" is already used on line {first}')
            return False
        return True


def _check_text(roster: Roster, row: Row, value: str, what: str, limit: int = NAME_MAX) -> bool:
    """Present, and short enough for the column it goes into."""
    if not value:
        roster.error(row, f"{what} is empty")
        return False
    if len(value) > limit:
        roster.error(row, f"{what} is longer than {limit} characters")
        return False
    return True


def _check_email(roster: Roster, row: Row, value: str, column: str = "email") -> str | None:
    email = value.lower()
    if not _check_text(roster, row, email, column, EMAIL_MAX):
        return None
    try:
        validate_email(email)
    except ValidationError:
        roster.error(row, f'{column} "{value}" is not a valid address')
        return None
    return email


def _check_sourced_id(roster: Roster, row: Row, seen: _Unique) -> str | None:
    sourced_id = row["sourcedid"]
    if not _check_text(roster, row, sourced_id, "sourcedId", SOURCED_ID_MAX):
        return None
    return sourced_id if seen.claim(roster, row, sourced_id) else None


class _Ticker:
    """Calls ``progress`` every few hundred rows, so a long import shows it is moving."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def tick(self) -> None:
        self.done += 1
        if self.progress and (self.done % PROGRESS_EVERY == 0 or self.done == self.total):
            self.progress(self.done, self.total)


# --- OneRoster 1.1 ------------------------------------------------------------------------------

ONEROSTER_ORG_TYPES = {"district", "school", "department", "local", "state", "national"}
# Rapport keeps staff only; these are counted and left out.
ONEROSTER_SKIPPED_ROLES = ("student", "parent", "guardian", "relative", "aide", "proctor")
ONEROSTER_ROLES = ("administrator", "teacher", *ONEROSTER_SKIPPED_ROLES)
ONEROSTER_FILES = ("orgs.csv", "users.csv")


def _check_manifest(source: Source, roster: Roster, rows: list[Row]) -> None:
    """A manifest, when there is one, must describe a 1.1 export that holds what we read."""
    for row in rows:
        prop, value = row["propertyname"], row["value"]
        if prop == "oneroster.version" and value != "1.1":
            roster.error(row, f'oneroster.version is "{value}"; Rapport imports OneRoster 1.1')
        elif prop.startswith("file."):
            file = prop.removeprefix("file.") + ".csv"
            mode = value.lower()
            if mode not in {"absent", "bulk", "delta"}:
                roster.error(row, f'{prop} is "{value}", not absent, bulk or delta')
            elif mode == "absent" and file in ONEROSTER_FILES:
                roster.error(row, f"{prop} says absent, but Rapport needs {file}")
            elif mode != "absent" and file not in source.files:
                roster.error(row, f"{prop} says {mode}, but there is no {file} with it")


@dataclass
class _Org:
    row: Row
    kind: str
    name: str
    parent: str


def _parse_oneroster(source: Source, progress: Progress | None) -> Roster:
    roster = Roster(format=Format.ONEROSTER)
    for file in ONEROSTER_FILES:
        if file not in source.files:
            raise _invalid(source.name, 0, f"no {file} in it: OneRoster needs orgs.csv and users.csv")
    # Every file is read before giving up, so one answer lists every broken file.
    problems: list[RosterError] = []

    def read(file: str, required: list[str], optional: Sequence[str] = ()) -> list[Row]:
        try:
            return _read_table(file, source.files[file], required, optional)
        except RosterInvalid as invalid:
            problems.extend(invalid.errors)
            return []

    if "manifest.csv" in source.files:
        _check_manifest(source, roster, read("manifest.csv", ["propertyName", "value"]))
    org_rows = read("orgs.csv", ["sourcedId", "name", "type"])
    user_rows = read(
        "users.csv",
        ["sourcedId", "orgSourcedIds", "role", "givenName", "familyName"],
        ["email", "username", "enabledUser", "status"],
    )
    if problems:
        raise RosterInvalid(problems + roster.errors)

    ticker = _Ticker(progress, len(org_rows) + len(user_rows))
    orgs = _oneroster_orgs(roster, org_rows, ticker)
    _oneroster_users(roster, user_rows, orgs, ticker)
    return roster


def _oneroster_orgs(roster: Roster, rows: list[Row], ticker: _Ticker) -> dict[str, _Org]:
    orgs: dict[str, _Org] = {}
    seen = _Unique("sourcedId")
    for row in rows:
        ticker.tick()
        sourced_id = _check_sourced_id(roster, row, seen)
        kind = row["type"].lower()
        if kind not in ONEROSTER_ORG_TYPES:
            roster.error(row, f'type "{row["type"]}" is not a OneRoster 1.1 org type')
            continue
        if sourced_id and _check_text(roster, row, row["name"], "name"):
            orgs[sourced_id] = _Org(row, kind, row["name"], row["parentsourcedid"])

    districts = [sourced_id for sourced_id, org in orgs.items() if org.kind == "district"]
    for sourced_id in districts:
        org = orgs[sourced_id]
        roster.districts[("sid", sourced_id)] = DistrictRow(org.row.file, org.row.line, org.name, sourced_id)
    for sourced_id, org in orgs.items():
        if org.kind != "school":
            continue
        district = _district_above(orgs, sourced_id) or (districts[0] if len(districts) == 1 else None)
        if district is None:
            roster.error(org.row, f'school "{org.name}" is under no district in orgs.csv')
            continue
        roster.schools[("sid", sourced_id)] = SchoolRow(
            org.row.file, org.row.line, org.name, sourced_id, ("sid", district)
        )
    return orgs


def _district_above(orgs: dict[str, _Org], sourced_id: str) -> str | None:
    """The district an org sits under, following parentSourcedId (a loop finds none)."""
    seen = {sourced_id}
    parent = orgs[sourced_id].parent
    while parent and parent in orgs and parent not in seen:
        if orgs[parent].kind == "district":
            return parent
        seen.add(parent)
        parent = orgs[parent].parent
    return None


def _oneroster_users(roster: Roster, rows: list[Row], orgs: dict[str, _Org], ticker: _Ticker) -> None:
    seen_ids, seen_emails = _Unique("sourcedId"), _Unique("email")
    for row in rows:
        ticker.tick()
        role = row["role"].lower()
        if role not in ONEROSTER_ROLES:
            roster.error(
                row, f'role "{row["role"]}" is not a OneRoster 1.1 role ({", ".join(ONEROSTER_ROLES)})'
            )
            continue
        if role in ONEROSTER_SKIPPED_ROLES:
            roster.skipped[role] += 1
            continue
        sourced_id = _check_sourced_id(roster, row, seen_ids)
        address = row["email"] or (row["username"] if "@" in row["username"] else "")
        if not address:
            roster.error(row, "no email address (email is empty and username is not an address)")
        email = _check_email(roster, row, address) if address else None
        if email and not seen_emails.claim(roster, row, email):
            email = None
        full_name = " ".join(part for part in (row["givenname"], row["familyname"]) if part)
        named = _check_text(roster, row, full_name, "the name (givenName, familyName)")
        enabled = row["enableduser"].lower()
        if enabled not in {"", "true", "false"}:
            roster.error(row, f'enabledUser "{row["enableduser"]}" is not true or false')
        roles = _oneroster_roles(roster, row, role, orgs)
        if sourced_id and email and named and roles:
            active = enabled != "false" and row["status"].lower() != "tobedeleted"
            roster.people.append(PersonRow(row.file, row.line, email, full_name, sourced_id, active, roles))


def _oneroster_roles(roster: Roster, row: Row, role: str, orgs: dict[str, _Org]) -> list[RoleRow]:
    """A teacher teaches at each school org; an administrator leads each school or district org."""
    roles = []
    org_ids = [org_id.strip() for org_id in row["orgsourcedids"].split(",") if org_id.strip()]
    for org_id in org_ids:
        org = orgs.get(org_id)
        if org is None:
            roster.error(row, f'org "{org_id}" is not in orgs.csv')
        elif org.kind == "school":
            kind = Role.Kind.TEACHER if role == "teacher" else Role.Kind.SCHOOL_LEADER
            roles.append(RoleRow(kind, school=("sid", org_id)))
        elif org.kind == "district" and role == "administrator":
            roles.append(RoleRow(Role.Kind.DISTRICT_LEADER, district=("sid", org_id)))
    if not org_ids:
        roster.error(row, "orgSourcedIds is empty")
    elif not roles and all(org_id in orgs for org_id in org_ids):
        where = "school or district" if role == "administrator" else "school"
        roster.error(row, f"a {role} needs a {where} among orgSourcedIds")
    return roles


# --- Plain CSV --------------------------------------------------------------------------------------

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
        rows = _read_table(file, data, PLAIN_REQUIRED, PLAIN_OPTIONAL)
    except RosterInvalid:
        first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        if {"sourcedid", "orgsourcedids"} <= {_column(cell) for cell in first_line.split(",")}:
            raise _invalid(
                file, 1, "this is OneRoster's users.csv: import it in a zip or folder with orgs.csv"
            ) from None
        raise
    ticker = _Ticker(progress, len(rows))
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
        roster.error(row, f'role "{row["role"]}" is not one of: {accepted}')
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
        roster.error(row, f"a {label} needs a school")
        return

    pair_ok = _plain_pair(roster, row, kind, email, schools)
    if email and named and pair_ok:
        roster.people.append(PersonRow(row.file, row.line, email, row["name"], None, None, roles))


def _plain_pair(roster: Roster, row: Row, kind: str, email: str | None, schools: list[Key]) -> bool:
    """The optional coach_email (and focus) of a teacher's row: a coaching relationship to create."""
    if not row["coachemail"]:
        if row["focus"]:
            roster.error(row, "focus is given without a coach_email")
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
            roster.error(row, reason)
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
    """Read and check the files; row problems are collected in ``Roster.errors``.

    Raises RosterInvalid when a file cannot be read at all (encoding, missing
    columns, no users.csv …). ``format`` "" means detected_format().
    """
    if format and format != detected_format(source):
        if format == Format.ONEROSTER:
            raise _invalid(source.name, 0, "OneRoster needs orgs.csv and users.csv: import a zip or folder")
        raise _invalid(source.name, 0, "a plain CSV import takes one .csv file, not a zip or folder")
    if source.is_single_csv:
        return _parse_plain(source, progress)
    return _parse_oneroster(source, progress)


# --- Writing -------------------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Summary:
    """What an import did, for the command's output and the run page (stored as JSON)."""

    format: str
    people: Tally = field(default_factory=Tally)
    schools: Tally = field(default_factory=Tally)
    districts: Tally = field(default_factory=Tally)
    pairs: Tally = field(default_factory=Tally)
    roles_added: int = 0
    deactivated: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        tallies = {name: Tally(**data[name]) for name in ("people", "schools", "districts", "pairs")}
        return cls(**{**data, **tallies})

    @property
    def skipped_text(self) -> str:
        """ "9000 students, 12 guardians", or "" when nobody was skipped."""
        return ", ".join(f"{count} {role}{'s' if count != 1 else ''}" for role, count in self.skipped.items())

    def lines(self) -> list[str]:
        def tally(tally: Tally) -> str:
            return f"{tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged"

        lines = [
            f"People: {tally(self.people)} ({self.roles_added} roles added, {self.deactivated} deactivated)",
            f"Schools: {tally(self.schools)}",
            f"Districts: {tally(self.districts)}",
        ]
        if self.format == Format.CSV:
            lines.append(f"Coaching pairs: {self.pairs.created} created, {self.pairs.unchanged} unchanged")
        lines.append(f"Skipped: {self.skipped_text or 'nobody'}")
        return lines


def _batches(values: list, size: int = LOOKUP_BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookup(queryset: models.QuerySet, column: str, values: Iterable) -> Iterator:
    """``queryset.filter(column__in=values)``, a thousand values per query."""
    for batch in _batches(sorted(set(values))):
        yield from queryset.filter(**{f"{column}__in": batch})


class _Plan:
    """The roster matched against the database: what to create, to change, and what is already so.

    Built inside apply()'s transaction; it only reads. ``errors`` holds what
    the database revealed; ``write()`` runs only when there are none.
    """

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.errors: list[RosterError] = []
        self.summary = Summary(format=roster.format, skipped=dict(roster.skipped))
        self.new: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.changed: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.districts = self._match_districts()
        self.schools = self._match_schools()
        self.people = self._match_people()  # (row, user, whether the row changes the user)
        self._match_roles()
        self._match_pairs()

    def error(self, row: DistrictRow | SchoolRow | PersonRow | PairRow, reason: str) -> None:
        self.errors.append(RosterError(row.file, row.line, reason))

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
        by_sourced_id = {district.sourced_id: district for district in existing if district.sourced_id}
        by_name = defaultdict(list)
        for district in existing:
            by_name[district.name.casefold()].append(district)
        matched = {}
        for key, row in self.roster.districts.items():
            district = by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            if district is None:
                # A district made by hand or by a plain CSV is adopted by its name.
                same_name = [d for d in by_name[row.name.casefold()] if not (row.sourced_id and d.sourced_id)]
                if len(same_name) > 1:
                    self.error(row, f'several districts in Rapport are called "{row.name}"')
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

    def _match_schools(self) -> dict[Key, School]:
        existing = list(School.objects.all())
        for school in existing:
            school.district = self.district_by_pk[school.district_id]  # no query per school later
        by_sourced_id = {school.sourced_id: school for school in existing if school.sourced_id}
        by_name = defaultdict(list)
        for school in existing:
            by_name[school.name.casefold()].append(school)
        matched, touched = {}, []
        for key, row in self.roster.schools.items():
            district = self.districts.get(row.district) if row.district else None
            if row.district and district is None:
                continue  # the district's own problem is reported
            school = by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            if school is None:
                same_name = [
                    s
                    for s in by_name[row.name.casefold()]
                    if (district is None or s.district is district) and not (row.sourced_id and s.sourced_id)
                ]
                if len(same_name) > 1:
                    self.error(
                        row, f'several schools in Rapport are called "{row.name}": add a district column'
                    )
                    continue
                school = same_name[0] if same_name else None
            if school is None:
                district = district or self.sole_district
                if district is None:
                    self.error(
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
            self._record(school, self.summary.schools, changed)
            matched[key] = school
            if school.pk is None or changed:
                touched.append((row, school))
        self._check_school_names(existing + [school for _, school in touched if school.pk is None], touched)
        return matched

    def _check_school_names(self, schools: list[School], touched: list[tuple[SchoolRow, School]]) -> None:
        """A school's name is unique in its district; only what this import changes can break that."""
        holders = Counter((id(school.district), school.name.casefold()) for school in schools)
        for row, school in touched:
            if holders[(id(school.district), school.name.casefold())] > 1:
                self.error(row, f'another school in its district is already called "{school.name}"')

    def _match_people(self) -> list[tuple[PersonRow, User, bool]]:
        rows = self.roster.people
        users = User.objects.only("id", "email", "full_name", "sourced_id", "is_active")
        sourced_ids = [row.sourced_id for row in rows if row.sourced_id]
        by_sourced_id = {user.sourced_id: user for user in _lookup(users, "sourced_id", sourced_ids)}
        # Emails are unique: one the person found by sourcedId already has needs no lookup.
        emails = [
            row.email
            for row in rows
            if row.email != getattr(by_sourced_id.get(row.sourced_id), "email", None)
        ]
        found = {user.pk: user for user in by_sourced_id.values()}
        by_email = {user.email: found.setdefault(user.pk, user) for user in _lookup(users, "email", emails)}

        matched: list[tuple[PersonRow, User, bool]] = []
        lines_by_pk: dict[int, int] = {}
        for row in rows:
            user = by_sourced_id.get(row.sourced_id) if row.sourced_id else None
            holder = by_email.get(row.email)
            if user is None and holder is not None:
                if row.sourced_id and holder.sourced_id:
                    self.error(
                        row,
                        f'email "{row.email}" already belongs to someone else in Rapport '
                        f'(sourcedId "{holder.sourced_id}")',
                    )
                    continue
                user = holder
            elif user is not None and holder is not None and holder is not user:
                self.error(row, f'email "{row.email}" already belongs to someone else in Rapport')
                continue
            if user is not None and lines_by_pk.setdefault(user.pk, row.line) != row.line:
                self.error(row, f"is the same person in Rapport as line {lines_by_pk[user.pk]}")
                continue
            matched.append((row, *self._person(row, user)))
        return matched

    def _person(self, row: PersonRow, user: User | None) -> tuple[User, bool]:
        if user is None:
            # What make_password(None) makes, an unusable password, without its
            # forty random.choice() calls: half the time of a 10,000-person import.
            # Never a real hash (that would take minutes); people choose their
            # password through the reset email.
            new = User(
                email=row.email,
                full_name=row.full_name,
                sourced_id=row.sourced_id,
                is_active=row.active is not False,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            return new, True
        changed = _set(user, "email", row.email)
        changed |= _set(user, "full_name", row.full_name)
        changed |= _set(user, "sourced_id", row.sourced_id or user.sourced_id)
        if row.active is not None:
            if user.is_active and not row.active:
                self.summary.deactivated += 1
            changed |= _set(user, "is_active", row.active)
        return user, changed

    def _match_roles(self) -> None:
        held = set()
        existing_pks = [user.pk for _, user, _ in self.people if user.pk]
        roles = Role.objects.values_list("user_id", "kind", "district_id", "school_id")
        for user_id, kind, district_id, school_id in _lookup(roles, "user_id", existing_pks):
            held.add(
                (user_id, kind, School, school_id) if school_id else (user_id, kind, District, district_id)
            )
        for row, user, changed in self.people:
            added = set()
            for role in row.roles:
                place = self._place(row, role)
                if place is None:
                    continue
                district, school = place
                where = school or district
                if (role.kind, id(where)) in added:
                    continue
                if user.pk and where.pk and (user.pk, role.kind, type(where), where.pk) in held:
                    continue
                added.add((role.kind, id(where)))
                self.new[Role].append(Role(user=user, kind=role.kind, district=district, school=school))
            self.summary.roles_added += len(added)
            self._record(user, self.summary.people, changed or bool(added))

    def _place(self, row: PersonRow, role: RoleRow) -> tuple[District, School | None] | None:
        """Where a role is held: (district, school), school None for district-wide roles."""
        school = self.schools.get(role.school) if role.school else None
        if role.school and school is None:
            return None  # the school's own problem is reported
        if role.kind not in DISTRICT_WIDE_KINDS:
            return (school.district, school)
        district = self.districts.get(role.district) if role.district else None
        district = district or (school.district if school else self.sole_district)
        if district is None:
            label = Role.Kind(role.kind).label.lower()
            self.error(row, f"cannot tell which district the {label} belongs to: add a district column")
            return None
        return (district, None)

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
        for pair in pairs:
            coach = coaches.get(pair.coach_email)
            teacher = in_file.get(pair.teacher_email)
            school = self.schools.get(pair.school)
            if teacher is None or school is None:
                continue  # the row's own problem is reported
            if coach is None:
                self.error(pair, f'coach_email "{pair.coach_email}" is neither in the file nor in Rapport')
            elif pair.coach_email not in file_coaches and coach.pk not in coach_role_pks:
                self.error(pair, f'coach_email "{pair.coach_email}" is not a coach')
            elif coach.pk and teacher.pk and (coach.pk, teacher.pk, pair.focus) in existing:
                self.summary.pairs.unchanged += 1
            else:
                self.new[Relationship].append(
                    Relationship(coach=coach, teacher=teacher, school=school, focus=pair.focus)
                )
                self.summary.pairs.created += 1

    def write(self) -> Summary:
        """Parents before children: bulk_create fills in the keys the next step refers to."""
        updates = {
            District: ["name", "sourced_id"],
            School: ["name", "sourced_id", "district"],
            User: ["email", "full_name", "sourced_id", "is_active"],
        }
        for model in (District, School, User, Role, Relationship):
            model.objects.bulk_create(self.new[model], batch_size=WRITE_BATCH)
            if model in updates:
                model.objects.bulk_update(self.changed[model], updates[model], batch_size=WRITE_BATCH)
        return self.summary


def _set(obj: models.Model, attribute: str, value) -> bool:
    """Set an attribute; say whether that changed it."""
    if getattr(obj, attribute) == value:
        return False
    setattr(obj, attribute, value)
    return True


@transaction.atomic
def apply(roster: Roster) -> Summary:
    """Write a parsed roster, or raise RosterInvalid with every problem and write nothing.

    Matching and writing share one transaction, so what was checked is what
    is written, and any failure leaves the database as it was.
    """
    plan = _Plan(roster)
    if roster.errors or plan.errors:
        raise RosterInvalid(roster.errors + plan.errors)
    return plan.write()


def import_roster(source: Source, format: str = "", progress: Progress | None = None) -> Summary:
    """Parse, check and write a roster: the one path of the command and of the upload page.

    Raises RosterInvalid, listing every problem, when nothing was written.
    """
    return apply(parse(source, format, progress))
