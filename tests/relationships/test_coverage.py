"""Coverage rows: how long since the coach was last with each teacher, in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.people.models import Role
from rapport.relationships import actions
from rapport.relationships.coverage import CoverageRow, coverage_for
from tests.factories import RelationshipFactory, person


@pytest.mark.parametrize(
    ("days", "label"),
    [(None, "no contact yet"), (0, "seen today"), (1, "1 day"), (12, "12 days")],
)
def test_the_time_since_contact_in_words(days, label):
    row = CoverageRow(
        relationship_id=1, focus="", person_name="", person_email="", days_since=days, overdue=False
    )
    assert row.contact_label == label


@pytest.mark.django_db
def test_each_row_names_the_other_member_and_flags_the_ones_past_the_threshold(world):
    school = world.relationship.school
    now = timezone.now()
    seen_lately = person(Role.Kind.TEACHER, school, full_name="Lena Lately")
    seen_long_ago = person(Role.Kind.TEACHER, school, full_name="Otto Old")
    nameless = person(Role.Kind.TEACHER, school, full_name="", email="no.name@example.org")
    peer = person(Role.Kind.COACH, school, full_name="Pia Peer")
    for teacher, days_ago in ((seen_lately, 13), (seen_long_ago, 14), (nameless, 40)):
        relationship = RelationshipFactory(coach=world.coach, teacher=teacher, school=school)
        actions.record_contact(relationship, when=now - timedelta(days=days_ago))
    # A peer coaching the coach: on the coach's side of it, the other member is the peer who coaches.
    peer_coaching = RelationshipFactory(coach=peer, teacher=world.coach, school=school, kind="peer", focus="")
    actions.record_contact(peer_coaching, when=now)

    rows = {row.person_name: row for row in coverage_for(world.coach, threshold_days=14)}

    assert set(rows) == {world.teacher.full_name, "Lena Lately", "Otto Old", "", "Pia Peer"}
    assert (rows["Lena Lately"].days_since, rows["Lena Lately"].overdue) == (13, False)
    assert (rows["Otto Old"].days_since, rows["Otto Old"].overdue) == (14, True)
    assert (rows[world.teacher.full_name].days_since, rows[world.teacher.full_name].overdue) == (None, True)
    assert (rows["Pia Peer"].contact_label, rows["Pia Peer"].overdue, rows["Pia Peer"].focus) == (
        "seen today",
        False,
        "",
    )
    assert rows["Pia Peer"].relationship_id == peer_coaching.pk
    assert rows[""].person_short_name == "no.name@example.org"
    assert rows["Otto Old"].person_short_name == "Otto"
    # Longest without contact first, never-contacted before all; by name on request.
    by_days = [row.person_name for row in coverage_for(world.coach, threshold_days=14)]
    assert by_days == [world.teacher.full_name, "", "Otto Old", "Lena Lately", "Pia Peer"]
    by_name = [row.person_name for row in coverage_for(world.coach, threshold_days=14, sort="name")]
    assert by_name.index("Lena Lately") < by_name.index("Otto Old")


@pytest.mark.django_db
def test_nobody_elses_caseload_is_in_the_rows(world):
    names = {row.person_name for row in coverage_for(world.coach, threshold_days=14)}
    assert world.other_teacher.full_name not in names
    assert coverage_for(world.other_teacher, threshold_days=14) == []
