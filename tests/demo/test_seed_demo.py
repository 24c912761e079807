"""The demo district: the promised accounts, deterministic, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from rapport.demo import district
from rapport.people.models import Role, User
from rapport.privacy import policy
from rapport.privacy.models import AccessLogEntry
from rapport.relationships.models import Note, Relationship, Visibility

pytestmark = pytest.mark.django_db


def fingerprint():
    return (
        sorted(User.objects.values_list("email", "full_name")),
        sorted(
            Relationship.objects.values_list("coach__email", "teacher__email", "focus", "kind", "started_on")
        ),
        sorted(
            (n.relationship.teacher.email, n.body, n.visibility)
            for n in Note.objects.select_related("relationship__teacher")
        ),
    )


def test_the_promised_accounts_and_their_relations():
    call_command("seed_demo", stdout=StringIO())
    accounts = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    assert set(accounts) >= {email for email, _, _ in district.DEMO_ACCOUNTS}
    for user in accounts.values():
        assert user.check_password(district.DEMO_PASSWORD)

    coach, teacher = accounts["coach@example.org"], accounts["teacher@example.org"]
    teacher2, leader = accounts["teacher2@example.org"], accounts["leader@example.org"]
    caseload = set(policy.caseload_for(coach).values_list("teacher__email", flat=True))
    assert "teacher@example.org" in caseload
    assert "teacher2@example.org" not in caseload
    assert accounts["coach2@example.org"].is_coach
    teacher_school = teacher.roles.get(kind=Role.Kind.TEACHER).school
    assert leader.roles.filter(kind=Role.Kind.SCHOOL_LEADER, school=teacher_school).exists()
    assert accounts["lead@example.org"].coaches_led.filter(coach=coach).exists()
    assert accounts["admin@example.org"].is_site_admin
    assert policy.coached_in(teacher2).exists()


def test_teachers_write_notes_and_their_coach_reads_only_those_shared(client_as):
    call_command("seed_demo", stdout=StringIO())
    coach = User.objects.get(email="coach@example.org")
    teacher = User.objects.get(email="teacher@example.org")
    relationship = policy.caseload_for(coach).get(teacher=teacher)
    written = Note.objects.filter(relationship=relationship, author=teacher)
    shared = set(written.filter(visibility=Visibility.SHARED).values_list("pk", flat=True))
    private = set(written.filter(visibility=Visibility.PRIVATE).values_list("pk", flat=True))
    assert shared
    assert private

    response = client_as(coach).get(reverse("relationship_detail", args=[relationship.pk]) + "?notes=all")

    assert response.status_code == 200
    shown = {note.pk for note in response.context["notes"]}
    assert shared <= shown
    assert not private & shown
    logged = set(
        AccessLogEntry.objects.filter(accessor=coach, record_type="relationships.note").values_list(
            "record_id", flat=True
        )
    )
    assert logged == shared


def test_the_same_flags_build_the_same_district():
    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            district.build(schools=4, coaches=5, teachers=30, years=2)
            fingerprints.append(fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert len(fingerprints[0][0]) > 30


def test_size_flags_are_honoured():
    call_command("seed_demo", "--schools", "5", "--coaches", "6", "--teachers", "50", stdout=StringIO())
    assert Role.objects.filter(kind=Role.Kind.TEACHER).count() == 50
    assert Role.objects.filter(kind=Role.Kind.COACH).count() == 6
    assert Role.objects.filter(kind=Role.Kind.SCHOOL_LEADER).values("school").distinct().count() == 5


def test_a_second_run_changes_nothing_and_still_prints_the_logins():
    call_command("seed_demo", stdout=StringIO())
    before = User.objects.count()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert User.objects.count() == before
    assert "coach@example.org" in out.getvalue()
    assert "demo-password" in out.getvalue()
