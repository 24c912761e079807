"""Each rule of rapport/privacy/policy.py, asked directly, in the extra world.

These are the tests ``make mutation`` runs against every mutant of the policy module
(with the rest of tests/privacy): a change to who may read, change, release, erase or
play what must make one of them fail. docs/architecture.md lists the mutants that
survive and why none of them changes who may read what.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from rapport.people.models import Role, User
from rapport.privacy import accesslog, actions, policy
from rapport.privacy.models import AccessLogEntry, CoachLeadShare, Purpose, ShareEnded
from rapport.relationships.models import Note, Relationship, Visibility
from tests.conversations.samples import make_conversation
from tests.factories import NoteFactory, RelationshipFactory, person
from tests.world import build_world
from tests.world_extra import people, policy_answer_failures, world_readers

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


@pytest.fixture
def world(db):
    return build_world(extra=True)


def end(relationship: Relationship) -> Relationship:
    Relationship.objects.filter(pk=relationship.pk).update(ended_on=datetime.date.today())
    relationship.refresh_from_db()
    return relationship


def notes(world):
    return Note.objects.all()


@pytest.fixture
def peers(db):
    school = RelationshipFactory().school
    ana = person(Role.Kind.TEACHER, school, full_name="Ana Peer")
    ben = person(Role.Kind.TEACHER, school, full_name="Ben Peer")
    pair = RelationshipFactory(kind=Relationship.Kind.PEER, coach=ana, teacher=ben, school=school)
    return ana, ben, pair


# --- Who reads what --------------------------------------------------------------------------


def test_every_answer_about_who_reads_what(world):
    """can_view and visible_records (in general, in one relationship, in a caseload), for
    everyone, about every record whose readers the world writes out."""
    assert policy_answer_failures(world, world_readers(world), people(world)) == []


def test_an_anonymous_visitor_and_an_inactive_person_read_nothing(world):
    world.coach.is_active = False
    for user in (None, ANONYMOUS, world.coach):
        assert not policy.can_view(user, world.private_note)
        assert not policy.visible_records(user, notes(world)).exists()
        assert not policy.visible_records(user, notes(world), world.relationship).exists()
        assert not policy.visible_records(user, notes(world), caseload=True).exists()
        assert not policy.visible_in(user, notes(world), [world.relationship]).exists()
        assert not policy.relationships_for(user).exists()
        assert not policy.caseload_for(user).exists()
        assert not policy.coached_in(user).exists()
        assert policy.records_about(user) == {}
        assert not policy.releases_for_leader(user).exists()
        assert not policy.releases_by(user).exists()
        assert not policy.access_log_for(user).exists()
        assert policy.newest_access_log_for(user, 10) == []
        assert not policy.administrative_changes_for(user).exists()
        assert not policy.coach_lead_shares_about(user).exists()
        assert not policy.coaches_sharing_practice_with(user).exists()
        assert not policy.shared_with_coach_lead(user, notes(world)).exists()


@pytest.mark.parametrize(
    ("with_relationship", "options"),
    [
        (True, {"caseload": True}),
        (True, {"own": True}),
        (False, {"caseload": True, "own": True}),
    ],
    ids=["relationship+caseload", "relationship+own", "caseload+own"],
)
def test_at_most_one_scope_is_asked_for(world, with_relationship, options):
    relationship = world.relationship if with_relationship else None
    message = r"^Pass one of a relationship, caseload=True or own=True\.$"
    with pytest.raises(ValueError, match=message):
        policy.visible_records(world.coach, notes(world), relationship, **options)


def test_relationships_by_side(world, peers):
    second = world.extra.second_relationship
    assert set(policy.relationships_for(world.coach)) == {world.relationship, second}
    assert set(policy.relationships_for(world.teacher)) == {world.relationship}
    assert set(policy.caseload_for(world.coach)) == {world.relationship, second}
    assert not policy.caseload_for(world.teacher).exists()
    assert set(policy.coached_in(world.teacher)) == {world.relationship}
    assert not policy.coached_in(world.coach).exists()
    end(second)
    assert set(policy.caseload_for(world.coach)) == {world.relationship}, "an ended relationship"
    assert second in policy.relationships_for(world.coach), "its members still read it"
    ana, ben, pair = peers
    for me in (ana, ben):
        assert set(policy.caseload_for(me)) == set(policy.coached_in(me)) == {pair}


def test_the_relationship_door(world):
    assert policy.get_relationship_for(world.teacher, world.relationship.pk) == world.relationship
    for user in (world.leader, world.extra.second_teacher, world.site_admin, ANONYMOUS):
        with pytest.raises(Http404):
            policy.get_relationship_for(user, world.relationship.pk)
    assert policy.get_coached_relationship_for(world.coach, world.relationship.pk) == world.relationship
    with pytest.raises(Http404):
        policy.get_coached_relationship_for(world.teacher, world.relationship.pk)
    end(world.relationship)
    with pytest.raises(Http404):
        policy.get_coached_relationship_for(world.coach, world.relationship.pk)


def test_records_about_a_person_are_theirs_alone(world):
    found = policy.records_about(world.teacher)[Note]
    assert world.extra.records["coach_private"] in found, "the person it is about reads it in their export"
    assert world.extra.records["second_coach_private"] not in found
    assert not policy.records_about(world.coach)[Note], "a coach is the subject of nothing here"
    assert set(policy.records_about(world.extra.second_teacher)[Note]) == set(
        Note.objects.filter(relationship=world.extra.second_relationship)
    )


# --- Who changes, manages, completes, releases, erases ----------------------------------------


def test_only_the_author_changes_while_a_member_and_until_the_end(world):
    mine = world.extra.records["teacher_private"]
    assert policy.can_change(world.teacher, mine)
    assert policy.get_record_to_write(world.teacher, notes(world), mine.pk, policy.Write.CHANGE) == mine
    for user in (world.coach, world.leader, ANONYMOUS):
        assert not policy.can_change(user, mine)
    with pytest.raises(Http404):
        policy.get_record_to_write(world.coach, notes(world), mine.pk, policy.Write.CHANGE)
    assert (
        policy.get_record_to_write(world.coach, notes(world), world.shared_note.pk, policy.Write.CHANGE)
        == world.shared_note
    )
    end(world.relationship)
    mine.refresh_from_db()
    assert not policy.can_change(world.teacher, mine)
    with pytest.raises(Http404):
        policy.get_record_to_write(world.teacher, notes(world), mine.pk, policy.Write.CHANGE)


def test_a_peer_manages_the_other_peers_shared_record_never_their_private_one(peers):
    ana, ben, pair = peers
    shared = NoteFactory(relationship=pair, author=ana, visibility=Visibility.SHARED)
    private = NoteFactory(relationship=pair, author=ana, visibility=Visibility.PRIVATE)
    assert policy.get_record_to_write(ben, Note.objects.all(), shared.pk, policy.Write.MANAGE) == shared
    assert policy.get_record_to_write(ana, Note.objects.all(), private.pk, policy.Write.MANAGE) == private
    with pytest.raises(Http404):
        policy.get_record_to_write(ben, Note.objects.all(), private.pk, policy.Write.MANAGE)
    end(pair)
    with pytest.raises(Http404):
        policy.get_record_to_write(ana, Note.objects.all(), shared.pk, policy.Write.MANAGE)


def test_a_teacher_does_not_manage_and_a_leader_does_not_complete(world):
    with pytest.raises(Http404):
        policy.get_record_to_write(world.teacher, notes(world), world.shared_note.pk, policy.Write.MANAGE)
    assert (
        policy.get_record_to_write(world.coach, notes(world), world.shared_note.pk, policy.Write.MANAGE)
        == world.shared_note
    )
    assert (
        policy.get_record_to_write(world.teacher, notes(world), world.shared_note.pk, policy.Write.COMPLETE)
        == world.shared_note
    )
    for user, note in (
        (world.leader, world.released_note),
        (world.teacher, world.private_note),
        (world.extra.second_leader, world.released_note),
    ):
        with pytest.raises(Http404):
            policy.get_record_to_write(user, notes(world), note.pk, policy.Write.COMPLETE)


def test_only_the_person_it_is_about_releases_what_both_can_see(world):
    assert policy.can_release(world.teacher, world.shared_note)
    assert not policy.can_release(world.coach, world.shared_note)
    assert not policy.can_release(world.teacher, world.extra.records["teacher_private"])
    assert not policy.can_release(ANONYMOUS, world.shared_note)
    before = AccessLogEntry.objects.count()
    assert (
        policy.get_record_to_write(world.teacher, notes(world), world.shared_note.pk, policy.Write.RELEASE)
        == world.shared_note
    )
    assert AccessLogEntry.objects.count() == before + 1
    for user, note in ((world.coach, world.shared_note), (world.teacher, world.private_note)):
        with pytest.raises(Http404):
            policy.get_record_to_write(user, notes(world), note.pk, policy.Write.RELEASE)


def test_the_author_or_the_person_it_is_about_erases(world):
    assert (
        policy.get_record_to_write(world.coach, notes(world), world.private_note.pk, policy.Write.ERASE)
        == world.private_note
    )
    assert (
        policy.get_record_to_write(world.teacher, notes(world), world.shared_note.pk, policy.Write.ERASE)
        == world.shared_note
    )
    for user, note in (
        (world.teacher, world.private_note),
        (world.leader, world.released_note),
        (world.coach, world.extra.records["teacher_private"]),
    ):
        with pytest.raises(Http404):
            policy.get_record_to_write(user, notes(world), note.pk, policy.Write.ERASE)


# --- Releases --------------------------------------------------------------------------------


def test_a_release_is_the_named_leaders_and_the_teachers_to_revoke(world):
    assert world.release in policy.releases_for_leader(world.leader)
    assert not policy.releases_for_leader(world.extra.second_leader).exists()
    assert policy.get_release_for_leader(world.leader, world.release.pk) == world.release
    for leader in (world.extra.second_leader, world.other_leader):
        with pytest.raises(Http404):
            policy.get_release_for_leader(leader, world.release.pk)
    assert world.release in policy.releases_by(world.teacher)
    assert not policy.releases_by(world.coach).exists()
    with pytest.raises(Http404):
        policy.get_release_to_revoke(world.coach, world.release.pk)
    assert policy.get_release_to_revoke(world.teacher, world.release.pk) == world.release
    assert policy.read_released_record(world.leader, world.release, Purpose.RELEASED_TO_LEADER) == (
        world.released_note
    )
    actions.revoke(world.release)
    for call in (policy.get_release_for_leader, policy.get_release_to_revoke):
        with pytest.raises(Http404):
            call(world.leader if call is policy.get_release_for_leader else world.teacher, world.release.pk)


def test_who_looked_lists_the_others_reads(world):
    policy.get_record_for(world.teacher, notes(world), world.shared_note.pk, Purpose.RELATIONSHIP_PAGE)
    policy.get_record_for(world.leader, notes(world), world.released_note.pk, Purpose.RELEASED_TO_LEADER)
    assert {entry.accessor for entry in policy.access_log_for(world.teacher)} == {world.leader}
    assert not policy.access_log_for(world.extra.second_teacher).exists()


def test_who_looked_counts_readers_on_both_sides_of_the_persons_id(world):
    """ "Anyone else" is asked of the database as the readers before and after the person (by id):
    a reader on either side is listed, the person's own reads never are."""
    author = world.shared_note.author  # an author's reads are not logged
    earlier = User.objects.filter(pk__lt=world.teacher.pk).exclude(pk=author.pk).order_by("pk").first()
    later = person(Role.Kind.DISTRICT_LEADER, world.relationship.school)
    assert earlier is not None
    assert later.pk > world.teacher.pk
    for reader in (earlier, world.teacher, later, world.teacher):
        accesslog.append(reader, [world.shared_note], Purpose.RELATIONSHIP_PAGE)
    readers = [entry.accessor for entry in policy.access_log_for(world.teacher).order_by("seq")]
    assert readers == [earlier, later]
    newest = policy.newest_access_log_for(world.teacher, 10)
    assert [entry.accessor for entry in newest] == [later, earlier]
    assert [entry.accessor for entry in policy.newest_access_log_for(world.teacher, 1)] == [later]
    older = policy.newest_access_log_for(world.teacher, 10, before=newest[0].seq)
    assert [entry.accessor for entry in older] == [earlier]


def test_changes_by_administrators_are_those_naming_the_person_on_either_side(world):
    from rapport.privacy.models import AdministrationLogEntry

    for user in (world.coach, world.teacher):
        mine = set(policy.administrative_changes_for(user))
        assert any(entry.relationship_id == world.relationship.pk for entry in mine), user
        either = AdministrationLogEntry.objects.filter(
            person_id=user.pk
        ) | AdministrationLogEntry.objects.filter(other_person_id=user.pk)
        assert mine == set(either)
    assert not policy.administrative_changes_for(world.extra.second_leader).filter(
        relationship_id=world.relationship.pk
    )


# --- Conversations: recordings, comments, coach leads ---------------------------------------


def test_a_recording_plays_to_its_owner_and_the_coach_lead_it_is_shared_with(world):
    conversation = make_conversation(world, shared=True)
    assert policy.may_play_recording(world.coach, conversation)
    assert policy.may_play_recording(world.coach_lead, conversation)
    for user in (None, ANONYMOUS, world.teacher, world.leader, world.other_coach, world.site_admin):
        assert not policy.may_play_recording(user, conversation), user
    assert policy.may_comment_on(world.coach, conversation)
    assert policy.may_comment_on(world.coach_lead, conversation)
    assert not policy.may_comment_on(world.teacher, conversation)
    assert policy.purpose_of_reading(world.teacher, conversation) == Purpose.RELATIONSHIP_PAGE
    assert policy.purpose_of_reading(world.coach_lead, conversation) == Purpose.SHARED_WITH_COACH_LEAD
    found = policy.get_record_for(
        world.coach_lead,
        type(conversation).objects.all(),
        conversation.pk,
        Purpose.RELATIONSHIP_PAGE,
        shared_with_lead=True,
    )
    assert found == conversation
    with pytest.raises(Http404):
        policy.get_record_for(
            world.leader,
            type(conversation).objects.all(),
            conversation.pk,
            Purpose.RELATIONSHIP_PAGE,
            shared_with_lead=True,
        )


def test_a_share_shown_to_others_is_the_open_one_and_its_author_sees_them_all(world):
    conversation = make_conversation(world, shared=True)
    share = CoachLeadShare.objects.get(object_id=conversation.pk)
    assert policy.coach_lead_shares_of(world.teacher, conversation) == [share]
    assert policy.coach_lead_shares_about(world.teacher).filter(pk=share.pk).exists()
    assert not policy.coach_lead_shares_about(world.coach).exists()
    CoachLeadShare.objects.filter(pk=share.pk).end(ShareEnded.BY_COACH)
    assert policy.coach_lead_shares_of(world.coach, conversation) == [CoachLeadShare.objects.get(pk=share.pk)]
    assert policy.coach_lead_shares_of(world.teacher, conversation) == []
    assert not policy.may_play_recording(world.coach_lead, conversation)
    assert not policy.shared_with_coach_lead(world.coach_lead, type(conversation).objects.all()).exists()


# --- Reads are logged, as many as are shown -----------------------------------------------------


def logged(user) -> int:
    return AccessLogEntry.objects.filter(accessor=user).count()


def test_read_records_reads_and_logs_what_is_shown(world):
    released = [world.released_note, world.extra.records["released"]]
    everything = Note.objects.order_by("pk")
    assert policy.read_records(world.leader, everything, Purpose.RELEASED_TO_LEADER) == released
    assert logged(world.leader) == 2
    assert policy.read_records(world.leader, everything, Purpose.RELEASED_TO_LEADER, limit=1) == released[:1]
    assert logged(world.leader) == 3
    mine = policy.read_records(world.teacher, everything, Purpose.RELATIONSHIP_PAGE, None, world.relationship)
    assert world.extra.records["teacher_private"] in mine
    assert world.private_note not in mine
    second = world.extra.second_relationship
    in_caseload = policy.read_records(world.coach, everything, Purpose.RELATIONSHIP_PAGE, caseload=True)
    assert world.extra.records["second_shared"] in in_caseload
    assert world.extra.records["second_teacher_private"] not in in_caseload
    assert second.pk in {note.relationship_id for note in in_caseload}


def test_a_shared_conversation_read_by_its_coach_lead_is_logged_unless_told_not_to(world):
    conversation = make_conversation(world, shared=True)
    conversations = type(conversation).objects.all()
    policy.get_record_for(
        world.coach_lead, conversations, conversation.pk, Purpose.RELATIONSHIP_PAGE, shared_with_lead=True
    )
    assert AccessLogEntry.objects.filter(
        accessor=world.coach_lead, purpose=Purpose.SHARED_WITH_COACH_LEAD
    ).exists()
    before = logged(world.coach_lead)
    policy.get_record_for(
        world.coach_lead,
        conversations,
        conversation.pk,
        Purpose.RELATIONSHIP_PAGE,
        shared_with_lead=True,
        logged=False,
    )
    assert logged(world.coach_lead) == before
    found = policy.read_shared_with_coach_lead(world.coach_lead, conversations)
    assert found == [conversation]
    assert found[0].shared_with_me_at is not None
    assert logged(world.coach_lead) == before + 1
    assert policy.read_shared_with_coach_lead(world.leader, conversations) == []
    policy.read_records_of(world.coach_lead, conversation, Note.objects.filter(pk=world.shared_note.pk))
    assert logged(world.coach_lead) == before + 2
    assert policy.visible_or_shared_with_lead(world.coach_lead, conversations).get() == conversation
    assert not policy.visible_or_shared_with_lead(world.other_coach, conversations).exists()


def test_the_read_door_logs_a_members_read_through_it_with_the_purpose_given(world):
    conversation = make_conversation(world, shared=True)
    policy.get_record_for(
        world.teacher,
        type(conversation).objects.all(),
        conversation.pk,
        Purpose.CONSENT,
        shared_with_lead=True,
    )
    assert AccessLogEntry.objects.filter(accessor=world.teacher, purpose=Purpose.CONSENT).count() == 1


def test_of_the_writes_only_a_release_is_logged_as_a_read(world):
    before = AccessLogEntry.objects.count()
    for user, why in (
        (world.coach, policy.Write.MANAGE),
        (world.teacher, policy.Write.COMPLETE),
        (world.teacher, policy.Write.ERASE),
    ):
        policy.get_record_to_write(user, notes(world), world.shared_note.pk, why)
    assert AccessLogEntry.objects.count() == before
    policy.get_record_to_write(world.teacher, notes(world), world.shared_note.pk, policy.Write.RELEASE)
    assert AccessLogEntry.objects.filter(purpose=Purpose.RELEASE).count() == 1


def test_practice_is_shared_with_the_named_coach_lead_by_an_active_coach(world):
    from rapport.privacy.models import PracticeShare

    PracticeShare.objects.create(coach=world.coach, coach_lead=world.coach_lead)
    assert list(policy.coaches_sharing_practice_with(world.coach_lead)) == [world.coach]
    assert not policy.coaches_sharing_practice_with(world.leader).exists()
    type(world.coach).objects.filter(pk=world.coach.pk).update(is_active=False)
    assert not policy.coaches_sharing_practice_with(world.coach_lead).exists()
    PracticeShare.objects.create(coach=world.other_coach, coach_lead=world.coach_lead)
    PracticeShare.objects.filter(coach=world.other_coach).end(ShareEnded.BY_COACH)
    assert not policy.coaches_sharing_practice_with(world.coach_lead).exists()


def test_appreciation_copies_go_to_named_leaders_of_the_school_still_leading_it(world):
    from rapport.relationships.models import TeacherSettings

    district_leader = person(Role.Kind.DISTRICT_LEADER, world.relationship.school, full_name="Dana District")
    choices = list(policy.appreciation_copy_choices(world.teacher))
    assert choices == sorted({world.leader, world.extra.second_leader}, key=lambda u: (u.full_name, u.pk))
    assert district_leader not in choices
    assert world.other_leader not in choices
    assert not policy.appreciation_copy_choices(world.coach).exists()
    assert (
        policy.appreciation_copy_recipients(
            world.relationship, TeacherSettings.leaders_named_by(world.teacher)
        )
        == []
    )
    settings = TeacherSettings.objects.create(teacher=world.teacher)
    settings.appreciation_copies_to.set([world.leader, world.other_leader])
    assert policy.appreciation_copy_recipients(
        world.relationship, TeacherSettings.leaders_named_by(world.teacher)
    ) == [world.leader]
    type(world.leader).objects.filter(pk=world.leader.pk).update(is_active=False)
    assert (
        policy.appreciation_copy_recipients(
            world.relationship, TeacherSettings.leaders_named_by(world.teacher)
        )
        == []
    )
