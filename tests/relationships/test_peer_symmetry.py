"""Peer coaching reads the same from both sides: each peer sees the other's profile, the
appreciations each way, an agreement written for peers, and summaries going to the other."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rapport.coaching import actions as coaching_actions
from rapport.people.models import Role
from rapport.relationships import actions
from rapport.relationships.models import Relationship, TeacherProfile
from tests.factories import RelationshipFactory, SchoolFactory, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers(db):
    school = SchoolFactory()
    priya = person(Role.Kind.TEACHER, school, full_name="Priya Natarajan", email="priya@example.test")
    omar = person(Role.Kind.TEACHER, school, full_name="Omar Juarez", email="omar@example.test")
    pair = RelationshipFactory(coach=priya, teacher=omar, school=school, kind=Relationship.Kind.PEER)
    return pair, priya, omar


def _save_profile(client, pair, subjects):
    data = {
        "profile-subjects": subjects,
        "profile-grades": "7",
        "profile-feedback_preferences": "",
        "readiness-notes": "",
    }
    return client.post(reverse("profile_edit", args=[pair.pk]), data)


def test_each_peer_keeps_a_profile_of_the_other_and_sees_their_own_as_the_other_keeps_it(peers, client):
    pair, priya, omar = peers
    client.force_login(priya)
    assert _save_profile(client, pair, "Chemistry").status_code == 302  # Priya writes about Omar
    client.force_login(omar)
    assert _save_profile(client, pair, "Spanish").status_code == 302  # Omar writes about Priya
    assert TeacherProfile.objects.count() == 2
    assert TeacherProfile.objects.about(pair, omar).get().subjects == "Chemistry"
    assert TeacherProfile.objects.about(pair, priya).get().subjects == "Spanish"

    for me, other, theirs, mine in (
        (priya, omar, "Chemistry", "Spanish"),
        (omar, priya, "Spanish", "Chemistry"),
    ):
        client.force_login(me)
        page = client.get(reverse("relationship_detail", args=[pair.pk])).content.decode()
        about_other = page.split(f"About {other.get_short_name()}")[1].split("</article>")[0]
        about_me = page.split(f"You, as {other.get_short_name()} keeps it")[1].split("</article>")[0]
        assert theirs in about_other
        assert mine in about_me
        assert "Your peer in peer coaching" in page
        assert "Your coach" not in page
        assert ">Teacher<" not in page


def test_appreciations_say_who_sent_them_to_whom(peers, client, settings):
    pair, priya, omar = peers
    actions.send_appreciation(pair, priya, "Your lab stations ran themselves.")
    actions.send_appreciation(pair, omar, "The way you waited for answers was lovely.")
    assert [m.to for m in mail.outbox] == [["omar@example.test"], ["priya@example.test"]]
    client.force_login(omar)
    page = client.get(reverse("relationship_detail", args=[pair.pk])).content.decode()
    assert "Priya to you" in page.split("Your lab stations")[0].rsplit("<li>", 1)[1]
    assert "You to Priya" in page.split("The way you waited")[0].rsplit("<li>", 1)[1]


def test_the_starter_agreement_reads_as_peers(peers):
    pair, priya, _ = peers
    sections = coaching_actions.starter_agreement(pair)
    assert "We are peers and take turns" in sections["roles"]
    assert "leads:" not in sections["roles"]
    assert "Neither of us reports on the other" in sections["confidentiality"]
    agreement = coaching_actions.save_agreement(pair, priya, sections)
    labels = [label for label, _ in agreement.sections()]
    assert "What Priya commits to" in labels
    assert "What Omar commits to" in labels
    assert not any("coach" in label.lower() or "the teacher" in label.lower() for label in labels)


def test_a_summary_goes_to_the_other_peer_from_whoever_sends_it(peers):
    pair, _, omar = peers
    start = timezone.now() - datetime.timedelta(hours=2)
    session = coaching_actions.schedule_session(
        pair,
        omar,
        {
            "starts_at": start,
            "ends_at": start + datetime.timedelta(minutes=40),
            "wrap_up_at": start + datetime.timedelta(minutes=35),
        },
        "Room 4",
        "",
    )
    coaching_actions.hold_session(session, "")
    summary = coaching_actions.send_follow_up_summary(session, omar, "Thanks for the ideas.")
    (sent,) = mail.outbox
    assert sent.to == ["priya@example.test"]
    assert sent.reply_to == ["omar@example.test"]
    assert sent.body.startswith("Hello Priya,")
    assert "\n\nOmar Juarez\n" in sent.body  # signed by the sender
    assert summary.sent_to == "priya@example.test"
