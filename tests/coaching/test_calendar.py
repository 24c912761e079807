"""Calendars: a session download and a coach's secret, revocable feed, with no confidential text."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rapport.coaching import actions
from rapport.coaching.models import CalendarFeed, Session, hash_feed_token
from rapport.coaching.tasks import enqueue_reminders
from rapport.relationships.models import Visibility

pytestmark = pytest.mark.django_db


def _events(body: bytes):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_a_session_downloads_as_a_valid_event_with_title_place_and_time_only(client_as, world):
    response = client_as(world.teacher).get(
        reverse("session_ics", args=[world.relationship.pk, world.session.pk])
    )
    assert response["Content-Type"] == "text/calendar"
    (event,) = _events(response.content)
    assert str(event["summary"]) == "Coaching: Tess Teacher"
    assert str(event["location"]) == "Room 12"
    assert event.decoded("dtstart") == world.session.starts_at
    assert event.decoded("dtend") == world.session.ends_at
    assert b"discussion video" not in response.content


def test_the_feed_lives_under_a_secret_stored_only_as_a_hash_and_can_be_revoked(client, client_as, world):
    response = client_as(world.coach).post(reverse("calendar_settings"))
    feed_url = response.context["feed_url"]
    token = feed_url.split("/calendar/")[1].split("/")[0]
    feed = CalendarFeed.objects.get(owner=world.coach)
    assert feed.token_hash == hash_feed_token(token)
    assert token not in feed.token_hash

    client.logout()
    body = client.get(feed_url).content
    (event,) = _events(body)
    assert str(event["summary"]) == "Coaching: Tess Teacher"
    for secret in (world.session.agenda, world.agreement.norms, world.commitment.what):
        assert secret.encode() not in body

    client_as(world.coach).post(reverse("calendar_revoke"))
    client.logout()
    assert client.get(feed_url).status_code == 404


def test_a_new_link_replaces_the_old_one(client, world):
    old = actions.new_calendar_feed(world.coach)
    new = actions.new_calendar_feed(world.coach)
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200


def test_the_feed_holds_only_the_owners_caseload(client, world):
    Session.objects.create(
        relationship=world.other_relationship,
        author=world.other_coach,
        visibility=Visibility.SHARED,
        starts_at=world.session.starts_at,
        ends_at=world.session.ends_at,
        wrap_up_at=world.session.ends_at,
        place="Elsewhere",
    )
    body = client.get(reverse("calendar_feed", args=[actions.new_calendar_feed(world.coach)])).content
    assert [str(event["location"]) for event in _events(body)] == ["Room 12"]


def test_the_reminder_command_sends_once_per_session_inline(world, mailoutbox):
    call_command("send_session_reminders", stdout=io.StringIO())
    assert sorted(message.to[0] for message in mailoutbox) == sorted([world.coach.email, world.teacher.email])
    assert "Room 12" in mailoutbox[0].body
    assert world.session.agenda not in mailoutbox[0].body
    call_command("send_session_reminders", stdout=io.StringIO())
    assert len(mailoutbox) == 2


@pytest.mark.redis
def test_reminders_run_on_a_real_worker_and_never_twice(rq_worker, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    first = enqueue_reminders(tomorrow)
    second = enqueue_reminders(tomorrow)  # enqueued again before the worker ran
    assert len(first) == len(second) == 1
    assert Session.objects.get(pk=world.session.pk).reminder_sent_at is None, "it must wait for the worker"
    rq_worker.work()
    for result in (*first, *second):
        result.refresh()
    assert sorted([first[0].return_value, second[0].return_value]) == [False, True]
    assert Session.objects.get(pk=world.session.pk).reminder_sent_at is not None
    assert enqueue_reminders(tomorrow) == []


def test_a_reminder_that_could_not_be_sent_is_not_claimed(world, monkeypatch, mailoutbox):
    """Claim and sending commit together: a worker dying in between leaves it for the next delivery."""
    from rapport.coaching import tasks

    def mail_server_gone(**kwargs):
        raise ConnectionError("the worker died here")

    monkeypatch.setattr(tasks.mail, "send", mail_server_gone)
    with pytest.raises(ConnectionError):
        tasks.send_session_reminder.call(world.session.pk)
    assert Session.objects.get(pk=world.session.pk).reminder_sent_at is None

    monkeypatch.undo()
    assert tasks.send_session_reminder.call(world.session.pk) is True
    assert len(mailoutbox) == 2
