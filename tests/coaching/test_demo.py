"""The demo district's coaching history: every kind of record, and a meeting ready to try."""

import datetime
import itertools

import pytest
from django.utils import timezone

from rapport.coaching.models import (
    Agreement,
    Commitment,
    Cycle,
    EvidencePoint,
    SentSummary,
    Session,
    SessionSeries,
    Side,
    Visit,
)
from rapport.demo import district
from rapport.relationships.models import TeacherProfile

pytestmark = pytest.mark.django_db


def test_the_demo_has_coaching_history_and_a_meeting_for_the_demo_coach_soon():
    demo = district.build(schools=2, coaches=2, teachers=6, years=2)
    assert Agreement.objects.count() == len(demo.relationships)
    assert Cycle.objects.filter(status=Cycle.Status.DONE).exists()
    assert EvidencePoint.objects.count() > Cycle.objects.count()
    assert Session.objects.filter(status=Session.Status.HELD).count() > 50
    cancelled = Session.objects.filter(status=Session.Status.CANCELLED).values_list("cancelled_by", flat=True)
    assert set(cancelled) == {Side.COACH, Side.TEACHER}
    assert Commitment.objects.filter(done_on__isnull=False).exists()
    assert Visit.objects.exists()
    # Most held sessions had their follow-up summary sent (the trust page is not "0 of N").
    held = Session.objects.filter(status=Session.Status.HELD).count()
    assert SentSummary.objects.values("session").distinct().count() > held // 2
    assert SessionSeries.objects.get().sessions.count() == 4

    coach, teacher = demo.accounts["coach@example.org"], demo.accounts["teacher@example.org"]
    soon = Session.objects.filter(
        relationship__coach=coach, relationship__teacher=teacher, status=Session.Status.SCHEDULED
    ).upcoming()
    # Soon means today or the next school day: never a weekend.
    school_days = [timezone.localdate() + datetime.timedelta(days=n) for n in range(4)]
    today_or_next = [day for day in school_days if day.weekday() < 5][:2]
    first = timezone.localtime(soon.first().starts_at).date()
    assert first in today_or_next
    assert first.weekday() < 5
    assert demo.relationships[0].last_contact_at is not None


def test_the_demo_books_no_coach_twice_at_once_and_keeps_to_the_teachers_wrap_up_time():
    district.build(schools=2, coaches=2, teachers=8, years=1)
    sessions = sorted(
        Session.objects.select_related("relationship"),
        key=lambda session: (session.relationship.coach_id, session.starts_at),
    )
    for before, after in itertools.pairwise(sessions):
        if before.relationship.coach_id == after.relationship.coach_id:
            assert before.ends_at <= after.starts_at, f"{before} and {after} overlap"
    usual = {profile.relationship_id: profile.usual_wrap_up for profile in TeacherProfile.objects.all()}
    usual_sessions = [session for session in sessions if session.series_id is None]
    for session in usual_sessions:
        assert timezone.localtime(session.wrap_up_at).time() == usual[session.relationship_id]
    starts = {timezone.localtime(session.starts_at).time() for session in usual_sessions}
    assert len(starts) > 3, "sessions happen at different times of the day"
