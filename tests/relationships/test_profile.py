"""The teacher profile (shared with the teacher) and the readiness notes (the coach's alone)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.relationships.models import ReadinessProfile, TeacherProfile, Visibility

pytestmark = pytest.mark.django_db


def _save(client, world, **extra):
    data = {
        "profile-preferred_name": "Tess",
        "profile-grades": "3, 4",
        "profile-subjects": "Math",
        "profile-years_of_experience": "6",
        "profile-feedback_preferences": "Written first, then a short talk",
        "profile-best_times": "Tuesday mornings",
        "profile-usual_wrap_up": "15:30",
        "readiness-comfort_with_coaching": "2",
        "readiness-comfort_with_technology": "4",
        "readiness-notes": "Start with the discussion routine she already loves",
        **extra,
    }
    return client.post(reverse("profile_edit", args=[world.relationship.pk]), data)


def test_the_teacher_sees_the_profile_but_not_the_readiness_notes(world, client_as):
    assert _save(client_as(world.coach), world).status_code == 302
    profile = TeacherProfile.objects.get()
    assert profile.visibility == Visibility.SHARED
    assert ReadinessProfile.objects.get().visibility == Visibility.PRIVATE

    coach_page = client_as(world.coach).get(reverse("relationship_detail", args=[world.relationship.pk]))
    coach_text = coach_page.content.decode()
    assert "About Tess" in coach_text
    assert "You and Tess" in coach_text  # who sees the profile
    assert "only you" in coach_text  # who sees where to start
    assert "Start with the discussion routine she already loves" in coach_text

    page = client_as(world.teacher).get(reverse("relationship_detail", args=[world.relationship.pk]))
    text = page.content.decode()
    assert "Written first, then a short talk" in text
    assert "You, as Cora keeps it" in text
    assert "3:30 pm" in text
    assert "Start with the discussion routine" not in text
    assert "Seeks it out" not in text


def test_each_side_reads_only_the_cards_it_shows(world, client_as):
    """The teacher's page never queries the coach's cards (where to start, what they noticed), and
    the coach's reads the one profile card it shows: one read for the profiles on either side."""
    assert _save(client_as(world.coach), world).status_code == 302
    url = reverse("relationship_detail", args=[world.relationship.pk])
    tables = {}
    for name in ("coach", "teacher"):
        client = client_as(getattr(world, name))
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = [query["sql"] for query in queries]
        tables[name] = {
            table: sum(f'FROM "{table}"' in one for one in sql)
            for table in (
                "relationships_readinessprofile",
                "relationships_noticing",
                "relationships_teacherprofile",
            )
        }
    assert tables["coach"] == {
        "relationships_readinessprofile": 1,
        "relationships_noticing": 1,
        "relationships_teacherprofile": 1,
    }
    assert tables["teacher"] == {
        "relationships_readinessprofile": 0,
        "relationships_noticing": 0,
        "relationships_teacherprofile": 1,
    }


def test_saving_again_updates_the_one_profile(world, client_as):
    client = client_as(world.coach)
    _save(client, world)
    _save(client, world, **{"profile-grades": "5"})
    assert TeacherProfile.objects.get().grades == "5"
    assert ReadinessProfile.objects.count() == 1


def test_bad_input_writes_nothing(world, client_as):
    response = _save(client_as(world.coach), world, **{"profile-years_of_experience": "many"})
    assert response.status_code == 400
    assert not TeacherProfile.objects.exists()
    assert not ReadinessProfile.objects.exists()


def test_the_teacher_cannot_edit_it(world, client_as):
    assert _save(client_as(world.teacher), world).status_code == 404
    assert not TeacherProfile.objects.exists()
