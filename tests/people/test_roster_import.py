"""Roster import without HTTP: parsing, every kind of bad file, idempotency, atomicity, speed."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from django.db import DatabaseError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bench.oneroster_district import district_export, write_folder
from rapport.people.models import District, Role, School, User
from rapport.privacy.models import AdministrationLogEntry, AdministrativeChange
from rapport.relationships.models import Relationship
from rapport.roster.importer import (
    RosterInvalid,
    Summary,
    Tally,
    import_roster,
    parse,
    source_from_path,
    source_from_upload,
)
from tests.factories import DistrictFactory, SchoolFactory, UserFactory
from tests.people.roster_files import (
    DISTRICT,
    MANIFEST,
    PLAIN_COLUMNS,
    USER_COLUMNS,
    csv_bytes,
    school,
    user,
    write_oneroster,
    zip_bytes,
    zip_folder,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "roster"
ORGS = [DISTRICT, school("sch-1", "Elm Row Elementary"), school("sch-2", "Quarry Hill Middle")]


def run(path: Path, format: str = "") -> Summary:
    return import_roster(source_from_path(path), format)


def errors(path: Path, format: str = "") -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        run(path, format)
    return [str(error) for error in caught.value.errors]


def skips(summary: Summary) -> list[str]:
    """Every skipped row of a summary as ``file:line: reason``, in file order."""
    lines = [
        (group["file"], line, group["reason"])
        for group in summary.skipped
        for first, last in group["lines"]
        for line in range(first, last + 1)
    ]
    return [f"{file}:{line}: {reason}" for file, line, reason in sorted(lines)]


def notes(summary: Summary) -> list[str]:
    return [
        f"{group['file']}:{first}: {group['reason']}"
        for group in summary.notes
        for first, _ in group["lines"]
    ]


STAFF_ONLY = "Rapport keeps teachers and school and district leaders only"


def upload_errors(name: str, data: bytes) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        import_roster(source_from_upload(name, data))
    return [str(error) for error in caught.value.errors]


def database_state() -> list:
    """Everything an import may write, to prove a refused import wrote nothing."""
    return [
        list(model.objects.order_by("pk").values()) for model in (District, School, User, Role, Relationship)
    ]


def plain(tmp_path: Path, rows: list[dict], columns=PLAIN_COLUMNS, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(columns, rows))
    return path


def roles_of(email: str) -> set[tuple[str, str | None]]:
    return {
        (role.kind, role.school.name if role.school else None)
        for role in Role.objects.filter(user__email=email).select_related("school")
    }


# --- OneRoster --------------------------------------------------------------------------------


def test_oneroster_folder_imports_staff_and_skips_everyone_else():
    summary = run(DATA / "oneroster")

    assert summary.people == Tally(created=5)
    assert summary.schools == Tally(created=2)
    assert summary.districts == Tally(created=1)
    assert skips(summary) == [
        f"users.csv:7: a student: {STAFF_ONLY}",
        f"users.csv:8: a student: {STAFF_ONLY}",
        f"users.csv:9: a guardian: {STAFF_ONLY}",
    ]
    assert summary.roles_added == 6
    assert User.objects.count() == 5
    larkfield = District.objects.get(sourced_id="dist-1")
    assert set(larkfield.schools.values_list("name", flat=True)) == {
        "Elm Row Elementary",
        "Quarry Hill Middle",
    }
    assert roles_of("rowan.webb@larkfield.example.org") == {("teacher", "Elm Row Elementary")}
    assert roles_of("imogen.chu@larkfield.example.org") == {
        ("teacher", "Elm Row Elementary"),
        ("teacher", "Quarry Hill Middle"),
    }
    assert roles_of("hiro.osei@larkfield.example.org") == {("school_leader", "Quarry Hill Middle")}
    assert roles_of("maeve.farr@larkfield.example.org") == {("district_leader", None)}
    assert not User.objects.get(sourced_id="t-102").is_active  # enabledUser=false
    imogen = User.objects.get(sourced_id="t-101")
    assert imogen.full_name == "Imogen Chu"
    assert not imogen.has_usable_password()


def test_reimporting_the_same_roster_changes_nothing():
    run(DATA / "oneroster")
    before = database_state()

    summary = run(DATA / "oneroster")

    assert summary.people == Tally(unchanged=5)
    assert summary.schools == Tally(unchanged=2)
    assert summary.districts == Tally(unchanged=1)
    assert summary.roles_added == 0
    assert database_state() == before


def test_a_zip_imports_like_the_folder_even_with_its_files_in_a_subfolder():
    data = zip_folder(DATA / "oneroster", prefix="export-2026/")

    summary = import_roster(source_from_upload("larkfield.zip", data))

    assert summary.people.created == 5
    assert summary.skipped_count == 3


def test_reimport_updates_by_sourced_id_and_never_duplicates(tmp_path):
    write_oneroster(tmp_path / "v1", ORGS, [user("t-1", "Rowan", "Webb")])
    run(tmp_path / "v1")
    renamed = user("t-1", "Rowan", "Webb-Ito", orgs="sch-1,sch-2", email="RWI@larkfield.example.org")
    write_oneroster(tmp_path / "v2", [*ORGS[:2], school("sch-2", "Quarry Hill Upper")], [renamed])

    summary = run(tmp_path / "v2")

    assert summary.people == Tally(updated=1)
    assert summary.schools == Tally(updated=1, unchanged=1)
    assert summary.roles_added == 1
    rowan = User.objects.get()
    assert (rowan.email, rowan.full_name) == ("rwi@larkfield.example.org", "Rowan Webb-Ito")
    assert roles_of(rowan.email) == {("teacher", "Elm Row Elementary"), ("teacher", "Quarry Hill Upper")}


def test_disabled_and_to_be_deleted_people_are_deactivated_not_deleted(tmp_path):
    people = [user("t-1", "Rowan", "Webb"), user("t-2", "Imogen", "Chu"), user("t-3", "Pablo", "Diaz")]
    run(write_oneroster(tmp_path / "v1", ORGS, people))
    people[0]["enabledUser"] = "false"
    people[1]["status"] = "tobedeleted"

    summary = run(write_oneroster(tmp_path / "v2", ORGS, people))

    assert summary.deactivated == 2
    assert summary.roles_ended == 1  # a disabled account keeps its roles; a deleted person's end
    assert summary.people == Tally(updated=2, unchanged=1)
    assert dict(User.objects.values_list("sourced_id", "is_active")) == {
        "t-1": False,
        "t-2": False,
        "t-3": True,
    }
    assert set(Role.objects.values_list("user__sourced_id", flat=True)) == {"t-1", "t-3"}
    # Written in bulk, without signals: the import logs them itself, as the roster import.
    logged = AdministrationLogEntry.objects.filter(actor_label="Roster import").exclude(
        change=AdministrativeChange.ROLE_ADDED
    )
    assert sorted(logged.values_list("change", "person_id")) == sorted(
        [
            (AdministrativeChange.PERSON_DEACTIVATED, User.objects.get(sourced_id="t-1").pk),
            (AdministrativeChange.PERSON_DEACTIVATED, User.objects.get(sourced_id="t-2").pk),
            (AdministrativeChange.ROLE_REMOVED, User.objects.get(sourced_id="t-2").pk),
        ]
    )


def test_a_person_already_in_rapport_is_adopted_by_email(tmp_path):
    existing = UserFactory(email="rowan.webb@larkfield.example.org", full_name="R. Webb")

    summary = run(write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")]))

    assert summary.people == Tally(updated=1)
    existing.refresh_from_db()
    assert (existing.sourced_id, existing.full_name) == ("t-1", "Rowan Webb")


def test_schools_made_by_hand_are_adopted_by_name(tmp_path):
    district = DistrictFactory(name="Larkfield Unified")
    elm = SchoolFactory(district=district, name="Elm Row Elementary")

    summary = run(write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")]))

    assert summary.districts == Tally(updated=1)
    assert summary.schools == Tally(created=1, updated=1)
    elm.refresh_from_db()
    assert elm.sourced_id == "sch-1"
    assert School.objects.count() == 2


def test_an_email_that_belongs_to_someone_else_is_skipped(tmp_path):
    UserFactory(email="rowan.webb@larkfield.example.org", sourced_id="other-system-7")
    path = write_oneroster(tmp_path, ORGS, [user("t-0", "Ann", "Lee"), user("t-1", "Rowan", "Webb")])

    summary = run(path)

    assert skips(summary) == [
        'users.csv:3: email "rowan.webb@larkfield.example.org" already belongs to someone else in Rapport '
        '(sourcedId "other-system-7"): the person is left out'
    ]
    assert summary.people == Tally(created=1)
    assert not User.objects.filter(sourced_id="t-1").exists()


def test_a_failure_while_writing_leaves_the_database_as_it_was(monkeypatch):
    def disk_full(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Role.objects, "bulk_create", disk_full)  # after districts, schools and people

    with pytest.raises(DatabaseError):
        run(DATA / "oneroster")
    assert database_state() == [[], [], [], [], []]


def test_every_bad_row_is_skipped_with_its_line_and_the_rest_imports(tmp_path):
    users = [
        user("t-1", "Ann", "Lee", email="ann@"),
        user("t-1", "Bob", "Ray"),
        user("t-3", "Cy", "Tan", email="BOB.RAY@larkfield.example.org"),
        user("t-4", "Di", "Fo", orgs="sch-9"),
        user("t-5", "Ed", "Gu", role="janitor"),
        user("t-6", "Flo", "Ha", enabledUser="maybe"),
        user("t-7", "", "", email="nobody@larkfield.example.org"),
        user("t-8", "Gil", "Ives", email="", username="gives"),
        user("a-9", "Hal", "Jo", role="administrator", orgs=""),
        user("s-1", "Kid", "One", role="student", email="not an address"),
        user("t-10", "Ivy", "Kay"),
    ]
    path = write_oneroster(tmp_path, ORGS, users)
    no_role = "has no role Rapport can use (the lines above say why): the person is left out"

    summary = run(path)

    assert skips(summary) == [
        'users.csv:2: email "ann@" is not a valid address',
        'users.csv:3: sourcedId "t-1" is already used on line 2',
        # Line 3 was skipped, so its address is free for line 4.
        f"users.csv:5: {no_role}",
        'users.csv:5: org "sch-9" is neither in orgs.csv nor in Rapport: no role there',
        f"users.csv:6: {no_role}",
        'users.csv:6: role "janitor" is not a OneRoster role (administrator, aide, counselor, '
        "districtadministrator, guardian, parent, principal, proctor, relative, siteadministrator, student, "
        "systemadministrator, teacher)",
        "users.csv:8: the name (givenName, familyName) is empty",
        "users.csv:9: no email address (email is empty and username is not an address): "
        "the person is left out",
        "users.csv:10: orgSourcedIds is empty",
        f"users.csv:11: a student: {STAFF_ONLY}",
    ]
    assert notes(summary) == ['users.csv:7: enabledUser "maybe" is not true or false: read as true']
    assert set(User.objects.values_list("sourced_id", flat=True)) == {"t-3", "t-6", "t-10"}


def test_line_numbers_count_lines_as_a_spreadsheet_shows_them(tmp_path):
    # A quoted cell may span lines; the next row's number must still be right.
    users = [user("t-1", "Rowan", "Webb", middleName="two\nlines"), user("t-2", "Ann", "Lee", email="ann@")]
    path = write_oneroster(tmp_path, ORGS, users)

    assert skips(run(path)) == ['users.csv:4: email "ann@" is not a valid address']


def test_orgs_are_checked_too(tmp_path):
    orgs = [
        DISTRICT,
        {"sourcedId": "dist-2", "name": "Second District", "type": "district"},
        school("sch-1", "Elm Row Elementary", parent=""),
        {"sourcedId": "sch-2", "name": "Campus", "type": "campus"},
        school("sch-1", "Elm Row Again"),
    ]
    path = write_oneroster(tmp_path, orgs, [user("t-1", "Rowan", "Webb")])

    summary = run(path)

    assert skips(summary) == ['orgs.csv:6: sourcedId "sch-1" is already used on line 4']
    # Two districts, and the school names neither: Rapport cannot tell, so it makes one.
    assert notes(summary) == [
        'orgs.csv:4: school "Elm Row Elementary" is under no district in the set: it goes to the district '
        '"Elm Row Elementary", which Rapport made for it',
        'orgs.csv:5: type "campus" is not a OneRoster org type: the org holds no school',
    ]
    assert School.objects.get(sourced_id="sch-1").district.name == "Elm Row Elementary"
    assert run(path).districts == Tally(unchanged=2)  # and the made district is not made twice
    assert District.objects.count() == 3


def test_a_school_under_a_department_finds_its_district_and_a_sole_district_needs_no_parent(tmp_path):
    orgs = [
        DISTRICT,
        {"sourcedId": "area-n", "name": "North Area", "type": "local", "parentSourcedId": "dist-1"},
        school("sch-1", "Elm Row Elementary", parent="area-n"),
        school("sch-2", "Quarry Hill Middle", parent=""),
    ]
    run(write_oneroster(tmp_path, orgs, [user("t-1", "Rowan", "Webb", orgs="sch-1,sch-2")]))

    assert set(School.objects.values_list("district__sourced_id", flat=True)) == {"dist-1"}


def test_missing_columns_are_named_for_every_file(tmp_path):
    write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")])
    (tmp_path / "orgs.csv").write_text("sourcedId,title\ndist-1,Larkfield\n")
    (tmp_path / "users.csv").write_text("sourcedId,role,givenName\nt-1,teacher,Rowan\n")

    assert errors(tmp_path) == [
        "orgs.csv:1: missing required column(s): name, type",
        "users.csv:1: missing required column(s): familyName",
    ]


def test_a_manifest_says_what_it_can_and_is_never_a_reason_to_refuse(tmp_path):
    manifest = [
        ("oneroster.version", "1.0"),
        ("file.orgs", "bulk"),
        ("file.users", "absent"),
        ("file.classes", "bulk"),
        ("file.courses", "sometimes"),
        ("file.scoreScales", ""),
        ("file.roles", "delta"),
    ]
    path = write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")], manifest=manifest)

    summary = run(path)

    assert summary.people.created == 1
    assert (summary.version, summary.mode) == ("1.0", "bulk")
    assert notes(summary) == [
        "manifest.csv:4: file.users says absent, but users.csv is in the set: it is read",
        "manifest.csv:8: file.roles says delta, but the set has no roles.csv",
    ]


def test_a_version_rapport_does_not_know_is_refused(tmp_path):
    manifest = [("manifest.version", "1.0"), ("oneroster.version", "2.0")]
    path = write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")], manifest=manifest)

    assert errors(path) == [
        'manifest.csv:3: oneroster.version is "2.0"; Rapport imports OneRoster 1.0, 1.1 and 1.2'
    ]


def test_a_roster_without_a_manifest_is_fine(tmp_path):
    summary = run(write_oneroster(tmp_path, ORGS, [user("t-1", "Rowan", "Webb")], manifest=None))

    assert summary.people.created == 1


def test_archives_that_cannot_be_a_oneroster_roster():
    orgs_csv = (DATA / "oneroster" / "orgs.csv").read_bytes()

    assert upload_errors("roster.zip", zip_bytes({"staff.csv": b"name,email\n"})) == [
        "roster.zip: is not a OneRoster set: it holds none of manifest.csv, orgs.csv, users.csv"
    ]
    assert upload_errors("roster.zip", b"PK\x03\x04 but not really a zip") == [
        "roster.zip: is not a readable zip archive"
    ]
    assert upload_errors("staff.zip", zip_bytes({"xl/workbook.xml": b"<workbook/>"})) == [
        "staff.zip: is an Excel workbook: save each sheet as “CSV UTF-8” instead"
    ]
    two = zip_bytes({"a/users.csv": b"x", "b/users.csv": b"y", "orgs.csv": orgs_csv})
    assert upload_errors("roster.zip", two) == [
        "roster.zip: holds two files named users.csv: import one OneRoster set at a time"
    ]


def test_a_zip_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.RAPPORT_ROSTER_MAX_BYTES = 1024 * 1024
    bomb = zip_bytes({"users.csv": b"a" * (2 * 1024 * 1024), "orgs.csv": b"b"})

    assert upload_errors("roster.zip", bomb) == ["roster.zip: unpacks to more than 1 MB"]


def test_format_mismatches_are_explained(tmp_path):
    assert errors(DATA / "plain.csv", "oneroster") == [
        "plain.csv: a OneRoster set is a zip or folder of CSV files: import one of those"
    ]
    assert errors(DATA / "oneroster", "csv") == [
        "oneroster: a plain CSV import takes one .csv file, not a zip or folder"
    ]
    assert errors(DATA / "oneroster" / "users.csv") == [
        "users.csv:1: this is OneRoster's users.csv: import it in a zip or folder with orgs.csv"
    ]
    assert errors(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such file or folder"]


def test_progress_is_reported_as_rows_are_checked(tmp_path):
    seen = []

    import_roster(
        source_from_path(write_folder(tmp_path, district_export(1200, schools=20, version="1.1"))),
        progress=lambda *p: seen.append(p),
    )

    total = 21 + 1200  # orgs.csv and users.csv
    assert [step for step in seen if step[0] == "reading"] == [
        ("reading", 0, total),
        ("reading", 500, total),
        ("reading", 1000, total),
        ("reading", total, total),
    ]
    assert ("matching", 1200, 1200) in seen
    stage, done, total = seen[-1]
    assert (stage, done) == ("writing", total)


# --- Reading any CSV ----------------------------------------------------------------------------


def test_encodings(tmp_path):
    good = csv_bytes(
        PLAIN_COLUMNS, [{"name": "Zoë Ames", "email": "zoe@x.example.org", "school": "Elm", "role": "coach"}]
    )
    DistrictFactory()

    assert upload_errors("latin1.csv", good.decode().encode("latin-1")) == [
        "latin1.csv:2: is not UTF-8 text (byte 0xeb cannot be read): "
        "save the file as “CSV UTF-8” and import it again"
    ]
    assert upload_errors("utf16.csv", good.decode().encode("utf-16")) == [
        "utf16.csv: is UTF-16 text, not UTF-8: save it as “CSV UTF-8” and import it again"
    ]
    import_roster(source_from_upload("bom.csv", codecs.BOM_UTF8 + good))
    assert User.objects.get().full_name == "Zoë Ames"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "staff.csv: the file is empty"),
        (b" \r\n\r\n", "staff.csv: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "staff.csv: is not a CSV file (it holds binary data)"),
        (
            b"Dear colleagues, here is the list you asked for.\n",
            "staff.csv:1: missing required column(s): name, email, school, role; "
            "is it a CSV file with a header row?",
        ),
        (
            b"name;email;school;role\nAnn;ann@x.example.org;Elm;coach\n",
            "staff.csv:1: missing required column(s): name, email, school, role; "
            "its columns seem separated by semicolons: save it with commas",
        ),
        (b"name,email,school,role,email\n", "staff.csv:1: column(s) given twice: email"),
        (
            b'name,email,school,role\n"' + b"x" * 200_000 + b'",a@x.example.org,Elm,coach\n',
            "staff.csv:2: is not valid CSV (field larger than field limit (131072))",
        ),
    ],
    ids=["empty", "blank", "binary", "prose", "semicolons", "twice", "huge-cell"],
)
def test_files_that_are_not_a_usable_csv(data, expected):
    assert upload_errors("staff.csv", data) == [expected]


# --- Plain CSV -------------------------------------------------------------------------------------


def test_plain_csv_with_friendly_role_spellings_and_a_coaching_pair():
    DistrictFactory(name="Fernhill District")

    summary = run(DATA / "plain.csv")

    assert summary.people == Tally(created=4)
    assert summary.schools == Tally(created=2)
    assert summary.pairs == Tally(created=1)
    assert roles_of("juno.marsh@fernhill.example.org") == {("coach", "Fernhill Primary")}
    assert roles_of("omar.reed@fernhill.example.org") == {("school_leader", "Fernhill Primary")}
    assert roles_of("lila.stone@fernhill.example.org") == {
        ("teacher", "Fernhill Primary"),
        ("teacher", "Brook Lane Middle"),
    }
    pair = Relationship.objects.select_related("coach", "teacher", "school").get()
    assert (pair.coach.full_name, pair.teacher.full_name, pair.school.name, pair.focus) == (
        "Juno Marsh",
        "Ezra Vale",
        "Fernhill Primary",
        "Reading workshop",
    )

    again = run(DATA / "plain.csv")

    assert (again.people, again.schools, again.pairs) == (
        Tally(unchanged=4),
        Tally(unchanged=2),
        Tally(unchanged=1),
    )
    assert Relationship.objects.count() == 1


def test_plain_csv_district_column_and_district_wide_roles(tmp_path):
    columns = [*PLAIN_COLUMNS, "District"]
    rows = [
        {
            "name": "Ann Lee",
            "email": "ann@x.example.org",
            "school": "Elm",
            "role": "teacher",
            "District": "North",
        },
        {
            "name": "Cleo Moss",
            "email": "cleo@x.example.org",
            "school": "",
            "role": "coach-lead",
            "District": "North",
        },
        {
            "name": "Dan Oak",
            "email": "dan@x.example.org",
            "school": "Elm",
            "role": "district leader",
            "District": "North",
        },
    ]

    summary = run(plain(tmp_path, rows, columns))

    assert summary.districts == Tally(created=1)
    north = District.objects.get(name="North")
    assert roles_of("cleo@x.example.org") == {("coach_lead", None)}
    assert roles_of("dan@x.example.org") == {("district_leader", None)}
    assert set(Role.objects.values_list("district", flat=True)) == {north.pk}


def test_plain_csv_needs_a_district_when_rapport_cannot_tell(tmp_path):
    row = {"name": "Ann Lee", "email": "ann@x.example.org", "school": "Elm", "role": "teacher"}
    path = plain(tmp_path, [row])
    expected = [
        'staff.csv:2: cannot tell which district school "Elm" is in: add a district column',
        "staff.csv:2: has no role Rapport can use (the lines above say why): the person is left out",
        "staff.csv:2: its school is left out (see the school's line): no role there",
    ]

    assert skips(run(path)) == expected

    DistrictFactory(name="North")
    DistrictFactory(name="South")
    assert skips(run(path)) == expected
    assert not User.objects.exists()


def test_plain_csv_finds_an_existing_school_by_name_in_any_district(tmp_path):
    DistrictFactory(name="North")
    elm = SchoolFactory(name="Elm Row Elementary")
    row = {"name": "Ann Lee", "email": "ann@x.example.org", "school": "elm row elementary", "role": "teacher"}

    summary = run(plain(tmp_path, [row]))

    assert summary.schools == Tally(unchanged=1)
    assert Role.objects.get().school == elm


def test_plain_csv_updates_a_person_imported_from_oneroster_by_email(tmp_path):
    run(DATA / "oneroster")
    row = {
        "name": "Rowan Webb-Ito",
        "email": "Rowan.Webb@larkfield.example.org",
        "school": "Elm Row Elementary",
        "role": "coach",
    }

    summary = run(plain(tmp_path, [row]))

    assert summary.people == Tally(updated=1)
    rowan = User.objects.get(sourced_id="t-100")
    assert rowan.full_name == "Rowan Webb-Ito"
    assert roles_of(rowan.email) == {("teacher", "Elm Row Elementary"), ("coach", "Elm Row Elementary")}


def test_plain_csv_row_problems(tmp_path, world):
    columns = [*PLAIN_COLUMNS, "coach_email", "focus"]
    rows = [
        {"name": "Ann Lee", "email": "ann@x.example.org", "school": "Home School", "role": "janitor"},
        {"name": "", "email": "bob@", "school": "Home School", "role": "teacher"},
        {"name": "Cy Tan", "email": "cy@x.example.org", "school": "", "role": "coach"},
        {
            "name": "Di Fo",
            "email": "di@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "focus": "Math",
        },
        {
            "name": "Ed Gu",
            "email": "ed@x.example.org",
            "school": "Home School",
            "role": "coach",
            "coach_email": "cora@x.example.org",
        },
        {
            "name": "Flo Ha",
            "email": "flo@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "coach_email": "flo@x.example.org",
        },
        {
            "name": "Gil Ives",
            "email": "gil@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "coach_email": "ghost@x.example.org",
        },
        {
            "name": "Hal Jo",
            "email": "hal@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "coach_email": world.teacher.email,
        },
        {
            "name": "Ivy Kay",
            "email": "ivy@x.example.org",
            "school": "Home School; Other School",
            "role": "teacher",
            "coach_email": world.coach.email,
        },
        {
            "name": "Jo Lin",
            "email": "IVY@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "coach_email": world.coach.email,
        },
        {
            "name": "Kai Mo",
            "email": "kai@x.example.org",
            "school": "Home School",
            "role": "teacher",
            "coach_email": world.coach.email,
        },
    ]
    summary = run(plain(tmp_path, rows, columns))

    assert skips(summary) == [
        'staff.csv:2: role "janitor" is not one of: coach, teacher, school leader, district leader, '
        "coach lead, site administrator",
        'staff.csv:3: email "bob@" is not a valid address',
        "staff.csv:3: name is empty",
        "staff.csv:4: a coach needs a school",
        "staff.csv:5: focus is given without a coach_email",
        "staff.csv:6: coach_email is for teachers' rows only",
        "staff.csv:7: coach_email is the teacher's own address",
        'staff.csv:8: coach_email "ghost@x.example.org" is neither in the file nor in Rapport: no pair',
        'staff.csv:9: coach_email "teacher@example.test" is not a coach: no pair',
        "staff.csv:10: a row with a coach_email names exactly one school",
        'staff.csv:11: email "ivy@x.example.org" is already used on line 10',
    ]
    # The teachers whose coach could not be found are imported, without the pair.
    assert set(User.objects.filter(email__endswith="x.example.org").values_list("email", flat=True)) == {
        "gil@x.example.org",
        "hal@x.example.org",
        "kai@x.example.org",
    }
    assert Relationship.objects.filter(teacher__email="kai@x.example.org", coach=world.coach).exists()


def test_plain_csv_pairs_a_teacher_with_a_coach_already_in_rapport(tmp_path, world):
    columns = [*PLAIN_COLUMNS, "coach_email", "focus"]
    row = {
        "name": "Kai Mo",
        "email": "kai@x.example.org",
        "school": "Home School",
        "role": "teacher",
        "coach_email": world.coach.email,
        "focus": "Math",
    }

    summary = run(plain(tmp_path, [row], columns))

    assert summary.pairs == Tally(created=1)
    assert Relationship.objects.get(teacher__email="kai@x.example.org").coach == world.coach


def test_a_roster_naming_another_coach_never_re_points_the_relationship(tmp_path, world):
    columns = [*PLAIN_COLUMNS, "coach_email", "focus"]
    row = {
        "name": world.teacher.full_name,
        "email": world.teacher.email,
        "school": "Home School",
        "role": "teacher",
        "coach_email": world.other_coach.email,
        "focus": world.relationship.focus,
    }

    summary = run(plain(tmp_path, [row], columns))

    assert summary.pairs == Tally()
    assert "already has a coach for this focus" in str(summary.skipped)
    assert list(Relationship.objects.filter(teacher=world.teacher).values_list("coach", "ended_on")) == [
        (world.coach.pk, None)
    ]

    world.relationship.ended_on = world.relationship.started_on
    world.relationship.save()
    summary = run(plain(tmp_path, [row], columns))

    assert summary.pairs == Tally(created=1)
    assert Relationship.objects.active().get(teacher=world.teacher).coach == world.other_coach
    assert Relationship.objects.get(pk=world.relationship.pk).coach == world.coach


# --- Speed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_two_thousand_people_take_a_small_constant_number_of_queries(
    tmp_path, django_assert_max_num_queries, version
):
    path = write_folder(tmp_path, district_export(2000, schools=20, version=version))

    # SQLite's backend splits inserts to fit its 999-parameter limit, hence the
    # headroom; one query per row would be thousands.
    with django_assert_max_num_queries(60):
        summary = run(path)
    assert summary.people.created == 2000
    assert summary.roles_added == 2000

    with django_assert_max_num_queries(15):
        summary = run(path)
    assert summary.people.unchanged == 2000


# --- Anything at all ------------------------------------------------------------------------------

ANY_CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
PLAIN_ROW = st.fixed_dictionaries(
    {
        column: st.one_of(ANY_CELL, st.sampled_from(["coach", "teacher", "Elm", "a@x.example.org"]))
        for column in PLAIN_COLUMNS
    }
)


def _imports_or_refuses_cleanly(name: str, data: bytes) -> None:
    """Refused with a reason and nothing written; or imported as previewed, and then settled."""
    before = database_state()
    try:
        previewed = import_roster(source_from_upload(name, data), dry_run=True)
    except RosterInvalid as invalid:
        problems = invalid.errors
    else:
        problems = None
    assert database_state() == before  # a refusal, like a preview, writes nothing
    if problems is not None:
        assert problems
        return
    summary = import_roster(source_from_upload(name, data))
    assert (summary.people, summary.schools, summary.roles_added, summary.skipped) == (
        previewed.people,
        previewed.schools,
        previewed.roles_added,
        previewed.skipped,
    )
    after = database_state()
    again = import_roster(source_from_upload(name, data))
    assert again.changes == 0
    assert database_state() == after


HYPOTHESIS = hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(name=st.sampled_from(["roster.csv", "roster.zip"]), data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_or_half_write(db, name, data):
    _imports_or_refuses_cleanly(name, data)


GOOD_ZIP = zip_folder(DATA / "oneroster")


@HYPOTHESIS
@given(
    damage=st.lists(st.tuples(st.integers(0, len(GOOD_ZIP) - 1), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_damaged_zips_never_raise_or_half_write(db, damage):
    data = bytearray(GOOD_ZIP)
    for position, value in damage:
        data[position] = value
    _imports_or_refuses_cleanly("roster.zip", bytes(data))


@HYPOTHESIS
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises_or_half_writes(db, text):
    _imports_or_refuses_cleanly("roster.csv", text.encode("utf-8", "surrogatepass"))


@HYPOTHESIS
@given(rows=st.lists(PLAIN_ROW, max_size=6))
def test_arbitrary_plain_rows_never_raise_or_half_write(db, rows):
    District.objects.get_or_create(name="Larkfield Unified")  # so that some rows can import
    _imports_or_refuses_cleanly("roster.csv", csv_bytes(PLAIN_COLUMNS, rows))


@HYPOTHESIS
@given(users=st.lists(st.fixed_dictionaries(dict.fromkeys(USER_COLUMNS, ANY_CELL)), max_size=5))
def test_arbitrary_oneroster_users_never_raise_or_half_write(db, tmp_path_factory, users):
    folder = write_oneroster(tmp_path_factory.mktemp("roster"), ORGS, users, manifest=MANIFEST)
    _imports_or_refuses_cleanly("roster.zip", zip_folder(folder))


def test_parse_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        roster = parse(source_from_path(DATA / "oneroster"))
    assert len(roster.people) == 5


def test_values_too_long_for_rapport_are_skipped(tmp_path):
    users = [user("t" * 256, "Rowan", "Webb"), user("t-2", "A" * 150, "B" * 60)]

    assert skips(run(write_oneroster(tmp_path, ORGS, users))) == [
        "users.csv:2: sourcedId is longer than 255 characters",
        "users.csv:3: the name (givenName, familyName) is longer than 200 characters",
    ]
