"""Sessions that respect time: scheduling checks, holding, cancelling, moving, next steps, the summary."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Commitment, SentSummary, Session
from rapport.core import mail as rapport_mail
from rapport.privacy.fields import encrypted_fields
from rapport.relationships.models import Noticing, Visibility

pytestmark = pytest.mark.django_db


def _tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _schedule(client, world, **changes):
    data = {"day": _tomorrow(), "start": "14:00", "end": "14:45", "wrap_up": "14:40", "place": "Room 4"}
    return client.post(reverse("session_new", args=[world.relationship.pk]), data | changes)


def test_a_session_is_scheduled_with_its_times(client_as, world):
    assert _schedule(client_as(world.coach), world, agenda="Plan the next unit").status_code == 302
    session = Session.objects.exclude(pk=world.session.pk).get()
    assert session.minutes == 45
    assert timezone.localtime(session.wrap_up_at).time() == datetime.time(14, 40)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "13:30"}, "must end after it starts"),
        ({"end": "14:00"}, "must end after it starts"),
        ({"wrap_up": "15:10"}, "wrap-up time must fall within the session"),
        ({"wrap_up": "13:50"}, "wrap-up time must fall within the session"),
    ],
)
def test_impossible_times_are_refused_and_nothing_is_written(client_as, world, changes, message):
    response = _schedule(client_as(world.coach), world, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 1


def _session_url(name, world, session=None):
    return reverse(name, args=[world.relationship.pk, (session or world.session).pk])


def test_holding_a_session_keeps_notes_and_records_contact(client_as, world):
    client = client_as(world.coach)
    response = client.post(
        _session_url("session_notes", world), {"notes": "Looked at the video.", "hold": "1"}
    )
    assert response.status_code == 302
    world.session.refresh_from_db()
    world.relationship.refresh_from_db()
    assert world.session.status == Session.Status.HELD
    assert world.session.notes == "Looked at the video."
    assert world.relationship.last_contact_at is not None


def test_a_cancellation_records_who_cancelled_and_why(client_as, world):
    data = {"cancelled_by": "coach", "reason": "A district meeting ran over."}
    assert client_as(world.coach).post(_session_url("session_cancel", world), data).status_code == 302
    world.session.refresh_from_db()
    assert (world.session.status, world.session.cancelled_by) == (Session.Status.CANCELLED, "coach")
    page = client_as(world.teacher).get(_session_url("session_detail", world))
    assert "Cancelled by Cora Coach" in page.content.decode()


def test_a_rescheduled_session_links_to_the_new_one(client_as, world):
    data = {"day": _tomorrow(), "start": "16:00", "end": "16:30", "wrap_up": "16:25", "place": "Room 12"}
    data["agenda"] = world.session.agenda
    response = client_as(world.coach).post(_session_url("session_reschedule", world), data)
    world.session.refresh_from_db()
    assert world.session.status == Session.Status.RESCHEDULED
    new = world.session.rescheduled_to
    assert response["Location"] == _session_url("session_detail", world, new)
    assert new.agenda == "Look at the discussion video together."


def test_a_next_step_becomes_a_commitment_of_the_session(client_as, world):
    data = {"owner": "teacher", "what": "Try the question stems on Thursday.", "due_on": _tomorrow()}
    assert client_as(world.coach).post(_session_url("next_step_add", world), data).status_code == 302
    step = Commitment.objects.get(session=world.session)
    assert (step.owner, step.visibility) == ("teacher", Visibility.SHARED)


def test_a_commitment_due_in_the_past_is_refused(client_as, world):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {"owner": "teacher", "what": "Something.", "due_on": yesterday}
    response = client_as(world.coach).post(_session_url("next_step_add", world), data)
    assert response.status_code == 400
    assert "That date has passed" in response.content.decode()
    assert not Commitment.objects.filter(session=world.session).exists()


def test_the_follow_up_summary_is_sent_to_the_teacher_and_kept_encrypted(client_as, world):
    Commitment.objects.filter(pk=world.commitment.pk).update(session=world.session)
    url = _session_url("summary_send", world)
    assert (
        client_as(world.coach).post(url, {"message": "Thank you for opening your room."}).status_code == 302
    )
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
    assert "Send the question-stem cards." in message.body
    assert "Thank you for opening your room." in message.body
    summary = SentSummary.objects.get()
    assert summary.body in message.body
    assert ("coaching.SentSummary", "body") in {(m._meta.label, f.name) for m, f in encrypted_fields()}


def test_the_live_view_opens_with_celebrations_and_carries_the_clock(client_as, world):
    Noticing.objects.create(
        relationship=world.relationship, author=world.coach, body="Every student had a role in groups."
    )
    page = client_as(world.coach).get(_session_url("session_detail", world)).content.decode()
    assert "Every student had a role in groups." in page
    assert 'data-wrap-up="' in page
    assert 'role="alert" class="wrap-up-warning"' in page
    # The teacher sees the shared session, but never the coach's private noticings.
    teacher_page = client_as(world.teacher).get(_session_url("session_detail", world)).content.decode()
    assert "Every student had a role in groups." not in teacher_page


def test_a_summary_that_cannot_be_emailed_is_not_kept_and_the_coach_is_told(client_as, world, monkeypatch):
    def server_down(**kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(rapport_mail, "send", server_down)
    Session.objects.filter(pk=world.session.pk).update(status=Session.Status.HELD)
    response = client_as(world.coach).post(
        _session_url("summary_send", world), {"message": "Thank you for opening your room."}
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "could not be sent just now, so nothing was saved" in page
    assert "Thank you for opening your room." in page
    assert not SentSummary.objects.exists()


def test_times_read_3_50_pm_once_with_no_double_full_stop(client_as, world):
    day = timezone.localdate() + datetime.timedelta(days=1)
    world.session.starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))
    world.session.ends_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    world.session.wrap_up_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 50)))
    world.session.save()
    client = client_as(world.coach)
    for name in ("session_detail", "session_prep"):
        page = client.get(_session_url(name, world)).content.decode()
        assert "3:50 pm" in page
        assert "p.m." not in page
