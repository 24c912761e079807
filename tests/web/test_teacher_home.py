"""The teacher's home, "what needs me": the agreement to acknowledge, the next session, the goal,
both sides' promises and what the coach shared lately — and never the coach's private notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import AgreementAcknowledgement, Side
from rapport.people.models import Role
from rapport.privacy.actions import share_with_coach_leads
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.relationships.models import Relationship, Visibility
from rapport.web.teacher_home import RECENT_SHOWN
from tests.conversations.samples import make_conversation
from tests.factories import NoteFactory, RelationshipFactory, SchoolFactory, person

pytestmark = pytest.mark.django_db


def _home(client_as, user) -> str:
    response = client_as(user).get(reverse("teacher_space"))
    assert response.status_code == 200
    return response.content.decode()


def _edit_agreement(world, **changes):
    agreement = world.agreement
    sections = {name: getattr(agreement, name) for name, _ in agreement.SECTIONS} | changes
    return coaching_actions.save_agreement(world.relationship, world.coach, sections)


def test_a_changed_agreement_asks_the_teacher_to_acknowledge_the_new_version(world, client_as):
    agreement = world.agreement
    coaching_actions.acknowledge_agreement(
        agreement, world.teacher, agreement.version, AgreementAcknowledgement.Via.SIGNED_IN
    )
    assert "Your agreement with" not in _home(client_as, world.teacher)

    _edit_agreement(world, focus="Student talk in small groups.")
    page = _home(client_as, world.teacher)
    assert f"Your agreement with {world.coach.get_short_name()} changed" in page
    assert "Version 2 of your coaching agreement" in page
    assert reverse("agreement_detail", args=[world.relationship.pk]) in page

    agreement.refresh_from_db()
    coaching_actions.acknowledge_agreement(
        agreement, world.teacher, 2, AgreementAcknowledgement.Via.SIGNED_IN
    )
    assert "Version 2 of your coaching agreement" not in _home(client_as, world.teacher)


def test_the_next_session_the_goal_and_both_sides_promises(world, client_as):
    mine = coaching_actions.add_commitment(
        world.relationship,
        world.teacher,
        {
            "owner": Side.TEACHER,
            "what": "Try the talk moves in period 3.",
            "due_on": timezone.localdate() - timedelta(days=2),
        },
    )
    page = _home(client_as, world.teacher)
    session = world.session
    assert reverse("session_detail", args=[world.relationship.pk, session.pk]) in page
    assert "Room 12" in page
    assert "Students ask each other questions in discussions." in page
    # Each promise under its owner; the teacher's overdue one is marked, with a Done button.
    yours, theirs = page.split("What you promised")[1].split(f"What {world.coach.get_short_name()} promised")
    assert "Try the talk moves in period 3." in yours
    assert "was due" in yours
    assert reverse("commitment_done", args=[world.relationship.pk, mine.pk]) in yours
    assert "Send the question-stem cards." in theirs.split("</article>")[0]
    assert reverse("commitment_done", args=[world.relationship.pk, world.commitment.pk]) not in page


def test_what_the_coach_shared_lately_but_never_their_private_notes(world, client_as):
    NoteFactory(relationship=world.relationship, body="Private: wonder if she is tired this month.")
    page = _home(client_as, world.teacher)
    shared = page.split("Shared with you lately")[1].split("</article>")[0]
    assert "A note" in shared
    assert "What they noticed in your classroom" in shared  # the shared visit, not the private one
    assert reverse("visit_detail", args=[world.relationship.pk, world.shared_visit.pk]) in shared
    assert reverse("visit_detail", args=[world.relationship.pk, world.private_visit.pk]) not in page
    assert "wonder if she is tired" not in page
    assert world.private_note.body not in page


def test_old_shares_leave_the_list(world, client_as):
    old = timezone.now() - timedelta(days=60)
    for note in (world.shared_note, world.released_note):
        type(note).objects.filter(pk=note.pk).update(created_at=old)
    type(world.shared_visit).objects.filter(pk=world.shared_visit.pk).update(visited_at=old)
    shared = _home(client_as, world.teacher).split("Shared with you lately")[1].split("</article>")[0]
    assert "Nothing in the last four weeks" in shared


def test_reads_on_the_home_page_are_logged_for_the_teachers_own_space(world, client_as):
    _home(client_as, world.teacher)
    purposes = set(AccessLogEntry.objects.filter(accessor=world.teacher).values_list("purpose", flat=True))
    assert purposes == {Purpose.TEACHER_SPACE}


def test_of_many_shared_things_only_the_few_shown_are_read_and_logged(world, client_as):
    """The access log lists what the list showed: the newest five of every kind together, not the
    newest five of each kind."""
    from rapport.privacy.accesslog import record_type_of
    from tests.resources.samples import make_share

    three_days_ago = timezone.now() - timedelta(days=3)
    for note in (world.shared_note, world.released_note):
        type(note).objects.filter(pk=note.pk).update(created_at=three_days_ago)
    type(world.shared_visit).objects.filter(pk=world.shared_visit.pk).update(visited_at=three_days_ago)
    older = make_share(world, note="A handout from two days ago.")
    type(older).objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    notes = []
    for n in range(RECENT_SHOWN + 2):
        note = NoteFactory(relationship=world.relationship, visibility=Visibility.SHARED, body=f"Shared {n}.")
        type(note).objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=n))
        notes.append(note)

    shared = _home(client_as, world.teacher).split("Shared with you lately")[1].split("</article>")[0]

    assert [note.body in shared for note in notes] == [True] * RECENT_SHOWN + [False, False]
    assert "A handout from two days ago." not in shared
    logged = set(
        AccessLogEntry.objects.filter(accessor=world.teacher).values_list("record_type", "record_id")
    )
    assert {(record_type_of(note), note.pk) for note in notes[:RECENT_SHOWN]} <= logged
    assert not {(record_type_of(note), note.pk) for note in notes[RECENT_SHOWN:]} & logged
    assert (record_type_of(older), older.pk) not in logged, "read and logged, though not shown"


def test_a_peer_sees_the_other_peer_and_their_own_promises(db, client_as):
    home = SchoolFactory()
    priya = person(Role.Kind.TEACHER, home, full_name="Priya Peer")
    omar = person(Role.Kind.TEACHER, home, full_name="Omar Peer")
    pair = RelationshipFactory(coach=priya, teacher=omar, school=home, kind=Relationship.Kind.PEER)
    coaching_actions.add_commitment(
        pair,
        omar,
        {"owner": Side.COACH, "what": "Priya films the lesson opening.", "due_on": timezone.localdate()},
    )
    coaching_actions.add_commitment(
        pair,
        omar,
        {"owner": Side.TEACHER, "what": "Omar drafts the exit ticket.", "due_on": timezone.localdate()},
    )
    for me, other, my_promise in (
        (priya, omar, "Priya films the lesson opening."),
        (omar, priya, "Omar drafts the exit ticket."),
    ):
        page = _home(client_as, me)
        assert f"Peer coaching with {other.full_name}" in page
        yours = page.split("What you promised")[1].split("promised")[0]
        assert my_promise in yours


def _query_counter(client):
    """Opens the home page and says how many queries it made."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("teacher_space")).status_code == 200
        return len(queries)

    return count


def test_the_home_page_reads_a_fixed_number_of_queries(world, client_as):
    count = _query_counter(client_as(world.teacher))

    count()  # the first request also sets up the session
    few = count()
    for _ in range(30):
        NoteFactory(relationship=world.relationship, visibility=Visibility.SHARED)
        coaching_actions.add_commitment(
            world.relationship,
            world.coach,
            {"owner": Side.TEACHER, "what": "Read.", "due_on": timezone.localdate()},
        )
    assert count() == few


def test_what_a_coach_and_a_peer_shared_comes_in_one_list_each_kind_read_once(world, client_as):
    """With a coach and a peer, "Shared with you lately" holds what both shared, newest first,
    never what the teacher wrote; a second relationship adds no read: each kind of record, shared
    or on the coaching cards, is read once for all of them."""
    count = _query_counter(client_as(world.teacher))

    count()
    with_coach = count()
    ana = person(Role.Kind.TEACHER, world.relationship.school, full_name="Ana Peer")
    pair = RelationshipFactory(
        kind=Relationship.Kind.PEER, coach=ana, teacher=world.teacher, school=world.relationship.school
    )
    for minutes, author, relationship, body in (
        (5, world.coach, world.relationship, "From the coach, five minutes ago."),
        (1, ana, pair, "From Ana, a minute ago."),
        (0, world.teacher, pair, "The teacher's own note to Ana."),
    ):
        note = NoteFactory(relationship=relationship, author=author, visibility=Visibility.SHARED, body=body)
        type(note).objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))

    shared = _home(client_as, world.teacher).split("Shared with you lately")[1].split("</article>")[0]
    assert shared.index("From Ana, a minute ago.") < shared.index("From the coach, five minutes ago.")
    assert "The teacher's own note to Ana." not in shared

    assert f"Peer coaching with {ana.full_name}" in _home(client_as, world.teacher)
    assert count() == with_coach


def test_nobody_but_a_teacher_has_this_home(world, client_as):
    for user in (world.coach, world.leader, world.site_admin):
        assert client_as(user).get(reverse("teacher_space")).status_code == 403


def test_asks_to_share_cost_the_same_reads_however_many_there_are(world, client_as):
    """The conversations the coach asks to share with a coach lead: their people are read only
    when there are asks, and then in a fixed number of reads, one ask or several."""
    count = _query_counter(client_as(world.teacher))
    count()
    none = count()

    share_with_coach_leads(make_conversation(world), [world.coach_lead])
    one = count()
    assert one > none  # the asks' conversations and people are read only now
    for _ in range(3):
        share_with_coach_leads(make_conversation(world), [world.coach_lead])
    page = _home(client_as, world.teacher)
    asked = f"{world.coach.get_short_name()} asks to share it with {world.coach_lead.full_name}"
    assert page.count(asked) == 4
    assert count() == one
