"""Calendars: a session download and a coach's secret, revocable feed, with no confidential text."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskContext
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


def test_the_reminder_command_says_when_the_queue_cannot_be_reached(world, settings, mailoutbox):
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with pytest.raises(CommandError, match="job queue could not be reached"):
        call_command("send_session_reminders", stdout=io.StringIO())
    assert Session.objects.get(pk=world.session.pk).reminder_sent_at is None


def _run_reminder(session, job: str) -> bool:
    """The reminder task as the queue's delivery of job ``job`` runs it."""
    from rapport.coaching.tasks import send_session_reminder

    return send_session_reminder.call(TaskContext(task_result=SimpleNamespace(id=job)), session.pk)


def test_a_reminder_that_could_not_be_sent_is_let_go_for_the_next_delivery(world, monkeypatch, mailoutbox):
    from rapport.coaching import tasks

    def mail_server_gone(**kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.mail, "send", mail_server_gone)
    with pytest.raises(ConnectionRefusedError):
        _run_reminder(world.session, "job-1")
    session = Session.objects.get(pk=world.session.pk)
    assert (session.reminder_sent_at, session.reminder_claimed_by) == (None, "")

    monkeypatch.undo()
    assert _run_reminder(world.session, "job-2") is True  # another job: the claim was let go
    assert len(mailoutbox) == 2


def test_a_job_delivered_again_after_its_worker_died_sends_what_it_had_claimed(world, mailoutbox):
    """Killed between the claim and the emails: the claim is the job's, and only the job's."""
    Session.objects.filter(pk=world.session.pk).update(
        reminder_claimed_by="job-1", reminder_claimed_at=timezone.now()
    )
    assert _run_reminder(world.session, "job-2") is False  # another job while job-1 may be sending
    assert mailoutbox == []
    assert _run_reminder(world.session, "job-1") is True  # job-1 delivered again
    assert sorted(message.to[0] for message in mailoutbox) == sorted([world.coach.email, world.teacher.email])
    assert Session.objects.get(pk=world.session.pk).reminder_sent_at is not None
    assert _run_reminder(world.session, "job-1") is False
    assert _run_reminder(world.session, "job-3") is False
    assert len(mailoutbox) == 2


def test_a_claim_whose_job_never_came_back_lapses(world, mailoutbox):
    from rapport.coaching.tasks import REMINDER_CLAIM_LEASE

    claimed_at = timezone.now() - REMINDER_CLAIM_LEASE + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=world.session.pk).update(
        reminder_claimed_by="lost", reminder_claimed_at=claimed_at
    )
    assert _run_reminder(world.session, "job-2") is False
    Session.objects.filter(pk=world.session.pk).update(
        reminder_claimed_at=claimed_at - datetime.timedelta(minutes=2)
    )
    assert _run_reminder(world.session, "job-2") is True
    assert len(mailoutbox) == 2


def test_a_session_cancelled_before_its_reminder_is_not_reminded(world, mailoutbox):
    Session.objects.filter(pk=world.session.pk).update(status=Session.Status.CANCELLED)
    assert _run_reminder(world.session, "job-1") is False
    assert mailoutbox == []
