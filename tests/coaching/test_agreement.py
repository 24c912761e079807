"""The coaching agreement: versions, acknowledgement signed in or through a one-time signed link."""

import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from rapport.coaching import actions
from rapport.coaching.models import Agreement, AgreementAcknowledgement
from rapport.relationships.models import Relationship
from tests.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


def _sections(agreement, **changes):
    return {**{name: getattr(agreement, name) for name, _ in Agreement.SECTIONS}, **changes}


def test_a_change_is_a_new_version_naming_the_sections_that_changed(world):
    agreement = actions.save_agreement(
        world.relationship, world.coach, _sections(world.agreement, norms="We end on time.")
    )
    assert agreement.version == 2
    assert agreement.revisions.first().changed_sections == "Our norms"
    # Saving without a change does not make a version.
    assert actions.save_agreement(world.relationship, world.coach, _sections(agreement)).version == 2


def test_the_teacher_acknowledges_while_signed_in_and_a_new_version_asks_again(client_as, world):
    url = reverse("agreement_acknowledge", args=[world.relationship.pk])
    client_as(world.teacher).post(url)
    assert world.agreement.acknowledgements.get().via == AgreementAcknowledgement.Via.SIGNED_IN
    page = client_as(world.teacher).get(reverse("agreement_detail", args=[world.relationship.pk]))
    assert b"I acknowledge version" not in page.content
    actions.save_agreement(world.relationship, world.coach, _sections(world.agreement, focus="Discussion."))
    page = client_as(world.teacher).get(reverse("agreement_detail", args=[world.relationship.pk]))
    assert b"I acknowledge version 2" in page.content


def test_the_coach_cannot_acknowledge_for_the_teacher(client_as, world):
    client_as(world.coach).post(reverse("agreement_acknowledge", args=[world.relationship.pk]))
    assert not AgreementAcknowledgement.objects.exists()


def test_the_emailed_link_acknowledges_once(client, client_as, world):
    client_as(world.coach).post(reverse("agreement_send", args=[world.relationship.pk]))
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
    link = next(word for word in message.body.split() if "/agreement/acknowledge/" in word)
    client.logout()
    assert client.get(link).status_code == 200
    assert not AgreementAcknowledgement.objects.exists(), "opening the link (a mail scanner) records nothing"
    response = client.post(link)
    assert response.status_code == 200
    ack = world.agreement.acknowledgements.get()
    assert (ack.person, ack.version, ack.via) == (world.teacher, 1, AgreementAcknowledgement.Via.EMAIL_LINK)
    again = client.post(link)
    assert again.status_code == 400
    assert b"cannot be used again" in again.content
    assert world.agreement.acknowledgements.count() == 1


def test_an_altered_or_expired_link_is_refused_and_records_nothing(client, world):
    token = actions.acknowledgement_token(world.agreement, world.teacher)
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("agreement_ack_link", args=[altered]))
    assert response.status_code == 400
    assert b"not valid" in response.content
    with mock.patch.object(signing.time, "time", return_value=time.time() - 8 * 24 * 3600):
        old = actions.acknowledgement_token(world.agreement, world.teacher)
    response = client.post(reverse("agreement_ack_link", args=[old]))
    assert response.status_code == 400
    assert b"expired" in response.content
    assert not AgreementAcknowledgement.objects.exists()


def test_a_link_for_an_older_version_is_refused(client, world):
    token = actions.acknowledgement_token(world.agreement, world.teacher)
    actions.save_agreement(world.relationship, world.coach, _sections(world.agreement, focus="New focus."))
    response = client.post(reverse("agreement_ack_link", args=[token]))
    assert response.status_code == 400
    assert b"has changed" in response.content


def test_in_peer_coaching_both_peers_edit_and_both_acknowledge(client_as, world):
    peer = RelationshipFactory(
        kind=Relationship.Kind.PEER,
        coach=world.teacher,
        teacher=world.other_teacher,
        school=world.relationship.school,
    )
    response = client_as(world.other_teacher).post(
        reverse("agreement_edit", args=[peer.pk]),
        actions.starter_agreement(peer) | {"meetings": "Fridays.", "feedback_preferences": "Face to face."},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(relationship=peer)
    for person in (world.teacher, world.other_teacher):
        client_as(person).post(reverse("agreement_acknowledge", args=[peer.pk]))
    assert set(agreement.acknowledgements.values_list("person", flat=True)) == {
        world.teacher.pk,
        world.other_teacher.pk,
    }


def test_the_print_view_hides_navigation_in_print_css(client_as, world):
    page = client_as(world.teacher).get(reverse("agreement_detail", args=[world.relationship.pk]))
    assert b'class="agreement printable"' in page.content
    assert b"We start on time" in page.content


def test_when_an_agreement_email_cannot_be_sent_the_coach_is_told_and_can_send_again(client_as, world):
    coach = client_as(world.coach)
    url = reverse("agreement_send", args=[world.relationship.pk])
    with mock.patch("rapport.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no route to host")):
        response = coach.post(url, follow=True)
    assert response.status_code == 200
    assert f"The email to {world.teacher.email} could not be sent just now" in response.content.decode()
    assert not mail.outbox

    coach.post(url)
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
