"""The teacher profile (shared with the teacher) and the readiness notes (the coach's alone)."""

from __future__ import annotations

import pytest
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
