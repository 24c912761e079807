"""Actions check what they are handed (``privacy.refusals``), whoever calls them.

Each case hands an action something the relationship does not allow and expects the refusal
that says so, with nothing written and no email sent: without the check in the action, the
write would go through (or fail some other way) and the case fails.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from rapport.coaching import actions as coaching
from rapport.coaching.models import Side
from rapport.conversations import actions as conversations
from rapport.conversations import transcripts
from rapport.insights import actions as insights
from rapport.privacy import actions as privacy
from rapport.privacy import policy
from rapport.privacy.models import Release
from rapport.privacy.refusals import (
    ActionRefused,
    NotAMember,
    NotTheCoach,
    RelationshipEnded,
    VisibilityRefused,
)
from rapport.relationships import actions as relationships
from rapport.relationships.models import Note, Relationship, Touchpoint, Visibility
from rapport.resources import actions as resources
from tests.conversations.samples import ZOOM_VTT, make_conversation
from tests.factories import DistrictFactory, NoteFactory
from tests.resources.samples import make_resource

pytestmark = pytest.mark.django_db


def end(relationship: Relationship) -> None:
    Relationship.objects.filter(pk=relationship.pk).update(ended_on=datetime.date.today())
    relationship.refresh_from_db()


def record_counts() -> dict[str, int]:
    """How many records of every kind there are, and release rows: a refused action adds none."""
    counts = {model.__name__: model.objects.count() for model in policy.record_models()}
    return counts | {"Release": Release.objects.count()}


def when() -> dict[str, datetime.datetime]:
    starts = timezone.now() + datetime.timedelta(days=2)
    return {
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=1),
        "wrap_up_at": starts + datetime.timedelta(minutes=50),
    }


VISIT = {
    "visited_at": timezone.now(),
    "minutes": 20,
    "students_doing": "",
    "what_worked": "",
    "wonderings": "",
}
COMMITMENT = {"owner": Side.TEACHER, "what": "Try think-pair-share.", "due_on": datetime.date(2030, 1, 1)}

# What a person writes in a relationship, by whom: ``by`` is the person who would write it.
NEW_RECORDS = {
    "note": lambda w, by: relationships.write_note(w.relationship, by, "A note.", Visibility.SHARED),
    "touchpoint": lambda w, by: relationships.log_touchpoint(w.relationship, by, Touchpoint.Kind.HALLWAY),
    "noticing": lambda w, by: relationships.record_noticing(w.relationship, by, "Calm start."),
    "appreciation": lambda w, by: relationships.send_appreciation(w.relationship, by, "Thank you."),
    "agreement": lambda w, by: coaching.save_agreement(
        w.relationship, by, coaching.starter_agreement(w.relationship)
    ),
    "cycle": lambda w, by: coaching.start_cycle(w.relationship, by, {}),
    "evidence": lambda w, by: coaching.add_evidence(w.cycle, by, {}),
    "decision": lambda w, by: coaching.record_decision(w.cycle, by, {}),
    "session": lambda w, by: coaching.schedule_session(w.relationship, by, when(), "Room 4", ""),
    "series": lambda w, by: coaching.schedule_series(
        w.relationship,
        by,
        when(),
        "Room 4",
        "",
        cadence=7,
        dates=[datetime.date(2030, 1, 7), datetime.date(2030, 1, 14)],
    ),
    "summary": lambda w, by: coaching.send_follow_up_summary(w.session, by, "Thanks for today."),
    "commitment": lambda w, by: coaching.add_commitment(w.relationship, by, COMMITMENT),
    "visit": lambda w, by: coaching.record_visit(w.relationship, by, VISIT),
    "conversation": lambda w, by: conversations.import_conversation(
        w.relationship,
        by,
        title="Check-in",
        held_on=w.relationship.started_on,
        transcript=transcripts.parse(ZOOM_VTT),
    ),
    "resource share": lambda w, by: resources.share_resource(w.relationship, by, w.resource),
    "reflection": lambda w, by: insights.save_reflection(w.relationship, by, [], "Going well."),
}
ONLY_THE_COACH = [
    "touchpoint",
    "noticing",
    "appreciation",
    "agreement",
    "cycle",
    "session",
    "series",
    "summary",
    "visit",
    "conversation",
    "resource share",
    "reflection",
]

# What changes a record that is there already, once its relationship has ended.
CHANGES = {
    "note corrected": lambda w: relationships.update_note(w.shared_note, "Changed.", Visibility.SHARED),
    "cycle changed": lambda w: coaching.update_cycle(w.cycle, {"status": "done"}),
    "session held": lambda w: coaching.hold_session(w.session, "We met."),
    "session notes": lambda w: coaching.save_session_notes(w.session, "Notes."),
    "session cancelled": lambda w: coaching.cancel_session(w.session, Side.COACH, "Ill."),
    "series cancelled": lambda w: coaching.cancel_rest_of_series(w.session, Side.COACH, "Ill."),
    "commitment done": lambda w: coaching.complete_commitment(w.commitment),
    "commitment reopened": lambda w: coaching.reopen_commitment(w.commitment),
    "visit shared": lambda w: coaching.share_visit(w.private_visit),
}


@pytest.fixture
def w(world):
    """The world, with a resource on its district's shelf to share."""
    world.resource = make_resource(world)
    return world


def refused(w, call, refusal: type[ActionRefused]) -> ActionRefused:
    before = record_counts()
    with pytest.raises(refusal) as raised:
        call()
    assert record_counts() == before
    assert mail.outbox == []
    assert str(raised.value)
    return raised.value


@pytest.mark.parametrize("kind", NEW_RECORDS)
def test_nothing_new_is_written_in_an_ended_relationship(w, kind):
    end(w.relationship)
    refused(w, lambda: NEW_RECORDS[kind](w, w.coach), RelationshipEnded)


@pytest.mark.parametrize("kind", CHANGES)
def test_nothing_is_changed_in_an_ended_relationship(w, kind):
    end(w.relationship)
    refused(w, lambda: CHANGES[kind](w), RelationshipEnded)


@pytest.mark.parametrize("kind", NEW_RECORDS)
def test_nobody_outside_the_relationship_writes_in_it(w, kind):
    refused(w, lambda: NEW_RECORDS[kind](w, w.other_coach), NotAMember)


@pytest.mark.parametrize("kind", ONLY_THE_COACH)
def test_what_only_the_coach_does_is_refused_to_the_teacher(w, kind):
    refused(w, lambda: NEW_RECORDS[kind](w, w.teacher), NotTheCoach)


def test_a_note_is_written_private_or_shared_never_released(w):
    refused(
        w,
        lambda: relationships.write_note(w.relationship, w.coach, "A note.", Visibility.RELEASED),
        VisibilityRefused,
    )


def test_a_corrected_note_becomes_released_only_through_a_release(w):
    with pytest.raises(VisibilityRefused):
        relationships.update_note(w.shared_note, "Changed.", Visibility.RELEASED)
    w.shared_note.refresh_from_db()
    assert w.shared_note.visibility == Visibility.SHARED
    relationships.update_note(w.released_note, "Still released.", Visibility.RELEASED)
    assert Release.objects.filter(object_id=w.released_note.pk, revoked_at__isnull=True).exists()


def test_a_commitment_made_in_a_session_stays_in_its_relationship(w):
    other_session = coaching.schedule_session(w.other_relationship, w.other_coach, when(), "Room 9", "")
    refused(
        w,
        lambda: coaching.add_commitment(w.relationship, w.coach, COMMITMENT, session=other_session),
        ActionRefused,
    )


def test_a_resource_is_shared_from_the_relationships_own_district_and_keeps_its_own_promises(w):
    elsewhere = make_resource(w)
    elsewhere.district = DistrictFactory(name="Another District")
    elsewhere.save()
    refused(w, lambda: resources.share_resource(w.relationship, w.coach, elsewhere), ActionRefused)
    their_promise = coaching.add_commitment(
        w.other_relationship, w.other_coach, COMMITMENT | {"owner": Side.COACH}
    )
    refused(
        w,
        lambda: resources.share_resource(w.relationship, w.coach, w.resource, commitment=their_promise),
        ActionRefused,
    )


def test_a_comment_comes_from_the_author_or_a_coach_lead_it_is_shared_with(w):
    conversation = make_conversation(w)
    refused(w, lambda: conversations.add_comment(conversation, w.teacher, 3.0, "Hm.", None), NotAMember)
    refused(w, lambda: conversations.add_comment(conversation, w.coach_lead, 3.0, "Hm.", None), NotAMember)


def test_a_reply_answers_a_comment_on_the_same_conversation(w):
    first = make_conversation(w)
    second = make_conversation(w)
    comment = conversations.add_comment(first, w.coach, 3.0, "Here.", None)
    refused(w, lambda: conversations.add_comment(second, w.coach, 3.0, "Reply.", comment), ActionRefused)


def test_speakers_are_not_renamed_once_the_relationship_ended(w):
    conversation = make_conversation(w)
    end(w.relationship)
    with pytest.raises(RelationshipEnded):
        conversations.set_speaker_roles(conversation, {})


def test_only_the_person_it_is_about_releases_what_both_can_read_to_their_leaders(w):
    private = NoteFactory(relationship=w.relationship, author=w.coach, visibility=Visibility.PRIVATE)
    shared = NoteFactory(relationship=w.relationship, author=w.coach, visibility=Visibility.SHARED)
    refused(w, lambda: privacy.release(private, [w.leader], by=w.teacher), VisibilityRefused)
    refused(w, lambda: privacy.release(shared, [w.leader], by=w.coach), NotAMember)
    refused(w, lambda: privacy.release(shared, [w.other_leader], by=w.teacher), ActionRefused)
    assert Note.objects.get(pk=shared.pk).visibility == Visibility.SHARED
