"""Noticing the good, and appreciations: what is sent, to whom, and copies only to the leaders the
teacher named."""

from __future__ import annotations

import datetime
import smtplib
import socket
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rapport.core import mail as rapport_mail
from rapport.people.models import Role, User
from rapport.relationships import actions
from rapport.relationships.models import Appreciation, Note, Noticing, TeacherSettings
from tests.factories import person

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


def name_for_copies(client, *leaders):
    """The teacher ticks these leaders (none: copies go to nobody) and saves."""
    # "copy_leader_on_appreciations": the one checkbox before copies went to named leaders.
    data = {"appreciation_copies_to": [leader.pk for leader in leaders]}
    if leaders:
        data["copy_leader_on_appreciations"] = "on"
    return client.post(reverse("teacher_settings"), data)


def send_with_copy(client_as, world, message: str):
    url = reverse("appreciation_new", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"message": message, "copy_leader": "on"})
    assert response.status_code == 302
    return mail.outbox[-1]


def test_leader_is_copied_only_when_the_teacher_names_them(world, client_as):
    client = client_as(world.teacher)
    page = client.get(reverse("teacher_space")).content.decode()
    assert f"{world.leader.full_name}</label>" in page
    assert world.other_leader.full_name not in page  # not a leader of the teacher's school
    response = name_for_copies(client, world.leader)
    assert response.status_code == 302
    assert list(TeacherSettings.objects.get(teacher=world.teacher).appreciation_copies_to.all()) == [
        world.leader
    ]

    coach = client_as(world.coach)
    url = reverse("appreciation_new", args=[world.relationship.pk])
    assert f"Send a copy to {world.leader.full_name}" in coach.get(url).content.decode()
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
    name_for_copies(client_as(world.teacher))
    assert send_with_copy(client_as, world, "Thank you for the welcome.").cc == []


def admin_adds_school_leader(client_as, world, full_name: str, email: str) -> User:
    """A site administrator adds a person with a school-leader role at the teacher's school."""
    school = world.relationship.school
    response = client_as(world.site_admin).post(
        reverse("admin:people_user_add"),
        {
            "full_name": full_name,
            "email": email,
            "sourced_id": "",
            "is_active": "on",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-kind": Role.Kind.SCHOOL_LEADER,
            "roles-0-district": school.district_id,
            "roles-0-school": school.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return User.objects.get(email=email)


def test_a_leader_added_later_gets_no_copy_until_the_teacher_names_them(world, client_as):
    name_for_copies(client_as(world.teacher), world.leader)
    newcomer = admin_adds_school_leader(client_as, world, "Nadia Newprincipal", "nadia@example.test")
    assert newcomer.is_leader

    assert send_with_copy(client_as, world, "Your anchor chart is everywhere now.").cc == [world.leader.email]
    page = client_as(world.teacher).get(reverse("teacher_space")).content.decode()
    assert "Nadia Newprincipal</label>" in page  # a choice, not ticked for them

    name_for_copies(client_as(world.teacher), world.leader, newcomer)
    assert sorted(send_with_copy(client_as, world, "Lovely wait time.").cc) == sorted(
        [world.leader.email, newcomer.email]
    )


def test_a_named_leader_who_leaves_the_school_gets_no_more_copies(world, client_as):
    name_for_copies(client_as(world.teacher), world.leader)
    Role.objects.filter(user=world.leader).delete()
    assert send_with_copy(client_as, world, "Your room felt calm and busy.").cc == []


def test_a_teacher_can_name_only_the_leaders_of_their_schools(world, client_as):
    elsewhere = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Not A Leader")
    for stranger in (world.other_leader, world.coach, elsewhere):
        response = name_for_copies(client_as(world.teacher), stranger)
        assert response.status_code == 400
        assert "Choose among the leaders of your schools." in response.content.decode()
    assert not TeacherSettings.objects.exists()


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


def test_the_message_box_comes_first_and_older_noticings_are_folded(client_as, world):
    for n in range(5):
        Noticing.objects.create(
            relationship=world.relationship,
            author=world.coach,
            body=f"Noticing number {n}",
            noticed_on=timezone.localdate() - datetime.timedelta(days=n),
        )
    page = (
        client_as(world.coach).get(reverse("appreciation_new", args=[world.relationship.pk])).content.decode()
    )
    assert page.index('name="message"') < page.index('name="noticings"')
    start = page.index("Earlier noticings (")
    folded = page[start : page.index("</details>", start)]
    assert "Noticing number 4" in folded
    assert "Noticing number 0" not in folded
    assert page.count('name="noticings"') == Noticing.objects.filter(relationship=world.relationship).count()
