"""Each trust indicator's definition, on constructed histories."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import (
    Agreement,
    AgreementAcknowledgement,
    Commitment,
    SentSummary,
    Session,
    Side,
)
from rapport.insights.indicators import caseload_indicators, monthly_trend, school_year_start
from rapport.relationships.models import Appreciation, Noticing, Touchpoint, Visibility
from tests.factories import RelationshipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def session(relationship, day, status=Session.Status.HELD, cancelled_by=""):
    return Session.objects.create(
        relationship=relationship,
        author=relationship.coach,
        starts_at=at(day),
        ends_at=at(day, 11),
        wrap_up_at=at(day, 11),
        place="Room 4",
        status=status,
        cancelled_by=cancelled_by,
        visibility=Visibility.SHARED,
    )


def commitment(relationship, due, done=None, owner=Side.COACH, resource=""):
    return Commitment.objects.create(
        relationship=relationship,
        author=relationship.coach,
        owner=owner,
        what="Bring the article",
        due_on=due,
        done_on=done,
        resource_title=resource,
        visibility=Visibility.SHARED,
    )


def indicators_for(relationship, today=TODAY):
    (row,) = caseload_indicators([relationship], today=today)
    return row


def test_a_new_teacher_has_no_numbers_and_every_first_step_suggested(world):
    row = indicators_for(RelationshipFactory(coach=world.coach, school=world.relationship.school))
    assert (row.sessions_held, row.summary_rate, row.on_time_rate, row.days_since_contact) == (
        0,
        None,
        None,
        None,
    )
    assert not row.agreement_in_place
    assert any("No coaching agreement" in step for step in row.thin)
    assert any("a while" in step for step in row.thin)
    assert any("No wins noticed" in step for step in row.thin)


def test_summaries_count_held_sessions_that_had_one(world):
    rel = world.relationship
    first = session(rel, datetime.date(2026, 2, 2))
    session(rel, datetime.date(2026, 2, 9))
    for _ in range(2):  # two summaries for one session still count once
        SentSummary.objects.create(
            relationship=rel, author=rel.coach, session=first, body="Thanks", sent_to="t@example.test"
        )
    row = indicators_for(rel)
    assert (row.sessions_held, row.summaries_sent, row.summary_rate) == (2, 1, 0.5)
    assert any("no follow-up summary" in step for step in row.thin)


def test_all_sessions_cancelled_counts_only_the_coachs_cancellations(world):
    rel = world.relationship
    session(rel, datetime.date(2026, 2, 2), Session.Status.CANCELLED, Side.COACH)
    session(rel, datetime.date(2026, 2, 9), Session.Status.CANCELLED, Side.TEACHER)
    row = indicators_for(rel)
    assert (row.sessions_held, row.coach_cancellations, row.summary_rate) == (0, 1, None)
    assert any("You cancelled" in step for step in row.thin)


def test_last_school_year_does_not_count(world):
    session(world.relationship, datetime.date(2025, 7, 30))
    assert indicators_for(world.relationship).sessions_held == 0
    assert school_year_start(TODAY) == datetime.date(2025, 8, 1)
    assert school_year_start(datetime.date(2025, 8, 1)) == datetime.date(2025, 8, 1)


def test_commitments_on_time_are_the_coachs_own_that_fell_due(world):
    rel = world.relationship
    commitment(rel, datetime.date(2026, 2, 1), done=datetime.date(2026, 1, 30), resource="Reading list")
    commitment(rel, datetime.date(2026, 2, 1), done=datetime.date(2026, 2, 3))  # late
    commitment(rel, datetime.date(2026, 3, 1))  # overdue, still open
    commitment(rel, datetime.date(2026, 4, 1))  # not due yet: not counted
    commitment(rel, datetime.date(2026, 2, 1), owner=Side.TEACHER)  # the teacher's: not counted
    row = indicators_for(rel)
    assert (row.commitments_on_time, row.commitments_due) == (1, 3)
    assert row.resources_delivered == 1
    assert any("promises ran late" in step for step in row.thin)
    # The same rule as the coaching app's own on-time rate.
    coach_side = Commitment.objects.filter(relationship=rel, owner=Side.COACH)
    assert coach_side.on_time_rate(today=TODAY) == row.on_time_rate


def test_agreement_counts_as_acknowledged_only_by_the_teacher_for_the_current_version(world):
    rel = RelationshipFactory(coach=world.coach, school=world.relationship.school)
    sections = dict.fromkeys([name for name, _ in Agreement.SECTIONS], "x")
    agreement = Agreement.objects.create(relationship=rel, author=rel.coach, version=2, **sections)
    AgreementAcknowledgement.objects.create(
        agreement=agreement, version=1, person=rel.teacher, via="signed-in"
    )
    AgreementAcknowledgement.objects.create(agreement=agreement, version=2, person=rel.coach, via="signed-in")
    row = indicators_for(rel)
    assert row.agreement_in_place
    assert not row.agreement_acknowledged
    AgreementAcknowledgement.objects.create(
        agreement=agreement, version=2, person=rel.teacher, via="signed-in"
    )
    assert indicators_for(rel).agreement_acknowledged


def test_relational_counts_and_days_since_contact(world):
    rel = world.relationship
    Touchpoint.objects.create(relationship=rel, author=rel.coach, kind="hallway", happened_at=at(TODAY))
    Noticing.objects.create(relationship=rel, author=rel.coach, body="Great launch", noticed_on=TODAY)
    Appreciation.objects.create(
        relationship=rel, author=rel.coach, message="Thank you", sent_to="t@example.test", sent_at=at(TODAY)
    )
    # Noon, three calendar days ago: "days since contact" counts calendar days, so "now minus
    # 3 days 1 hour" reads 4 in the first hour after local midnight.
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    rel.last_contact_at = timezone.make_aware(datetime.datetime.combine(three_days_ago, datetime.time(12)))
    rel.save()
    row = indicators_for(rel)
    assert (row.touchpoints, row.wins_noticed, row.appreciations, row.days_since_contact) == (1, 1, 1, 3)
    assert not any("a while" in step or "No wins" in step for step in row.thin)


def test_the_trend_has_a_point_per_month_of_the_school_year(world):
    rel = world.relationship
    session(rel, datetime.date(2026, 2, 2), Session.Status.CANCELLED, Side.COACH)
    Touchpoint.objects.create(
        relationship=rel, author=rel.coach, kind="lunch", happened_at=at(datetime.date(2025, 9, 3))
    )
    trend = monthly_trend(rel, today=TODAY)
    assert trend["labels"][0] == "Aug 2025"
    assert trend["labels"][-1] == "Mar 2026"
    relational, cancelled = trend["series"][1]["data"], trend["series"][3]["data"]
    assert relational[1] == 1
    assert sum(relational) == 1
    assert cancelled[6] == 1
    assert sum(cancelled) == 1


def test_the_dashboard_takes_the_same_number_of_queries_for_any_caseload(
    world, client_as, django_assert_num_queries
):
    client = client_as(world.coach)
    client.get(reverse("trust_dashboard"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("trust_dashboard")).status_code == 200
    for _ in range(6):
        rel = RelationshipFactory(coach=world.coach, school=world.relationship.school)
        session(rel, datetime.date(2026, 2, 2))
        commitment(rel, datetime.date(2026, 2, 1), done=datetime.date(2026, 2, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("trust_dashboard"))
    assert response.content.decode().count('class="overdue"') >= 1


def test_the_checklist_keeps_every_reflection(world, client_as):
    client = client_as(world.coach)
    url = reverse("relationship_trust", args=[world.relationship.pk])
    client.post(url, {"relational": ["checked-in"], "competence": ["kept-word"]})
    client.post(url, {"communicative": ["sent-summary"], "reflection": "Warmer since October."})
    page = client.get(url).content.decode()
    assert "Warmer since October." in page
    assert "2 of 9 true" in page
    assert "1 of 9 true" in page
    assert client.post(url, {}).status_code == 400
    assert client_as(world.teacher).get(url).status_code == 404


def test_a_contact_later_today_is_today_never_minus_one_day_and_counts_are_pluralised(world, client_as):
    rel = world.relationship
    Appreciation.objects.create(
        relationship=rel,
        author=rel.coach,
        visibility=Visibility.SHARED,
        message="Thank you",
        sent_to="t@example.test",
        sent_at=timezone.now(),
    )
    # A session marked held before its planned start records contact a little ahead of now.
    rel.last_contact_at = timezone.now() + datetime.timedelta(minutes=30)
    rel.save()
    assert indicators_for(rel).days_since_contact == 0
    page = client_as(world.coach).get(reverse("relationship_trust", args=[rel.pk])).content.decode()
    assert "-1 day" not in page
    assert "Seen today" in page
    assert "1 appreciation " in page or "1 appreciation<" in page
    assert "1 appreciations" not in page
