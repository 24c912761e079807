"""The access policy's rules, principal by principal, without HTTP."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.people.models import Role
from rapport.privacy import actions, policy
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.relationships.models import Appreciation, Note, Relationship, Visibility
from tests.factories import NoteFactory, RelationshipFactory, person
from tests.world import OUTSIDERS

pytestmark = pytest.mark.django_db


def visible(user, world):
    return set(policy.visible_records(user, Note.objects.all()).values_list("pk", flat=True))


def test_private_is_the_author_only(world):
    assert world.private_note.pk in visible(world.coach, world)
    for name in ("teacher", *OUTSIDERS):
        assert world.private_note.pk not in visible(world.principal(name), world), name


def test_shared_is_both_members_only(world):
    for name in ("coach", "teacher"):
        assert world.shared_note.pk in visible(world.principal(name), world)
    for name in OUTSIDERS:
        assert world.shared_note.pk not in visible(world.principal(name), world), name


def test_released_adds_exactly_the_named_leader(world):
    assert world.released_note.pk in visible(world.leader, world)
    for name in ("other_leader", "other_coach", "other_teacher", "coach_lead", "site_admin"):
        assert world.released_note.pk not in visible(world.principal(name), world), name


def test_revoking_the_last_release_closes_the_door_and_returns_the_note_to_shared(world):
    actions.revoke(world.release)
    world.released_note.refresh_from_db()
    assert world.released_note.visibility == Visibility.SHARED
    assert world.released_note.pk not in visible(world.leader, world)
    assert world.released_note.pk in visible(world.teacher, world)


def test_a_superuser_flag_grants_nothing(world):
    assert world.site_admin.is_superuser
    assert visible(world.site_admin, world) == set()
    with pytest.raises(Http404):
        policy.get_relationship_for(world.site_admin, world.relationship.pk)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser(), world) == set()
    assert not policy.relationships_for(AnonymousUser()).exists()


def test_only_the_author_may_change(world):
    assert policy.can_change(world.coach, world.shared_note)
    assert not policy.can_change(world.teacher, world.shared_note)
    with pytest.raises(Http404):
        policy.get_record_to_write(
            world.teacher, Note.objects.all(), world.shared_note.pk, policy.Write.CHANGE
        )


def test_only_the_person_it_is_about_may_release_and_only_what_they_can_see(world):
    assert policy.can_release(world.teacher, world.shared_note)
    assert not policy.can_release(world.coach, world.shared_note)
    assert not policy.can_release(world.teacher, world.private_note)
    with pytest.raises(Http404):
        policy.get_record_to_write(
            world.teacher, Note.objects.all(), world.private_note.pk, policy.Write.RELEASE
        )


def test_get_record_for_logs_and_404s(world):
    note = policy.get_record_for(
        world.teacher, Note.objects.all(), world.shared_note.pk, Purpose.TEACHER_SPACE
    )
    assert note == world.shared_note
    with pytest.raises(Http404):
        policy.get_record_for(world.leader, Note.objects.all(), world.shared_note.pk, Purpose.TEACHER_SPACE)


def test_leaders_for_a_relationship_are_its_school_and_district_leaders(world):
    district_leader = person(Role.Kind.DISTRICT_LEADER, world.relationship.school, full_name="Dana District")
    leaders = set(actions.leaders_for(world.relationship))
    assert leaders == {world.leader, district_leader}


def test_peer_coaching_is_symmetric():
    school = RelationshipFactory().school
    ana = person(Role.Kind.TEACHER, school, full_name="Ana Peer")
    ben = person(Role.Kind.TEACHER, school, full_name="Ben Peer")
    pair = RelationshipFactory(kind=Relationship.Kind.PEER, coach=ana, teacher=ben, school=school)

    for me, other in ((ana, ben), (ben, ana)):
        assert pair in policy.caseload_for(me)
        assert pair in policy.coached_in(me)
        assert pair.acts_as_coach(me)
        assert pair.acts_as_teacher(me)
        mine = NoteFactory(relationship=pair, author=me, visibility=Visibility.PRIVATE)
        shared = NoteFactory(relationship=pair, author=me, visibility=Visibility.SHARED)
        assert policy.can_view(me, mine)
        assert not policy.can_view(other, mine)
        assert policy.can_view(other, shared)
        assert policy.can_release(other, shared)
        assert policy.can_release(me, shared)


def test_each_of_a_teachers_coaches_is_a_separate_scope(world):
    math_coach = person(Role.Kind.COACH, world.relationship.school, full_name="Mo Mathcoach")
    math = RelationshipFactory(
        coach=math_coach, teacher=world.teacher, school=world.relationship.school, focus="Math"
    )
    math_shared = NoteFactory(relationship=math, visibility=Visibility.SHARED)

    assert world.shared_note.pk not in visible(math_coach, world)
    assert math_shared.pk not in visible(world.coach, world)
    assert {world.shared_note.pk, math_shared.pk} <= visible(world.teacher, world)
    with pytest.raises(Http404):
        policy.get_relationship_for(math_coach, world.relationship.pk)


def test_one_relationships_records_are_the_general_rule_restricted_to_it(world):
    """Passing the relationship (the members' shortcut) never changes who sees what."""
    NoteFactory(relationship=world.relationship, author=world.teacher, body="The teacher's own note.")
    NoteFactory(relationship=world.other_relationship, body="Another relationship's note.")
    for name in ("coach", "teacher", *OUTSIDERS):
        user = world.principal(name)
        for relationship in (world.relationship, world.other_relationship):
            general = policy.visible_records(user, Note.objects.filter(relationship=relationship))
            scoped = policy.visible_records(user, Note.objects.all(), relationship)
            assert set(scoped.values_list("pk", flat=True)) == set(general.values_list("pk", flat=True)), name
    assert world.private_note.pk not in {
        note.pk for note in policy.visible_records(world.teacher, Note.objects.all(), world.relationship)
    }


def test_caseload_records_are_the_general_rule_restricted_to_the_caseload(world):
    """The coach home's shortcut (``caseload=True``) never changes who sees what."""
    school = world.relationship.school
    ana = person(Role.Kind.TEACHER, school, full_name="Ana Peer")
    pair = RelationshipFactory(kind=Relationship.Kind.PEER, coach=ana, teacher=world.teacher, school=school)
    ended = RelationshipFactory(coach=world.coach, school=school, ended_on=datetime.date(2025, 6, 30))
    NoteFactory(relationship=world.relationship, author=world.teacher, body="The teacher's own note.")
    NoteFactory(relationship=pair, author=ana, visibility=Visibility.PRIVATE)
    NoteFactory(relationship=pair, author=world.teacher, visibility=Visibility.SHARED)
    NoteFactory(relationship=ended, author=world.coach, visibility=Visibility.SHARED)
    released = NoteFactory(relationship=world.relationship, author=world.coach, visibility=Visibility.SHARED)
    actions.release(released, [world.leader], by=world.teacher)
    for name in ("coach", "teacher", *OUTSIDERS):
        user = world.principal(name)
        for me in (user, ana):
            general = policy.visible_records(
                me, Note.objects.filter(relationship__in=policy.caseload_for(me))
            )
            scoped = policy.visible_records(me, Note.objects.all(), caseload=True)
            assert set(scoped.values_list("pk", flat=True)) == set(general.values_list("pk", flat=True)), name
    assert not policy.visible_records(world.leader, Note.objects.all(), caseload=True).exists()
    assert world.private_note.pk in {
        n.pk for n in policy.visible_records(world.coach, Note.objects.all(), caseload=True)
    }
    assert world.private_note.pk not in {
        n.pk for n in policy.visible_records(world.teacher, Note.objects.all(), caseload=True)
    }
    with pytest.raises(ValueError, match="one of"):
        policy.visible_records(world.coach, Note.objects.all(), world.relationship, caseload=True)


def test_records_in_named_relationships_are_the_general_rule_restricted_to_those_of_ones_own(world):
    """The shortcut for relationships a page names (``visible_in``: a teacher's coaches, all of a
    searcher's relationships, ended ones too) never changes who sees what, and a relationship the
    person does not belong to, named by mistake or on purpose, opens nothing."""
    school = world.relationship.school
    ana = person(Role.Kind.TEACHER, school, full_name="Ana Peer")
    pair = RelationshipFactory(kind=Relationship.Kind.PEER, coach=ana, teacher=world.teacher, school=school)
    ended = RelationshipFactory(coach=world.coach, school=school, ended_on=datetime.date(2025, 6, 30))
    NoteFactory(relationship=pair, author=ana, visibility=Visibility.PRIVATE)
    NoteFactory(relationship=pair, author=world.teacher, visibility=Visibility.SHARED)
    NoteFactory(relationship=ended, author=world.coach, visibility=Visibility.PRIVATE)
    released = NoteFactory(relationship=world.relationship, author=world.coach, visibility=Visibility.SHARED)
    actions.release(released, [world.leader], by=world.teacher)
    every_relationship = list(Relationship.objects.all())
    for name in ("coach", "teacher", *OUTSIDERS):
        user = world.principal(name)
        for me in (user, ana):
            general = policy.visible_records(
                me, Note.objects.filter(relationship__in=policy.relationships_for(me))
            )
            expected = set(general.values_list("pk", flat=True))
            for named in (list(policy.relationships_for(me)), every_relationship):
                scoped = policy.visible_in(me, Note.objects.all(), named)
                assert set(scoped.values_list("pk", flat=True)) == expected, name
    # A leader a note was released to reads it on the release's page, not through a member's view.
    assert not policy.visible_in(world.leader, Note.objects.all(), [world.relationship]).exists()
    assert world.private_note.pk in {
        n.pk for n in policy.visible_in(world.coach, Note.objects.all(), [world.relationship])
    }
    assert world.private_note.pk not in {
        n.pk for n in policy.visible_in(world.teacher, Note.objects.all(), [world.relationship])
    }


def _dated(record, field: str, minutes_ago: int):
    type(record).objects.filter(pk=record.pk).update(
        **{field: timezone.now() - datetime.timedelta(minutes=minutes_ago)}
    )
    return record


def _newest_sources():
    return [Note.objects.order_by("-created_at"), Appreciation.objects.order_by("-sent_at")]


def _dated_at(record):
    return record.sent_at if isinstance(record, Appreciation) else record.created_at


def test_the_newest_of_several_kinds_come_together_and_only_those_shown_are_logged(world):
    """``read_newest``: the newest records of all its sources by date, of what the person may see
    in the relationships named; one read per source however long the history, and the access
    log lists exactly what is returned (of what others wrote), not all that was read."""
    rel, coach, teacher = world.relationship, world.coach, world.teacher
    Note.objects.all().delete()
    note_new = _dated(
        NoteFactory(relationship=rel, author=coach, visibility=Visibility.SHARED), "created_at", 1
    )
    _dated(NoteFactory(relationship=rel, author=coach, visibility=Visibility.PRIVATE), "created_at", 0)
    note_old = _dated(
        NoteFactory(relationship=rel, author=teacher, visibility=Visibility.SHARED), "created_at", 30
    )
    thanks = _dated(
        Appreciation.objects.create(
            relationship=rel,
            author=coach,
            visibility=Visibility.SHARED,
            message="Thank you.",
            sent_to="t@example.org",
        ),
        "sent_at",
        10,
    )
    _dated(NoteFactory(relationship=rel, author=coach, visibility=Visibility.SHARED), "created_at", 60)

    before = AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True).last() or 0
    with CaptureQueriesContext(connection) as queries:
        shown = policy.read_newest(teacher, _newest_sources(), Purpose.TEACHER_SPACE, 3, _dated_at, [rel])
    assert [(type(record), record.pk) for record in shown] == [
        (Note, note_new.pk),
        (Appreciation, thanks.pk),
        (Note, note_old.pk),
    ]
    assert shown[1].message == "Thank you."  # read whole, decrypted
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "privacy_access" not in q["sql"]
    ]
    assert len(reads) == 2  # one per source
    logged = AccessLogEntry.objects.filter(seq__gt=before).order_by("seq")
    assert [(entry.record_type, entry.record_id) for entry in logged] == [
        ("relationships.note", note_new.pk),
        ("relationships.appreciation", thanks.pk),
    ]  # the teacher's own note is shown, not logged: nobody else read it
    assert {entry.purpose for entry in logged} == {Purpose.TEACHER_SPACE}

    # The coach also sees their private note; a person outside the relationship sees nothing of it,
    # even when they name it; nothing asked, nothing read.
    for_coach = policy.read_newest(coach, _newest_sources(), Purpose.RELATIONSHIP_PAGE, 1, _dated_at, [rel])
    assert for_coach[0].visibility == Visibility.PRIVATE
    for name in OUTSIDERS:
        outsider = world.principal(name)
        assert policy.read_newest(outsider, _newest_sources(), Purpose.SEARCH, 5, _dated_at, [rel]) == [], (
            name
        )
    assert policy.read_newest(teacher, [], Purpose.TEACHER_SPACE, 5, _dated_at, [rel]) == []


def test_own_records_are_the_general_rule_restricted_to_their_author(world):
    """The coach home's shortcut for what a person wrote (``own=True``) never changes who sees what,
    in an ended relationship too."""
    ended = RelationshipFactory(
        coach=world.coach, school=world.relationship.school, ended_on=datetime.date(2025, 6, 30)
    )
    NoteFactory(relationship=ended, author=world.coach, visibility=Visibility.PRIVATE)
    NoteFactory(relationship=world.relationship, author=world.teacher, visibility=Visibility.SHARED)
    for name in ("coach", "teacher", *OUTSIDERS):
        user = world.principal(name)
        general = policy.visible_records(user, Note.objects.filter(author=user))
        own = policy.visible_records(user, Note.objects.all(), own=True)
        assert set(own.values_list("pk", flat=True)) == set(general.values_list("pk", flat=True)), name
    assert world.private_note.pk in {
        n.pk for n in policy.visible_records(world.coach, Note.objects.all(), own=True)
    }
    with pytest.raises(ValueError, match="one of"):
        policy.visible_records(world.coach, Note.objects.all(), caseload=True, own=True)
