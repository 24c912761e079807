"""``manage.py import_roster``: a summary on success, every problem and a failing exit otherwise."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rapport.people.models import User
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "roster"


def test_prints_what_it_did():
    out = StringIO()

    call_command("import_roster", str(DATA / "oneroster"), stdout=out)

    assert out.getvalue().splitlines() == [
        "Imported oneroster (OneRoster 1.1, bulk, from Bluebell SIS).",
        "  People: 5 created, 0 updated, 0 unchanged (0 deactivated)",
        "  Roles: 6 added, 0 ended",
        "  Schools: 2 created, 0 updated, 0 unchanged",
        "  Districts: 1 created, 0 updated, 0 unchanged",
        "  Skipped: 3 rows",
        "Skipped:",
        "  users.csv lines 7-8: a student: Rapport keeps teachers and school and district leaders only",
        "  users.csv line 9: a guardian: Rapport keeps teachers and school and district leaders only",
    ]


def test_a_dry_run_shows_what_would_happen_and_writes_nothing():
    out = StringIO()

    call_command("import_roster", str(DATA / "oneroster"), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Would import oneroster (OneRoster 1.1, bulk, from Bluebell SIS)."
    assert "  People: 5 created, 0 updated, 0 unchanged (0 deactivated)" in lines
    assert lines[-1] == "Nothing was written (--dry-run)."
    assert not User.objects.exists()


def test_lists_every_skipped_row_and_imports_the_rest(tmp_path):
    DistrictFactory()
    path = tmp_path / "staff.csv"
    path.write_text(
        "name,email,school,role\nAnn Lee,ann@,Elm,teacher\nBob Ray,bob@x.example.org,Elm,janitor\n"
        "Cy Tan,cy@x.example.org,Elm,teacher\n"
    )
    out = StringIO()

    call_command("import_roster", str(path), stdout=out)

    assert out.getvalue().splitlines()[-3:] == [
        "Skipped:",
        '  staff.csv line 2: email "ann@" is not a valid address',
        '  staff.csv line 3: role "janitor" is not one of: coach, teacher, school leader, district leader, '
        "coach lead, site administrator",
    ]
    assert list(User.objects.values_list("email", flat=True)) == ["cy@x.example.org"]


def test_prints_every_problem_of_an_unreadable_set_and_fails(tmp_path):
    (tmp_path / "orgs.csv").write_text("sourcedId,title\n")
    (tmp_path / "users.csv").write_bytes(
        "sourcedId,givenName,familyName,role,orgSourcedIds\nt,Zoë,A,teacher,x\n".encode("latin-1")
    )
    err = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 2 problems") as caught:
        call_command("import_roster", str(tmp_path), stderr=err)

    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "orgs.csv:1: missing required column(s): name, type",
        "users.csv:2: is not UTF-8 text (byte 0xeb cannot be read): "
        "save the file as “CSV UTF-8” and import it again",
    ]
    assert not User.objects.exists()


def test_the_format_can_be_forced():
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_roster", str(DATA / "plain.csv"), "--format", "oneroster", stderr=StringIO())
