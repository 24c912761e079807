"""The signed-in person is loaded with their roles in one query, and roles count at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.people.backends import RolesWithUserBackend
from rapport.people.models import Role
from tests.factories import person

pytestmark = pytest.mark.django_db


def test_the_person_comes_with_their_roles_in_one_query(world):
    Role.objects.create(
        user=world.coach, kind=Role.Kind.COACH_LEAD, district=world.relationship.school.district
    )
    with CaptureQueriesContext(connection) as queries:
        user = RolesWithUserBackend().get_user(world.coach.pk)
        assert user.role_kinds == {Role.Kind.COACH, Role.Kind.COACH_LEAD}
        assert user.is_coach
        assert not user.is_teacher
    assert len(queries) == 1


def test_a_person_without_roles_has_none(world):
    nobody = person(Role.Kind.TEACHER, world.relationship.school)
    Role.objects.filter(user=nobody).delete()
    assert RolesWithUserBackend().get_user(nobody.pk).role_kinds == frozenset()


def test_an_inactive_or_unknown_person_is_not_loaded(world):
    world.coach.is_active = False
    world.coach.save()
    assert RolesWithUserBackend().get_user(world.coach.pk) is None
    assert RolesWithUserBackend().get_user(10**9) is None
    assert RolesWithUserBackend().get_user("1 OR 1=1") is None  # a session id is never spliced into SQL


def test_a_role_taken_away_counts_on_the_next_request(world, client_as):
    client = client_as(world.coach)
    assert client.get(reverse("caseload")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("caseload"))
    assert not any(q["sql"].lstrip().startswith('SELECT "people_role"') for q in queries.captured_queries)
    Role.objects.filter(user=world.coach, kind=Role.Kind.COACH).delete()
    assert (
        client.get(reverse("home")).status_code != 200
        or b"Caseload" not in client.get(reverse("home")).content
    )
