"""The caseload, the relationship page and the teacher's space: content and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.people.models import Role
from tests.factories import NoteFactory, RelationshipFactory, person

pytestmark = pytest.mark.django_db


def grow_caseload(world, size):
    for i in range(size):
        teacher = person(Role.Kind.TEACHER, world.relationship.school, full_name=f"Extra Teacher {i}")
        RelationshipFactory(coach=world.coach, teacher=teacher, school=world.relationship.school)


def test_caseload_lists_the_coachs_teachers_only(client_as, world):
    body = client_as(world.coach).get(reverse("caseload")).content.decode()
    assert world.teacher.full_name in body
    assert world.other_teacher.full_name not in body


@pytest.mark.parametrize("page", ["caseload", "home"])
def test_coach_pages_run_a_constant_number_of_queries(client_as, world, page):
    client = client_as(world.coach)
    grow_caseload(world, 4)
    small_count = _count_queries(client, reverse(page))
    grow_caseload(world, 55)
    assert _count_queries(client, reverse(page)) == small_count


def _count_queries(client, url):
    client.get(url)  # warm: the session and the access log's head exist from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_relationship_page_queries_do_not_grow_with_the_number_of_notes(client_as, world):
    client = client_as(world.teacher)
    url = reverse("relationship_detail", args=[world.relationship.pk])
    NoteFactory.create_batch(3, relationship=world.relationship, visibility="shared")
    few = _count_queries(client, url)
    NoteFactory.create_batch(60, relationship=world.relationship, visibility="shared")
    assert _count_queries(client, url) == few


def test_teacher_space_shows_coaches_releases_and_who_looked(client_as, world):
    client_as(world.leader).get(reverse("released_record", args=[world.release.pk]))
    body = client_as(world.teacher).get(reverse("teacher_space")).content.decode()
    assert world.coach.full_name in body
    assert "Revoke" in body
    assert world.leader.full_name in body
    assert "you released to them" in body


def test_the_teachers_own_reads_are_not_listed_as_someone_else_looking(client_as, world):
    client = client_as(world.teacher)
    client.get(reverse("relationship_detail", args=[world.relationship.pk]))
    body = client.get(reverse("teacher_space")).content.decode()
    assert "Nobody but their authors has opened your records." in body
