"""Noticing the good, and appreciations: what is sent, to whom, and the leader copy only by consent."""

from __future__ import annotations

import smtplib
import socket
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from rapport.relationships import actions
from rapport.relationships.models import Appreciation, Note, Noticing, TeacherSettings
from rapport.web import mail as rapport_mail

pytestmark = pytest.mark.django_db

NOTICED = "Students explained their thinking to a partner before sharing with the class."


def _notice(client, world, body=NOTICED):
    url = reverse("noticing_new", args=[world.relationship.pk])
    return client.post(url, {"body": body, "noticed_on": "2026-03-02"})


def test_a_noticing_is_private_to_the_coach(world, client_as):
    response = _notice(client_as(world.coach), world)
    assert response.status_code == 302
    noticing = Noticing.objects.get()
    assert noticing.body == NOTICED
    assert noticing.author == world.coach
    page = client_as(world.teacher).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert NOTICED not in page.content.decode()


def test_an_empty_noticing_is_refused(world, client_as):
    response = _notice(client_as(world.coach), world, body="   ")
    assert response.status_code == 400
    assert "Write what you noticed" in response.content.decode()
    assert not Noticing.objects.exists()


def test_appreciation_is_emailed_to_the_teacher_with_the_noticing(world, client_as):
    client = client_as(world.coach)
    _notice(client, world)
    noticing = Noticing.objects.get()
    url = reverse("appreciation_new", args=[world.relationship.pk])
    form_page = client.get(url, {"noticing": noticing.pk}).content.decode()
    assert NOTICED in form_page  # the message starts from what was noticed

    response = client.post(url, {"noticings": [noticing.pk], "message": NOTICED, "copy_leader": "on"})
    assert response.status_code == 302

    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
    assert message.cc == []  # asked, but the teacher has not allowed it
    assert message.reply_to == [world.coach.email]
    assert NOTICED in message.body
    appreciation = Appreciation.objects.get()
    assert appreciation.sent_to == world.teacher.email
    assert appreciation.copied_to == ""
    assert list(appreciation.noticings.all()) == [noticing]
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at == appreciation.sent_at
    # The teacher sees what was sent to them.
    page = client_as(world.teacher).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert NOTICED in page.content.decode()


def test_leader_is_copied_only_when_the_teacher_allows(world, client_as):
    client = client_as(world.teacher)
    response = client.post(reverse("teacher_settings"), {"copy_leader_on_appreciations": "on"})
    assert response.status_code == 302
    assert TeacherSettings.objects.get(teacher=world.teacher).copy_leader_on_appreciations

    coach = client_as(world.coach)
    url = reverse("appreciation_new", args=[world.relationship.pk])
    coach.post(url, {"message": "Your exit tickets were short and telling."})
    coach.post(url, {"message": "The quiet signal worked beautifully.", "copy_leader": "on"})
    without_copy, with_copy = mail.outbox
    assert without_copy.cc == []
    assert with_copy.cc == [world.leader.email]
    assert world.other_leader.email not in with_copy.cc
    assert "The quiet signal worked beautifully." in with_copy.body
    assert "as you allowed" in with_copy.body
    assert Appreciation.objects.filter(copied_to=world.leader.email).count() == 1

    # The teacher changes their mind: no more copies.
    client_as(world.teacher).post(reverse("teacher_settings"), {})
    coach = client_as(world.coach)
    coach.post(url, {"message": "Thank you for the welcome.", "copy_leader": "on"})
    assert mail.outbox[-1].cc == []


def test_an_outsider_cannot_send_or_read(world, client_as):
    url = reverse("appreciation_new", args=[world.relationship.pk])
    for outsider in (world.other_coach, world.leader, world.teacher):
        assert client_as(outsider).post(url, {"message": "Hello"}).status_code == 404
    assert not Appreciation.objects.exists()
    assert not mail.outbox


def test_when_the_mail_server_is_down_nothing_is_saved_and_the_coach_is_told(world, client_as, monkeypatch):
    def server_down(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(rapport_mail, "send", server_down)
    url = reverse("appreciation_new", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"message": NOTICED})

    assert response.status_code == 503
    page = response.content.decode()
    assert "could not be sent just now, so nothing was saved" in page
    assert NOTICED in page  # what the coach wrote is still in the form
    assert not Appreciation.objects.exists()
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is None


def test_a_mail_server_that_hangs_is_given_up_on(world, client_as, settings):
    """It accepts the connection and never answers: the coach hears back, nothing is saved."""
    assert settings.EMAIL_TIMEOUT == 10
    with socket.create_server(("127.0.0.1", 0)) as silent_server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent_server.getsockname()
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 0.5
        started = time.monotonic()
        url = reverse("appreciation_new", args=[world.relationship.pk])
        response = client_as(world.coach).post(url, {"message": NOTICED})
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert not Appreciation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_while_the_mail_server_hangs_everyone_else_still_writes(world, settings):
    """On SQLite a transaction holds the whole database's write lock: none may wait on the mail server.

    A coach sends an appreciation to a mail server that accepts the connection and never answers.
    While the coach waits, the teacher's note is written at once, not after the lock gives up.
    """
    if connection.vendor != "sqlite":
        pytest.skip(
            "on PostgreSQL a transaction locks only its own rows; tests/mail.py checks the rule there"
        )
    with socket.create_server(("127.0.0.1", 0)) as silent_server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent_server.getsockname()
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 3
        outcome = []

        def coach_sends():
            try:
                actions.send_appreciation(world.relationship, world.coach, NOTICED)
            except rapport_mail.NOT_SENT as error:
                outcome.append(error)
            finally:
                connection.close()

        sender = threading.Thread(target=coach_sends)
        sender.start()
        silent_server.settimeout(5)
        waiting, _ = silent_server.accept()  # the coach is now waiting for the mail server
        with waiting:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 200")
            started = time.monotonic()
            actions.write_note(world.relationship, world.teacher, "Tried the timer today.", "private")
            assert time.monotonic() - started < 1
            assert sender.is_alive(), "the coach's email must still be waiting on the server"
            sender.join(10)
    assert len(outcome) == 1  # the coach was told it was not sent
    assert not Appreciation.objects.exists()
    assert Note.objects.filter(author=world.teacher).count() == 1
