"""Upgrading encrypts the grades, subjects and places stored in clear; going back decrypts them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rapport.coaching.models import Session
from rapport.privacy import encryption
from rapport.relationships.models import TeacherProfile

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("coaching", "0004_session_reminder_claim"),
    ("relationships", "0004_appreciation_copies_to_named_leaders"),
]
AFTER = [("coaching", "0005_encrypt_free_text"), ("relationships", "0005_encrypt_free_text")]
PLACE = "Room 12, away from the principal's office"


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_the_upgrade():
    apps = migrate(BEFORE)
    yield apps
    migrate()


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _records_in_clear(apps) -> tuple[int, int]:
    district = apps.get_model("people", "District").objects.create(name="Upgrade District")
    school = apps.get_model("people", "School").objects.create(district=district, name="Home")
    User = apps.get_model("people", "User")
    coach = User.objects.create(email="ada@upgrade.test", full_name="Ada", password="!")
    teacher = User.objects.create(email="tia@upgrade.test", full_name="Tia", password="!")
    relationship = apps.get_model("relationships", "Relationship").objects.create(
        coach=coach, teacher=teacher, school=school
    )
    profile = apps.get_model("relationships", "TeacherProfile").objects.create(
        relationship=relationship, author=coach, grades="4 and 5", subjects="Math, after the leave"
    )
    starts = timezone.make_aware(datetime.datetime(2026, 3, 2, 10))
    session = apps.get_model("coaching", "Session").objects.create(
        relationship=relationship,
        author=coach,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=40),
        wrap_up_at=starts + datetime.timedelta(minutes=35),
        place=PLACE,
    )
    return profile.pk, session.pk


def test_values_in_clear_are_encrypted_by_the_upgrade_and_decrypted_going_back(before_the_upgrade):
    profile_pk, session_pk = _records_in_clear(before_the_upgrade)
    assert _raw("coaching_session", "place", session_pk) == PLACE

    migrate(AFTER)
    for table, column, pk, value in [
        ("relationships_teacherprofile", "grades", profile_pk, "4 and 5"),
        ("relationships_teacherprofile", "subjects", profile_pk, "Math, after the leave"),
        ("coaching_session", "place", session_pk, PLACE),
    ]:
        stored = _raw(table, column, pk)
        assert stored.startswith(encryption.TOKEN_PREFIX), (table, column)
        assert encryption.decrypt(stored) == value
    migrate()
    assert TeacherProfile.objects.get(pk=profile_pk).subjects == "Math, after the leave"
    assert Session.objects.get(pk=session_pk).place == PLACE

    migrate(BEFORE)
    assert _raw("coaching_session", "place", session_pk) == PLACE
    assert _raw("relationships_teacherprofile", "grades", profile_pk) == "4 and 5"
