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
        "Imported oneroster (OneRoster 1.1 CSV).",
        "  People: 5 created, 0 updated, 0 unchanged (6 roles added, 0 deactivated)",
        "  Schools: 2 created, 0 updated, 0 unchanged",
        "  Districts: 1 created, 0 updated, 0 unchanged",
        "  Skipped: 2 students, 1 guardian",
    ]


def test_prints_every_problem_and_fails(tmp_path):
    DistrictFactory()
    path = tmp_path / "staff.csv"
    path.write_text(
        "name,email,school,role\nAnn Lee,ann@,Elm,teacher\nBob Ray,bob@x.example.org,Elm,janitor\n"
    )
    err = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 2 problems") as caught:
        call_command("import_roster", str(path), stderr=err)

    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == [
        'staff.csv:2: email "ann@" is not a valid address',
        'staff.csv:3: role "janitor" is not one of: coach, teacher, school leader, district leader, '
        "coach lead, site administrator",
    ]
    assert not User.objects.exists()


def test_the_format_can_be_forced():
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_roster", str(DATA / "plain.csv"), "--format", "oneroster", stderr=StringIO())
