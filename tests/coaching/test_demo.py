"""The demo district's coaching history: every kind of record, and a meeting ready to try."""

import datetime

import pytest
from django.utils import timezone

from rapport.coaching.models import Agreement, Commitment, Cycle, EvidencePoint, Session, Side, Visit
from rapport.demo import district

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

    coach, teacher = demo.accounts["coach@example.org"], demo.accounts["teacher@example.org"]
    soon = Session.objects.filter(
        relationship__coach=coach, relationship__teacher=teacher, status=Session.Status.SCHEDULED
    ).upcoming()
    today = timezone.localdate()
    assert timezone.localtime(soon.first().starts_at).date() in {today, today + datetime.timedelta(days=1)}
    assert demo.relationships[0].last_contact_at is not None
