"""Upgrading turns today's shares into named shares: nobody gains or loses access by it.

Before, a shared conversation and shared practice indicators reached whoever led the coach
when they were read, and an appreciation's copy whoever led the school when it was sent. The
data migrations name those people as they are at upgrade time.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rapport.conversations.models import Conversation
from rapport.people.models import User
from rapport.privacy import policy
from rapport.privacy.actions import answer_consent
from rapport.relationships.models import Relationship, TeacherSettings

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("conversations", "0001_initial"),
    ("insights", "0003_practicesharing"),
    ("relationships", "0003_starter_questions"),
    ("privacy", "0001_initial"),
]
AFTER = [
    ("conversations", "0002_conversation_shares_name_the_coach_lead"),
    ("insights", "0004_practice_shares_name_the_coach_lead"),
    ("relationships", "0004_appreciation_copies_to_named_leaders"),
]
SHARED_AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 15, 30))


def migrate(targets=None):
    """Migrate to ``targets`` (every app's latest when ``None``); the models as they are there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_the_upgrade():
    apps = migrate(BEFORE)
    yield apps
    migrate()


def _world_before(apps) -> dict:
    """Two coaches (one led by two coach leads, one by nobody), their conversations and choices,
    and two teachers, one of whom allowed copies to "my school leader"."""
    district = apps.get_model("people", "District").objects.create(name="Upgrade District")
    School = apps.get_model("people", "School")
    home, other = (School.objects.create(district=district, name=name) for name in ("Home", "Other"))
    User = apps.get_model("people", "User")
    Role = apps.get_model("people", "Role")

    def someone(name, kind, school):
        user = User.objects.create(email=f"{name.lower()}@upgrade.test", full_name=name, password="!")
        district_wide = kind == "coach_lead"
        Role.objects.create(user=user, kind=kind, district=district, school=None if district_wide else school)
        return user

    coach, lone_coach = someone("Ada", "coach", home), someone("Bo", "coach", home)
    first_lead, second_lead = someone("Lee", "coach_lead", home), someone("Lou", "coach_lead", home)
    teacher, quiet_teacher = someone("Tia", "teacher", home), someone("Tom", "teacher", home)
    principal, elsewhere = someone("Pat", "school_leader", home), someone("Oli", "school_leader", other)
    Assignment = apps.get_model("people", "CoachLeadAssignment")
    for lead in (first_lead, second_lead):
        Assignment.objects.create(coach_lead=lead, coach=coach)
    Relationship = apps.get_model("relationships", "Relationship")
    relationship = Relationship.objects.create(coach=coach, teacher=teacher, school=home)
    lone = Relationship.objects.create(coach=lone_coach, teacher=quiet_teacher, school=home)

    Conversation = apps.get_model("conversations", "Conversation")

    def conversation(relationship, shared_at):
        return Conversation.objects.create(
            relationship=relationship,
            author=relationship.coach,
            visibility="shared",
            title="Check-in",
            held_on=datetime.date(2026, 3, 1),
            transcript_data='{"format": "text", "timed": false, "lines": []}',
            speaker_roles_data="{}",
            shared_with_lead_at=shared_at,
        )

    PracticeSharing = apps.get_model("insights", "PracticeSharing")
    PracticeSharing.objects.create(coach=coach, shared_at=SHARED_AT)
    PracticeSharing.objects.create(coach=lone_coach, shared_at=SHARED_AT)
    TeacherSettings = apps.get_model("relationships", "TeacherSettings")
    TeacherSettings.objects.create(teacher=teacher, copy_leader_on_appreciations=True)
    TeacherSettings.objects.create(teacher=quiet_teacher, copy_leader_on_appreciations=False)
    return {
        "shared": conversation(relationship, SHARED_AT).pk,
        "not_shared": conversation(relationship, None).pk,
        "shared_by_a_coach_without_lead": conversation(lone, SHARED_AT).pk,
        "leads": {first_lead.pk, second_lead.pk},
        "coach": coach.pk,
        "lone_coach": lone_coach.pk,
        "teacher": teacher.pk,
        "quiet_teacher": quiet_teacher.pk,
        "principal": principal.pk,
        "elsewhere": elsewhere.pk,
    }


def test_the_upgrade_names_who_could_read_then_and_nobody_else(before_the_upgrade):
    ids = _world_before(before_the_upgrade)

    apps = migrate(AFTER)
    CoachLeadShare = apps.get_model("privacy", "CoachLeadShare")
    shares = CoachLeadShare.objects.filter(ended_at__isnull=True)
    assert {(s.object_id, s.coach_lead_id, s.coach_id) for s in shares} == {
        (ids["shared"], lead, ids["coach"]) for lead in ids["leads"]
    }
    assert {s.shared_at for s in shares} == {SHARED_AT}
    PracticeShare = apps.get_model("privacy", "PracticeShare")
    assert {(s.coach_id, s.coach_lead_id, s.shared_at) for s in PracticeShare.objects.all()} == {
        (ids["coach"], lead, SHARED_AT) for lead in ids["leads"]
    }
    settings_then = apps.get_model("relationships", "TeacherSettings")
    named = {
        s.teacher_id: {u.pk for u in s.appreciation_copies_to.all()} for s in settings_then.objects.all()
    }
    assert named == {ids["teacher"]: {ids["principal"]}, ids["quiet_teacher"]: set()}

    # What the policy answers with today's code, for each coach lead: nothing until the teacher,
    # asked by the upgrade (privacy 0006), agrees.
    migrate()
    leads = User.objects.filter(pk__in=ids["leads"])
    for lead in leads:
        assert list(policy.shared_with_coach_lead(lead, Conversation.objects.all())) == []
    teacher = User.objects.get(pk=ids["teacher"])
    asks = list(policy.consents_asked_of(teacher))
    assert {ask.share.coach_lead_id for ask in asks} == ids["leads"]
    for ask in asks:
        answer_consent(ask, agree=True)
    for lead in leads:
        assert [c.pk for c in policy.shared_with_coach_lead(lead, Conversation.objects.all())] == [
            ids["shared"]
        ]
        assert [c.pk for c in policy.coaches_sharing_practice_with(lead)] == [ids["coach"]]
    relationship = Relationship.objects.get(teacher_id=ids["teacher"])
    recipients = policy.appreciation_copy_recipients(
        relationship, TeacherSettings.leaders_named_by(relationship.teacher)
    )
    assert [leader.pk for leader in recipients] == [ids["principal"]]


def test_going_back_keeps_what_is_shared(before_the_upgrade):
    ids = _world_before(before_the_upgrade)
    migrate(AFTER)

    apps = migrate(BEFORE)
    Conversation = apps.get_model("conversations", "Conversation")
    shared = dict(Conversation.objects.values_list("pk", "shared_with_lead_at"))
    assert shared == {
        ids["shared"]: SHARED_AT,
        ids["not_shared"]: None,
        ids["shared_by_a_coach_without_lead"]: None,
    }
    PracticeSharing = apps.get_model("insights", "PracticeSharing")
    assert list(PracticeSharing.objects.values_list("coach_id", "shared_at")) == [(ids["coach"], SHARED_AT)]
    TeacherSettings = apps.get_model("relationships", "TeacherSettings")
    allowed = dict(TeacherSettings.objects.values_list("teacher_id", "copy_leader_on_appreciations"))
    assert allowed == {ids["teacher"]: True, ids["quiet_teacher"]: False}
