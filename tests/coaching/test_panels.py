"""The coaching panels of several relationships, read together: each is the panel that relationship
gives alone, for each of its members, with the same limits, counts and access log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.coaching import actions
from rapport.coaching.briefs import (
    COMMITMENTS_SHOWN,
    UPCOMING_SHOWN,
    CoachingPanel,
    coaching_panel,
    coaching_panels,
)
from rapport.coaching.models import Commitment, Side, Visit
from rapport.people.models import Role
from rapport.privacy import accesslog
from rapport.privacy.models import AccessLogEntry
from rapport.relationships.models import Relationship, Visibility
from tests.factories import RelationshipFactory, person

pytestmark = pytest.mark.django_db


def _summary(panel: CoachingPanel) -> dict:
    """What a panel shows, by primary key and count."""
    status = panel.agreement
    return {
        "upcoming": [session.pk for session in panel.upcoming],
        "commitments": [commitment.pk for commitment in panel.commitments],
        "visits": [visit.pk for visit in panel.visits],
        "cycle": panel.cycle.pk if panel.cycle else None,
        "latest": panel.latest_evidence.pk if panel.latest_evidence else None,
        "counts": (panel.open_count, panel.overdue_count, panel.on_time_rate),
        "agreement": status.agreement.pk if status.agreement else None,
        "waiting": [waiting.pk for waiting in status.waiting_for],
    }


def _at(days: int, hour: int = 15) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _session(relationship, coach, days: int):
    when = {"starts_at": _at(days), "ends_at": _at(days, 16), "wrap_up_at": _at(days, 16)}
    return actions.schedule_session(relationship, coach, when, "Room 4", "")


@pytest.fixture
def two_coaches(world):
    """The world's teacher with their coach, who has written a lot, and a peer, who has written
    little; a private commitment each member keeps to themselves."""
    today = timezone.localdate()
    coach_pair, teacher = world.relationship, world.teacher
    for days in (9, 2, 30, 5, 1):  # more than a panel shows, out of order
        _session(coach_pair, world.coach, days)
    for offset in range(COMMITMENTS_SHOWN + 4):  # overdue, due today, later; two of them done
        commitment = actions.add_commitment(
            coach_pair,
            world.coach if offset % 2 else teacher,
            {
                "owner": Side.TEACHER,
                "what": f"Promise {offset}",
                "due_on": today + datetime.timedelta(days=offset - 5),
            },
        )
        if offset in (1, 7):
            Commitment.objects.filter(pk=commitment.pk).update(done_on=today)
        if offset == 3:  # the coach's
            Commitment.objects.filter(pk=commitment.pk).update(visibility=Visibility.PRIVATE)
    later = actions.start_cycle(
        coach_pair,
        world.coach,
        {
            "student_goal": "Later goal",
            "baseline": 1,
            "target": 5,
            "target_date": today + datetime.timedelta(days=40),
        },
    )
    for days, value in ((-3, 2), (-1, 4)):
        actions.add_evidence(
            later,
            world.coach,
            {"measured_on": today + datetime.timedelta(days=days), "value": value, "source": "visit"},
        )

    peer = person(Role.Kind.TEACHER, coach_pair.school, full_name="Ana Peer")
    peer_pair = RelationshipFactory(
        kind=Relationship.Kind.PEER, coach=peer, teacher=teacher, school=coach_pair.school
    )
    _session(peer_pair, peer, 3)
    actions.add_commitment(peer_pair, peer, {"owner": Side.COACH, "what": "Film it.", "due_on": today})
    Visit.objects.create(relationship=peer_pair, author=peer, visited_at=timezone.now(), minutes=10)
    return teacher, [coach_pair, peer_pair]


def test_each_panel_read_together_is_the_panel_read_alone(world, two_coaches):
    teacher, relationships = two_coaches
    together = coaching_panels(teacher, relationships)
    for relationship in relationships:
        alone = coaching_panel(teacher, relationship)
        assert _summary(together[relationship.pk]) == _summary(alone)
    coach_pair = relationships[0]
    shown = together[coach_pair.pk]
    assert len(shown.upcoming) == UPCOMING_SHOWN
    assert [s.starts_at for s in shown.upcoming] == sorted(s.starts_at for s in shown.upcoming)
    assert len(shown.commitments) == COMMITMENTS_SHOWN
    assert "Promise 3" not in {c.what for c in shown.commitments}  # the coach keeps it to themselves
    assert shown.cycle.student_goal == "Later goal"
    # The world's own commitment and these, but for two done and the coach's private one.
    assert shown.open_count == 1 + COMMITMENTS_SHOWN + 4 - 2 - 1
    # The other members, each in their one relationship, see theirs the same way.
    for member, relationship in ((world.coach, coach_pair), (relationships[1].coach, relationships[1])):
        assert _summary(coaching_panels(member, [relationship])[relationship.pk]) == _summary(
            coaching_panel(member, relationship)
        )


def test_a_relationship_the_person_is_not_in_gives_an_empty_panel(world, two_coaches):
    _, relationships = two_coaches
    outsider_pair = RelationshipFactory(school=relationships[0].school)
    actions.add_commitment(
        outsider_pair, outsider_pair.coach, {"owner": Side.COACH, "what": "x", "due_on": timezone.localdate()}
    )
    panels = coaching_panels(world.coach, [relationships[0], outsider_pair])
    empty = panels[outsider_pair.pk]
    assert (empty.upcoming, empty.commitments, empty.cycle, empty.open_count) == ([], [], None, 0)
    assert empty.agreement.agreement is None


def test_more_coaches_read_no_more_queries(world, two_coaches):
    teacher, relationships = two_coaches

    def count(chosen) -> int:
        with CaptureQueriesContext(connection) as queries, accesslog.batched():
            coaching_panels(teacher, chosen)
        return len(queries)

    count(relationships)  # the first read of all also starts the access log
    assert count(relationships) == count(relationships[:1])


def test_what_is_logged_is_what_the_panels_show(world, two_coaches):
    teacher, relationships = two_coaches
    before = AccessLogEntry.objects.count()
    with accesslog.batched():
        panels = coaching_panels(teacher, relationships, visits=0)
    logged = set(AccessLogEntry.objects.order_by("seq")[before:].values_list("record_type", "record_id"))
    shown = set()
    for panel in panels.values():
        assert panel.visits == []
        records = [
            *panel.upcoming,
            *panel.commitments,
            panel.cycle,
            panel.latest_evidence,
            panel.agreement.agreement,
        ]
        shown |= {
            (type(r)._meta.label_lower, r.pk) for r in records if r is not None and r.author_id != teacher.pk
        }
    assert logged == shown
