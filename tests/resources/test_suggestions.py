"""Suggestions on the prep brief: from the teacher's goal, subject, grades and readiness."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.relationships.models import Comfort, ReadinessProfile, TeacherProfile, Visibility
from rapport.resources import suggestions
from rapport.resources.models import ContentArea, GoalArea, GradeBand
from tests.resources.samples import make_resource, make_share

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Students ask each other questions during discussions.", GoalArea.QUESTIONING),
        ("Students explain their reasoning when solving a math problem.", GoalArea.MATH_REASONING),
        ("Students start independent work within two minutes of a transition routine.", GoalArea.COMMUNITY),
        ("Peers give feedback on drafts with a rubric.", GoalArea.FEEDBACK),
        ("", None),
    ],
)
def test_a_goal_s_area_is_read_from_its_words(text, area):
    assert suggestions.goal_area_of(text) == area


def test_grades_and_subjects_are_read_from_the_profile():
    assert suggestions.grade_band_of("Grade 4") == GradeBand.G3_5
    assert suggestions.grade_band_of("K and 1") == GradeBand.K_2
    assert suggestions.grade_band_of("10th") == GradeBand.G9_12
    assert suggestions.content_area_of("Algebra I, geometry") == ContentArea.MATH


def test_the_prep_brief_suggests_what_fits_the_goal_and_readiness_and_leaves_out_what_was_shared(
    client_as, world
):
    world.cycle.student_goal = "Students build on each other's ideas in discussions."
    world.cycle.save()
    TeacherProfile.objects.create(
        relationship=world.relationship,
        author=world.coach,
        visibility=Visibility.SHARED,
        grades="4",
        subjects="Math",
    )
    ReadinessProfile.objects.create(
        relationship=world.relationship, author=world.coach, comfort_with_coaching=Comfort.NEW
    )
    fits = make_resource(
        world,
        title="Stems for new discussers",
        with_file=False,
        readiness=Comfort.NEW,
        grade_band=GradeBand.G3_5,
    )
    make_resource(world, title="Advanced seminar moves", with_file=False, grade_band=GradeBand.G9_12)
    make_resource(world, title="Exit tickets", goal_area=GoalArea.FEEDBACK, with_file=False)
    already = make_share(world, make_resource(world, title="Already theirs", with_file=False))

    page = client_as(world.coach).get(reverse("session_prep", args=[world.relationship.pk, world.session.pk]))
    text = page.content.decode()
    assert "Resources that might help" in text
    assert (
        text.index("Stems for new discussers") < text.index("Advanced seminar moves")
        if "Advanced seminar moves" in text
        else "Stems for new discussers" in text
    )
    assert "Exit tickets" not in text
    assert "Already theirs" not in text
    assert f"?resource={fits.pk}" in text
    assert already.resource.title == "Already theirs"


def test_nothing_is_suggested_to_someone_without_a_library(client_as, world):
    make_resource(world, with_file=False)
    text = client_as(world.teacher).get(reverse("teacher_space")).content.decode()
    assert "Resources that might help" not in text
