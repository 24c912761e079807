"""Sessions and visits appear on the relationship's timeline, for those who may read them."""

import pytest

from rapport.relationships.timeline import timeline_for

pytestmark = pytest.mark.django_db


def test_sessions_and_visits_are_on_the_timeline_and_private_visits_only_for_the_coach(world):
    coach_kinds = [entry.kind for entry in timeline_for(world.coach, world.relationship)]
    assert "Session · scheduled" in coach_kinds
    assert coach_kinds.count("Classroom visit · 15 min") == 2
    teacher_texts = [entry.text for entry in timeline_for(world.teacher, world.relationship)]
    assert world.shared_visit.students_doing in teacher_texts
    assert world.private_visit.students_doing not in teacher_texts
    assert not timeline_for(world.leader, world.relationship)
