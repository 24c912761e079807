"""OneRoster 1.1 and 1.2 sets as student information systems export them (tests/people/oneroster_sets.py).

Each set imports what can be used, skips what cannot with its file, line and reason,
previews exactly what it then writes, and changes nothing when imported again.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.people.models import District, ImportRun, Role, School, User
from rapport.relationships.models import Relationship
from rapport.roster.importer import RosterInvalid, Summary, Tally, import_roster, source_from_upload
from tests.factories import DistrictFactory, NoteFactory, RelationshipFactory, UserFactory
from tests.people.oneroster_sets import (
    MANIFEST_ONLY,
    MINIMAL_1_1,
    SIS_1_1,
    SIS_1_2,
    SIS_1_2_DELTA,
    SPREADSHEET_1_1,
    zipped,
)
from tests.people.test_roster_import import STAFF_ONLY, database_state, notes, skips

pytestmark = pytest.mark.django_db

NO_ROLE = "has no role Rapport can use (the lines above say why): the person is left out"
TAMSIN_HARBOR = "f1e2d3c4-0000-4000-8000-000000000011"
TAMSIN_SEACLIFF = "f1e2d3c4-0000-4000-8000-000000000012"


def imported(files: dict[str, bytes], folder: str = "") -> Summary:
    """Preview, import and import again, checking what a district would count on at each step."""
    data = zipped(files, folder)
    before = database_state()
    previewed = import_roster(source_from_upload("export.zip", data), dry_run=True)
    assert database_state() == before
    summary = import_roster(source_from_upload("export.zip", data))
    assert (previewed.people, previewed.schools, previewed.districts) == (
        summary.people,
        summary.schools,
        summary.districts,
    )
    assert (previewed.roles_added, previewed.roles_ended, previewed.deactivated, previewed.skipped) == (
        summary.roles_added,
        summary.roles_ended,
        summary.deactivated,
        summary.skipped,
    )
    after = database_state()
    again = import_roster(source_from_upload("export.zip", data))
    assert (again.changes, again.deactivated) == (0, 0)
    assert database_state() == after
    return summary


def roles(sourced_id: str) -> set[tuple[str, str]]:
    return {
        (role.kind, (role.school or role.district).name)
        for role in Role.objects.filter(user__sourced_id=sourced_id).select_related("school", "district")
    }


def test_a_1_1_bulk_export_with_every_file_and_quoted_fields():
    summary = imported(SIS_1_1)

    assert (summary.version, summary.mode, summary.source_system) == ("1.1", "bulk", "Heronsgate SIS")
    assert summary.described == "OneRoster 1.1, bulk, from Heronsgate SIS"
    assert (summary.districts, summary.schools, summary.people) == (
        Tally(created=1),
        Tally(created=2),
        Tally(created=6),
    )
    assert skips(summary) == [
        "users.csv:6: no email address (email is empty and username is not an address): "
        "the person is left out",
        f"users.csv:9: a student: {STAFF_ONLY}",
        f"users.csv:10: a student: {STAFF_ONLY}",
        f"users.csv:11: a guardian: {STAFF_ONLY}",
    ]
    assert notes(summary) == []
    assert roles("T-50018") == {
        ("teacher", "Birchwood Elementary School"),
        ("teacher", "Marlow Valley High School"),
    }
    # A teacher whose only org is a department teaches at the department's school.
    assert roles("T-50019") == {("teacher", "Marlow Valley High School")}
    assert roles("A-7001") == {("school_leader", "Marlow Valley High School")}
    assert roles("A-7002") == {("district_leader", "Marlow Valley School District")}
    assert User.objects.get(sourced_id="T-50018").email == "dokafor@marlowvalley.k12.example.us"
    assert User.objects.get(sourced_id="T-50020").email == "gwen.ashby@marlowvalley.k12.example.us"


@freeze_time("2026-09-01")
def test_a_1_2_bulk_export_with_roles_and_user_profiles():
    summary = imported(SIS_1_2, folder="TamsinBay_OneRoster_20260802/")

    assert (summary.version, summary.mode, summary.source_system) == ("1.2", "bulk", "Kestrel Campus")
    assert (summary.districts, summary.schools, summary.people) == (
        Tally(created=1),
        Tally(created=2),
        Tally(created=7),
    )
    assert skips(summary) == [
        f"users.csv:7: a counselor: {STAFF_ONLY}",
        "users.csv:8: a system administrator: "
        "Rapport's administrators are named in Rapport, never by a roster",
        f"users.csv:11: a student: {STAFF_ONLY}",
    ]
    mari = User.objects.get(sourced_id="u-3001")
    assert (mari.full_name, mari.email) == ("Mari Nakamura", "mnakamura@tamsinbay.example.org")
    assert roles("u-3001") == {("teacher", "Harbor Lights Elementary")}
    # No email in users.csv: the address is the user profile's username.
    assert User.objects.get(sourced_id="u-3002").email == "thomas.quinn@tamsinbay.example.org"
    assert roles("u-3003") == {("school_leader", "Seacliff Middle School")}
    assert roles("u-3004") == {("district_leader", "Tamsin Bay Unified")}
    assert roles("u-3005") == {("district_leader", "Tamsin Bay Unified")}
    assert not User.objects.get(sourced_id="u-3008").is_active  # enabledUser FALSE
    # A teacher and parent is imported as a teacher; the role that ended in June is not given.
    assert roles("u-3009") == {("teacher", "Seacliff Middle School")}
    assert not User.objects.filter(sourced_id__in=["u-3006", "u-3007", "u-9001"]).exists()


@freeze_time("2026-09-08")
def test_a_1_2_delta_deactivates_ends_roles_and_never_touches_coaching():
    with freeze_time("2026-09-01"):
        imported(SIS_1_2)
    mari = User.objects.get(sourced_id="u-3001")
    coach = UserFactory(full_name="Rosa Ito")
    relationship = RelationshipFactory(
        coach=coach, teacher=mari, school=School.objects.get(sourced_id=TAMSIN_HARBOR)
    )
    note = NoteFactory(relationship=relationship)
    members = (relationship.coach_id, relationship.teacher_id, relationship.ended_on)

    summary = imported(SIS_1_2_DELTA)

    assert summary.mode == "delta"
    assert summary.people == Tally(created=1, updated=3)
    assert (summary.deactivated, summary.roles_ended, summary.roles_added) == (1, 2, 2)
    assert skips(summary) == ['users.csv:4: is to be deleted, but Rapport has no one with sourcedId "u-4404"']
    mari.refresh_from_db()
    assert (mari.is_active, roles("u-3001")) == (False, set())
    # The schools are not in the delta: the new teacher's is found in Rapport by its sourcedId.
    assert roles("u-3010") == {("teacher", "Harbor Lights Elementary")}
    assert roles("u-3009") == set()  # its one role's row is tobedeleted
    assert roles("u-3003") == {
        ("school_leader", "Seacliff Middle School"),
        ("school_leader", "Harbor Lights Elementary"),
    }
    relationship.refresh_from_db()
    assert (relationship.coach_id, relationship.teacher_id, relationship.ended_on) == members
    note.refresh_from_db()  # still there
    assert note.relationship_id == relationship.pk


def test_a_spreadsheet_re_saved_set_with_every_org_type_and_no_district():
    summary = imported(SPREADSHEET_1_1)

    assert notes(summary) == [
        'ORGS.csv:4: local org "Fenmoor Local Authority" has schools under no district: '
        "Rapport takes it as their district",
        'ORGS.csv:6: school "Saltmarsh Academy" is under no district in the set: it goes to the district '
        '"Saltmarsh Academy", which Rapport made for it',
    ]
    assert skips(summary) == [
        f"Users.csv:8: {NO_ROLE}",
        'Users.csv:8: org "ST-7" is a state org: Rapport has no role above a district',
        f"Users.csv:9: {NO_ROLE}",
        'Users.csv:9: org "NAT-1" is a national org: Rapport has no role above a district',
    ]
    assert dict(School.objects.values_list("name", "district__name")) == {
        "Fenmoor Primary": "Fenmoor Local Authority",
        "Saltmarsh Academy": "Saltmarsh Academy",
    }
    bart = User.objects.get(sourced_id="U-2")
    assert (bart.full_name, bart.email) == (
        "Bartholomew (Bart) Okonjo-Reyes",
        "bart.okonjo@fenmoor.example.sch.uk",
    )
    assert roles("U-2") == {("teacher", "Fenmoor Primary"), ("teacher", "Saltmarsh Academy")}
    assert User.objects.get(sourced_id="U-1").full_name == "Aoife O'Neill, Jr."
    assert roles("U-3") == {("school_leader", "Saltmarsh Academy")}
    assert roles("U-4") == {("district_leader", "Fenmoor Local Authority")}


def test_a_minimal_set_whose_school_has_a_parent_the_set_leaves_out():
    summary = imported(MINIMAL_1_1)

    assert summary.version == "1.1"
    assert summary.people == Tally(created=1)
    assert skips(summary) == [f"users.csv:3: a student: {STAFF_ONLY}"]
    assert notes(summary) == [
        'orgs.csv:2: school "Juniper Ridge Elementary" is under no district in the set: it goes to the '
        'district "Juniper Ridge Elementary", which Rapport made for it'
    ]


def test_a_school_whose_parent_is_a_district_rapport_has_goes_there():
    juniper = DistrictFactory(name="Juniper Unified", sourced_id="9a11")
    DistrictFactory(name="Another District")

    summary = imported(MINIMAL_1_1)

    assert notes(summary) == []
    assert School.objects.get().district == juniper


def test_a_school_of_a_set_with_no_district_goes_to_rapports_only_district():
    larkfield = DistrictFactory(name="Larkfield Unified")
    files = {**MINIMAL_1_1, "orgs.csv": MINIMAL_1_1["orgs.csv"].replace(b",9a11", b",")}

    summary = imported(files)

    assert School.objects.get().district == larkfield
    assert notes(summary) == [
        'orgs.csv:2: school "Juniper Ridge Elementary" is under no district in the set: '
        'it goes to Rapport\'s district "Larkfield Unified"'
    ]


def test_the_manifest_alone_means_nothing_changed():
    summary = imported(MANIFEST_ONLY)

    assert (summary.changes, summary.skipped, summary.version) == (0, [], "1.2")
    assert not District.objects.exists()


def test_a_1_2_users_file_without_its_roles_is_refused_whole():
    files = {name: data for name, data in SIS_1_2.items() if name != "roles.csv"}

    with pytest.raises(RosterInvalid) as refused:
        import_roster(source_from_upload("export.zip", zipped(files)))

    assert [str(error) for error in refused.value.errors] == [
        "users.csv:1: has no role and orgSourcedIds columns, and the set has no roles.csv "
        "(OneRoster 1.2 keeps each person's roles there): export the set with its roles.csv"
    ]


def test_an_unreadable_file_refuses_the_whole_set():
    users = SIS_1_1["users.csv"].replace(b"Marchetti", "Marchetti-Müller".encode("latin-1"))

    with pytest.raises(RosterInvalid) as refused:
        import_roster(source_from_upload("export.zip", zipped({**SIS_1_1, "users.csv": users})))

    assert [str(error) for error in refused.value.errors] == [
        "users.csv:4: is not UTF-8 text (byte 0xfc cannot be read): "
        "save the file as “CSV UTF-8” and import it again"
    ]
    assert database_state() == [[], [], [], [], []]


def test_the_summary_of_a_run_recorded_before_skips_had_lines_still_reads():
    old = {
        "format": "oneroster",
        "people": {"created": 5, "updated": 0, "unchanged": 0},
        "schools": {"created": 2, "updated": 0, "unchanged": 0},
        "districts": {"created": 1, "updated": 0, "unchanged": 0},
        "pairs": {"created": 0, "updated": 0, "unchanged": 0},
        "roles_added": 6,
        "deactivated": 0,
        "skipped": {"student": 2},
    }
    run = ImportRun.objects.create(file_name="old.zip", status="succeeded", counts=old)

    summary = Summary.from_json(run.counts)

    assert (summary.people.created, summary.skipped_count) == (5, 2)


def test_relationships_are_never_repointed_by_an_import():
    """A relationship's coach and teacher stay who they were, whatever a later roster says of them."""
    imported(SIS_1_1)
    teacher = User.objects.get(sourced_id="T-50017")
    coach = User.objects.get(sourced_id="T-50018")
    relationship = RelationshipFactory(coach=coach, teacher=teacher, school=teacher.roles.get().school)
    # The export now gives the teacher's sourcedId to someone else's row, and her address to another.
    users = SIS_1_1["users.csv"].replace(b'"T-50017"', b'"T-60001"').replace(b'"T-50018"', b'"T-50017"')

    import_roster(source_from_upload("export.zip", zipped({**SIS_1_1, "users.csv": users})))

    assert Relationship.objects.get(pk=relationship.pk).member_ids() == {coach.pk, teacher.pk}
    assert Relationship.objects.count() == 1


# --- Robustness: any damage to a real set ------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
ROSTER_FILES = ["manifest.csv", "orgs.csv", "users.csv", "roles.csv", "userProfiles.csv"]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


@st.composite
def damaged_sets(draw) -> dict[str, bytes]:
    """SIS_1_2 with cells rewritten, columns shuffled, rows dropped or repeated, files left out."""
    files = dict(SIS_1_2)
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(ROSTER_FILES))
        if name not in files:
            continue
        rows = _rows(files[name])
        action = draw(
            st.sampled_from(["cell", "cell", "cell", "shuffle", "drop", "repeat", "remove", "header"])
        )
        if action == "cell":
            row = draw(st.integers(0, len(rows) - 1))
            column = draw(st.integers(0, len(rows[row]) - 1))
            rows[row][column] = draw(
                st.one_of(
                    ANY_TEXT,
                    st.sampled_from(["", "tobedeleted", "student", TAMSIN_HARBOR, "u-3001", "FALSE"]),
                )
            )
        elif action == "shuffle":
            order = draw(st.permutations(range(len(rows[0]))))
            rows = [[row[i] if i < len(row) else "" for i in order] for row in rows]
        elif action == "drop" and len(rows) > 1:
            del rows[draw(st.integers(1, len(rows) - 1))]
        elif action == "repeat" and len(rows) > 1:
            rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
        elif action == "header":
            rows[0] = [draw(st.sampled_from([cell.upper(), cell.lower(), f" {cell} "])) for cell in rows[0]]
        if action == "remove":
            del files[name]
        else:
            files[name] = _csv(rows)
    return files


@freeze_time("2026-09-01")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=damaged_sets())
def test_a_damaged_export_imports_what_it_can_or_is_refused_whole(files):
    """Never a crash; a preview that is what the import then writes; an import that is then settled."""
    Relationship.objects.all().delete()
    User.objects.all().delete()
    School.objects.all().delete()
    District.objects.all().delete()
    data = zipped(files)
    try:
        previewed = import_roster(source_from_upload("export.zip", data), dry_run=True)
    except RosterInvalid as invalid:
        problems = invalid.errors
    else:
        problems = None
    assert database_state() == [[], [], [], [], []]
    if problems is not None:
        assert problems  # refused whole, with the reason
        return
    summary = import_roster(source_from_upload("export.zip", data))
    assert (summary.people, summary.schools, summary.districts, summary.skipped) == (
        previewed.people,
        previewed.schools,
        previewed.districts,
        previewed.skipped,
    )
    assert User.objects.count() == summary.people.created
    after = database_state()
    assert import_roster(source_from_upload("export.zip", data)).changes == 0
    assert database_state() == after


@pytest.mark.parametrize(
    "breaks",
    [
        "District.bulk_create",
        "School.bulk_create",
        "User.bulk_create",
        "User.bulk_update",
        "Role.bulk_create",
    ],
)
def test_applying_is_all_or_nothing(monkeypatch, breaks):
    with freeze_time("2026-09-01"):
        imported(SIS_1_2)
    before = database_state()
    model, method = breaks.split(".")
    models = {"District": District, "School": School, "User": User, "Role": Role}

    def disk_full(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(models[model].objects, method, disk_full)
    changed = {
        **SIS_1_2,
        "orgs.csv": SIS_1_2["orgs.csv"]
        + b"f1e2d3c4-0000-4000-8000-000000000013,active,,Bayview High,school,BH,"
        b"f1e2d3c4-0000-4000-8000-000000000001,\n",
        "users.csv": SIS_1_2["users.csv"]
        .replace(b"Nakamura", b"Nakamura-Ellis")
        .replace(b"TRUE,lgrant", b"TRUE,lgrant"),
        "roles.csv": SIS_1_2["roles.csv"]
        + b"r-99,active,,u-3001,secondary,teacher,,,f1e2d3c4-0000-4000-8000-000000000013,\n",
    }
    if model == "District":
        changed["orgs.csv"] += b"d-2,active,,Second District,district,,\n"
    if model == "User" and method == "bulk_create":
        changed["users.csv"] += (
            b"u-5000,active,,true,new,,New,Person,,,new.person@tamsinbay.example.org,,,,,,,,,,,,,\n"
        )
        changed["roles.csv"] += (
            b"r-98,active,,u-5000,primary,teacher,,,f1e2d3c4-0000-4000-8000-000000000011,\n"
        )

    with freeze_time("2026-09-01"), pytest.raises(DatabaseError):
        import_roster(source_from_upload("export.zip", zipped(changed)))

    assert database_state() == before


@freeze_time("2026-09-01")
def test_someone_whose_every_role_has_ended_is_not_made_and_a_tobedeleted_row_changes_nothing_else():
    roles_csv = SIS_1_2["roles.csv"].replace(
        b",2026-08-17,,f1e2d3c4-0000-4000-8000-000000000011,",
        b",2025-08-18,2026-06-12,f1e2d3c4-0000-4000-8000-000000000011,",
    )
    summary = imported({**SIS_1_2, "roles.csv": roles_csv})

    assert "users.csv:2: has only roles that have ended: the person is left out" in skips(summary)
    assert not User.objects.filter(sourced_id="u-3001").exists()

    deleted = SIS_1_2_DELTA["users.csv"].replace(
        b"u-4404,tobedeleted,2026-08-09T06:00:00Z,,,,",
        b"u-3003,tobedeleted,2026-08-09T06:00:00Z,,,not-an-address,",
    )
    imported({**SIS_1_2_DELTA, "users.csv": deleted})

    elena = User.objects.get(sourced_id="u-3003")
    assert (elena.is_active, elena.email) == (False, "ebarros@tamsinbay.example.org")
