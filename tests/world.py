"""The named people every access test uses, with clear relations between them.

    coach ── coaches ──> teacher            (home school; leader leads it)
    other_coach ── coaches ──> other_teacher (other school; other_leader leads it)
    coach_lead leads coach; site_admin administers the district.
    insider: another site administrator (staff, superuser), a member of nothing, who
    tries every way round the policy an administrator has (tests/test_insider.py).

``build_world(extra=True)`` adds what the safety nets need to catch a policy that lets a
member read the other member's private records, or a leader read what was released to
another leader: a second teacher of the home school with their own relationship with the
coach, a second leader of the home school, and records private to each member, each with
a marker that must appear nowhere its readers do not (tests/world_extra.py).

Each principal is one person with one role, so a test that says "the leader"
means exactly that. In the authorization matrix the insider gets what the site
administrator gets unless a row says otherwise (tests/authz.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import Agreement, Commitment, Cycle, Session, Side, Visit
from rapport.people.models import CoachLeadAssignment, Role, User
from rapport.privacy.actions import release
from rapport.privacy.models import Release
from rapport.relationships.models import Note, Relationship, Visibility
from tests.factories import DistrictFactory, NoteFactory, RelationshipFactory, SchoolFactory, person
from tests.world_extra import EXTRA_PEOPLE, Planted, plant

PRINCIPALS = (
    "anonymous",
    "coach",
    "other_coach",
    "teacher",
    "other_teacher",
    "leader",
    "other_leader",
    "coach_lead",
    "site_admin",
    "insider",
)
# Principals who must never see a relationship's private or shared content.
OUTSIDERS = ("other_coach", "other_teacher", "leader", "other_leader", "coach_lead", "site_admin", "insider")


@dataclass
class World:
    coach: User
    other_coach: User
    teacher: User
    other_teacher: User
    leader: User
    other_leader: User
    coach_lead: User
    site_admin: User
    insider: User
    relationship: Relationship
    other_relationship: Relationship
    private_note: Note
    shared_note: Note
    released_note: Note
    release: Release
    # Coaching cycles (rapport.coaching): one of each record in the coach-teacher relationship.
    agreement: Agreement
    cycle: Cycle
    session: Session
    commitment: Commitment
    private_visit: Visit
    shared_visit: Visit
    # The second teacher, the second leader and the marked records (build_world(extra=True)).
    extra: Planted | None = None

    def principal(self, name: str) -> User | None:
        if name == "anonymous":
            return None
        if name in EXTRA_PEOPLE:
            assert self.extra is not None, f"{name} exists only in build_world(extra=True)"
            return getattr(self.extra, name)
        return getattr(self, name)


def build_world(extra: bool = False) -> World:
    district = DistrictFactory(name="Test District")
    home = SchoolFactory(district=district, name="Home School")
    other = SchoolFactory(district=district, name="Other School")
    coach = person(Role.Kind.COACH, home, full_name="Cora Coach", email="coach@example.test")
    other_coach = person(
        Role.Kind.COACH, other, full_name="Oscar Othercoach", email="other.coach@example.test"
    )
    teacher = person(Role.Kind.TEACHER, home, full_name="Tess Teacher", email="teacher@example.test")
    other_teacher = person(
        Role.Kind.TEACHER, other, full_name="Theo Otherteacher", email="other.teacher@example.test"
    )
    leader = person(Role.Kind.SCHOOL_LEADER, home, full_name="Lena Leader", email="leader@example.test")
    other_leader = person(
        Role.Kind.SCHOOL_LEADER, other, full_name="Olaf Otherleader", email="other.leader@example.test"
    )
    coach_lead = person(Role.Kind.COACH_LEAD, home, full_name="Cleo Coachlead", email="lead@example.test")
    site_admin = person(Role.Kind.SITE_ADMIN, home, full_name="Sid Siteadmin", email="admin@example.test")
    insider = person(Role.Kind.SITE_ADMIN, home, full_name="Ivy Insider", email="insider@example.test")
    CoachLeadAssignment.objects.create(coach_lead=coach_lead, coach=coach)
    relationship = RelationshipFactory(coach=coach, teacher=teacher, school=home)
    other_relationship = RelationshipFactory(coach=other_coach, teacher=other_teacher, school=other)
    private_note = NoteFactory(relationship=relationship, body="The coach's own private note.")
    shared_note = NoteFactory(
        relationship=relationship, body="A note shared with the teacher.", visibility=Visibility.SHARED
    )
    released_note = NoteFactory(
        relationship=relationship, body="A note the teacher released.", visibility=Visibility.SHARED
    )
    (leader_release,) = release(released_note, [leader], by=teacher)
    released_note.refresh_from_db()
    coaching = _coaching_records(relationship, coach)
    world = World(
        coach=coach,
        other_coach=other_coach,
        teacher=teacher,
        other_teacher=other_teacher,
        leader=leader,
        other_leader=other_leader,
        coach_lead=coach_lead,
        site_admin=site_admin,
        insider=insider,
        relationship=relationship,
        other_relationship=other_relationship,
        private_note=private_note,
        shared_note=shared_note,
        released_note=released_note,
        release=leader_release,
        **coaching,
    )
    if extra:
        world.extra = plant(world)
    return world


def _coaching_records(relationship: Relationship, coach: User) -> dict:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    def at(hour, minute=0):
        return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(hour, minute)))

    sections = coaching_actions.starter_agreement(relationship)
    sections.update(
        meetings="Tuesdays at 3:15 in room 12, 40 minutes.", feedback_preferences="In writing first."
    )
    # Visits made directly, not through record_visit: the world starts with no recorded contact.
    visit = {"relationship": relationship, "author": coach, "visited_at": timezone.now(), "minutes": 15}
    private_visit = Visit.objects.create(**visit, students_doing="Students sorted word cards in pairs.")
    shared_visit = Visit.objects.create(
        **visit, visibility=Visibility.SHARED, students_doing="Students explained a strategy aloud."
    )
    return {
        "agreement": coaching_actions.save_agreement(relationship, coach, sections),
        "cycle": coaching_actions.start_cycle(
            relationship,
            coach,
            {
                "student_goal": "Students ask each other questions in discussions.",
                "measure": "Count of student-to-student questions in ten minutes.",
                "baseline": 2,
                "target": 10,
                "target_date": tomorrow + datetime.timedelta(days=60),
            },
        ),
        "session": coaching_actions.schedule_session(
            relationship,
            coach,
            {"starts_at": at(15), "ends_at": at(15, 45), "wrap_up_at": at(15, 40)},
            "Room 12",
            "Look at the discussion video together.",
        ),
        "commitment": coaching_actions.add_commitment(
            relationship,
            coach,
            {"owner": Side.COACH, "what": "Send the question-stem cards.", "due_on": tomorrow},
        ),
        "private_visit": private_visit,
        "shared_visit": shared_visit,
    }
