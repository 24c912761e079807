"""Recurring sessions: a series every week or every other week, each occurrence an ordinary
session; the wrap-up time prefilled from the teacher's profile."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching import actions
from rapport.coaching.forms import series_dates
from rapport.coaching.models import Session, SessionSeries
from rapport.relationships.models import TeacherProfile, Visibility
from rapport.web.today import today_for

pytestmark = pytest.mark.django_db


def _first_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def _schedule(client, world, **changes):
    data = {"day": _first_day().isoformat(), "start": "14:00", "end": "14:45", "wrap_up": "14:40"}
    data |= {"place": "Room 4", "agenda": "Plan the unit"}
    return client.post(reverse("session_new", args=[world.relationship.pk]), data | changes)


def _series_sessions(world):
    return list(
        Session.objects.filter(relationship=world.relationship, series__isnull=False).order_by("starts_at")
    )


def test_series_dates_stop_at_the_end_date_the_count_or_the_cap():
    first = datetime.date(2026, 1, 6)
    assert series_dates(first, 14, datetime.date(2026, 2, 3), None) == [
        datetime.date(2026, 1, 6),
        datetime.date(2026, 1, 20),
        datetime.date(2026, 2, 3),
    ]
    assert len(series_dates(first, 7, None, 5)) == 5
    assert len(series_dates(first, 7, datetime.date(2030, 1, 1), None)) == SessionSeries.MAX_OCCURRENCES


def test_a_weekly_series_makes_one_session_a_week(client_as, world):
    response = _schedule(client_as(world.coach), world, repeat="7", occurrences="4")
    assert response.status_code == 302
    sessions = _series_sessions(world)
    assert len(sessions) == 4
    days = [timezone.localtime(s.starts_at).date() for s in sessions]
    assert days == [_first_day() + datetime.timedelta(weeks=n) for n in range(4)]
    assert all(timezone.localtime(s.wrap_up_at).time() == datetime.time(14, 40) for s in sessions)
    assert all(s.visibility == Visibility.SHARED and s.is_scheduled for s in sessions)
    # The agenda is the first meeting's; the others get their own.
    assert [s.agenda for s in sessions] == ["Plan the unit", "", "", ""]
    assert sessions[0].series.cadence == SessionSeries.Cadence.WEEKLY


def test_every_other_week_until_a_date(client_as, world):
    until = _first_day() + datetime.timedelta(days=43)
    assert _schedule(client_as(world.coach), world, repeat="14", ends_on=until.isoformat()).status_code == 302
    days = [timezone.localtime(s.starts_at).date() for s in _series_sessions(world)]
    assert days == [_first_day() + datetime.timedelta(days=14 * n) for n in range(4)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repeat": "7"}, "Say when the series stops"),
        ({"repeat": "7", "occurrences": "41"}, "less than or equal to 40"),
        ({"repeat": "7", "occurrences": "1"}, "greater than or equal to 2"),
        ({"repeat": "7", "ends_on": "2020-01-01"}, "must end after its first session"),
        ({"repeat": "7", "ends_on": "2099-01-01"}, "at most 40 sessions"),
        ({"repeat": "3", "occurrences": "4"}, "Select a valid choice"),
    ],
)
def test_an_impossible_series_is_refused_and_nothing_is_written(client_as, world, changes, message):
    before = Session.objects.count()
    response = _schedule(client_as(world.coach), world, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == before
    assert not SessionSeries.objects.exists()


def test_one_occurrence_is_moved_alone_and_stays_in_its_series(client_as, world):
    client = client_as(world.coach)
    _schedule(client, world, repeat="7", occurrences="3")
    first, second, third = _series_sessions(world)
    data = {"day": (_first_day() + datetime.timedelta(days=8)).isoformat(), "start": "09:00", "end": "09:30"}
    data |= {"wrap_up": "09:25", "place": "Library"}
    response = client.post(reverse("session_reschedule", args=[world.relationship.pk, second.pk]), data)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Session.Status.RESCHEDULED
    assert second.rescheduled_to.series_id == first.series_id
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.is_scheduled
    assert third.is_scheduled
    assert timezone.localtime(third.starts_at).time() == datetime.time(14, 0)


def test_cancelling_one_occurrence_leaves_the_rest(client_as, world):
    client = client_as(world.coach)
    _schedule(client, world, repeat="7", occurrences="3")
    first, second, third = _series_sessions(world)
    url = reverse("session_cancel", args=[world.relationship.pk, second.pk])
    page = client.get(url).content.decode()
    assert "This one and the 1 later session of the series" in page
    assert client.post(url, {"cancelled_by": "teacher", "scope": "this"}).status_code == 302
    statuses = [
        s.status for s in Session.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("starts_at")
    ]
    assert statuses == [Session.Status.SCHEDULED, Session.Status.CANCELLED, Session.Status.SCHEDULED]


def test_cancelling_the_rest_of_a_series(client_as, world):
    client = client_as(world.coach)
    _schedule(client, world, repeat="14", occurrences="4")
    sessions = _series_sessions(world)
    url = reverse("session_cancel", args=[world.relationship.pk, sessions[1].pk])
    data = {"cancelled_by": "coach", "reason": "The schedule changes in spring.", "scope": "rest"}
    response = client.post(url, data, follow=True)
    assert "3 sessions cancelled." in response.content.decode()
    statuses = [
        s.status for s in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("starts_at")
    ]
    assert statuses == [Session.Status.SCHEDULED] + [Session.Status.CANCELLED] * 3
    assert {s.cancelled_by for s in _series_sessions(world)[1:]} == {"coach"}


def test_a_lone_session_offers_no_series_choice(client_as, world):
    page = client_as(world.coach).get(
        reverse("session_cancel", args=[world.relationship.pk, world.session.pk])
    )
    assert "Which sessions" not in page.content.decode()


def test_the_wrap_up_time_is_prefilled_from_the_profile_and_may_be_left_empty(client_as, world):
    TeacherProfile.objects.update_or_create(
        relationship=world.relationship,
        author=world.coach,
        defaults={"visibility": Visibility.SHARED, "usual_wrap_up": datetime.time(15, 50)},
    )
    client = client_as(world.coach)
    page = client.get(reverse("session_new", args=[world.relationship.pk])).content.decode()
    assert 'name="wrap_up" value="15:50"' in page
    assert _schedule(client, world, start="15:00", end="16:00", wrap_up="").status_code == 302
    session = Session.objects.filter(relationship=world.relationship).order_by("-created_at").first()
    assert timezone.localtime(session.wrap_up_at).time() == datetime.time(16, 0)


def test_the_calendar_feed_and_today_show_every_occurrence(client, client_as, world):
    _schedule(client_as(world.coach), world, repeat="7", occurrences="3")
    sessions = _series_sessions(world)
    body = client.get(
        reverse("calendar_feed", args=[actions.new_calendar_feed(world.coach)])
    ).content.decode()
    for session in sessions:
        assert f"session-{session.pk}@" in body
    today = today_for(world.coach)
    shown = {item.session.pk for day in today.coming_days for item in day.items}
    shown |= {item.session.pk for item in today.sessions_today}
    assert sessions[0].pk in shown  # tomorrow; the others fall after the week shown
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "every week" in page
