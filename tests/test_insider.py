"""The insider: a site administrator (staff, superuser), a member of nothing, tries every way
round the policy an administrator has (issue 16). Each path ends with nobody reading anything
new, and leaves a trace in the administration log that the people concerned read.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from rapport.conversations.models import Conversation
from rapport.insights import exports
from rapport.insights.models import Export
from rapport.people.models import CoachLeadAssignment, Role
from rapport.privacy import policy
from rapport.privacy.models import AdministrationLogEntry, AdministrativeChange, AppendOnlyError
from rapport.relationships.models import FixedMembershipError, Note, Relationship
from tests.conversations.samples import make_conversation, wav_bytes
from tests.conversations.test_named_sharing import OPEN, SHUT, reads, share
from tests.insights.test_exports import unzip
from tests.world import build_world
from tests.world_extra import policy_answer_failures, world_readers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """The extra world (tests/world_extra.py): a second teacher and leader, records private to
    each member; the insider reads none of them either."""
    return build_world(extra=True)


def admin_change_form(world, **changes) -> dict:
    """What the administration's change form of the world's relationship posts, with ``changes``."""
    relationship = world.relationship
    data = {
        "kind": relationship.kind,
        "coach": relationship.coach_id,
        "teacher": relationship.teacher_id,
        "school": relationship.school_id,
        "focus": relationship.focus,
        "started_on": relationship.started_on.isoformat(),
        "ended_on": "",
    }
    return {**data, **changes}


def members(world) -> tuple[int, int, str]:
    return Relationship.objects.values_list("coach_id", "teacher_id", "kind").get(pk=world.relationship.pk)


def insider_reads_nothing(client, world) -> None:
    for url in (
        reverse("relationship_detail", args=[world.relationship.pk]),
        reverse("agreement_detail", args=[world.relationship.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert policy.records_about(world.insider) == {model: [] for model in policy.record_models()}
    assert policy_answer_failures(world, world_readers(world), ["insider"]) == []


@pytest.mark.parametrize("side", ["teacher", "coach"])
def test_the_admin_change_form_cannot_swap_a_member(world, client_as, side):
    before = members(world)
    client = client_as(world.insider)
    url = reverse("admin:relationships_relationship_change", args=[world.relationship.pk])

    response = client.post(url, admin_change_form(world, **{side: world.insider.pk}, kind="peer"))

    assert response.status_code == 302  # the other fields saved; the members are not fields
    assert members(world) == before
    insider_reads_nothing(client, world)
    page = client.get(url).content.decode()
    assert f'name="{side}"' not in page, "the members are shown, not offered for editing"
    teacher = client_as(world.teacher)
    assert teacher.get(reverse("relationship_detail", args=[world.relationship.pk])).status_code == 200


def test_an_admin_cannot_add_a_relationship_with_themselves(world, client_as):
    count = Relationship.objects.count()
    for side, other in (("coach", "teacher"), ("teacher", "coach")):
        data = admin_change_form(
            world, **{side: world.insider.pk, other: getattr(world, other).pk}, focus="New"
        )
        response = client_as(world.insider).post(reverse("admin:relationships_relationship_add"), data)
        assert response.status_code == 200
        assert "You cannot add a relationship you belong to" in response.content.decode()
    assert Relationship.objects.count() == count
    assert not policy.relationships_for(world.insider).exists()


def test_another_admin_may_add_it_and_the_members_read_who_did(world, client_as):
    data = admin_change_form(world, coach=world.insider.pk, focus="Math")
    response = client_as(world.site_admin).post(reverse("admin:relationships_relationship_add"), data)
    assert response.status_code == 302
    entry = policy.administrative_changes_for(world.teacher).get(
        change=AdministrativeChange.RELATIONSHIP_STARTED, actor=world.site_admin
    )
    assert entry.actor_label == world.site_admin.full_name
    assert world.insider.full_name in entry.description


def test_the_orm_cannot_change_members_nor_move_a_record(world):
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    relationship.teacher = world.insider
    with pytest.raises(FixedMembershipError):
        relationship.save()
    with pytest.raises(FixedMembershipError):
        Relationship.objects.filter(pk=relationship.pk).update(coach=world.insider)
    with pytest.raises(FixedMembershipError):
        Relationship.objects.filter(pk=relationship.pk).update(kind=Relationship.Kind.PEER)
    note = Note.objects.get(pk=world.private_note.pk)
    note.relationship = world.other_relationship
    with pytest.raises(FixedMembershipError):
        note.save()
    assert members(world) == (world.coach.pk, world.teacher.pk, Relationship.Kind.COACHING)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("relationships_relationship", "teacher_id"),
        ("relationships_relationship", "coach_id"),
        ("relationships_note", "author_id"),
        ("relationships_note", "relationship_id"),
    ],
)
def test_raw_sql_cannot_change_members_nor_move_a_record(world, table, column):
    """Below the models: the database itself refuses (SQLite and PostgreSQL triggers)."""
    row = world.relationship.pk if table == "relationships_relationship" else world.private_note.pk
    value = world.other_relationship.pk if column == "relationship_id" else world.insider.pk
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row])  # noqa: S608
    assert members(world) == (world.coach.pk, world.teacher.pk, Relationship.Kind.COACHING)
    assert Note.objects.get(pk=world.private_note.pk).author_id == world.coach.pk


def test_a_new_coach_lead_assignment_opens_nothing_shared_before_and_is_logged(world, client, client_as):
    conversation = make_conversation(world, recording=wav_bytes(0.5))
    share(client_as, world, conversation, world.coach_lead)
    client_as(world.insider)
    response = client.post(
        reverse("admin:people_user_change", args=[world.insider.pk]), _with_coach_lead_role(world)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("admin:people_coachleadassignment_add"),
        {"coach_lead": world.insider.pk, "coach": world.coach.pk},
    )
    assert response.status_code == 302
    assert CoachLeadAssignment.objects.filter(coach_lead=world.insider, coach=world.coach).exists()

    assert reads(client_as(world.insider), conversation) == SHUT
    assert reads(client_as(world.coach_lead), Conversation.objects.get(pk=conversation.pk)) == OPEN
    assert policy.administrative_changes_for(world.coach).filter(
        change=AdministrativeChange.COACH_LEAD_ASSIGNED, actor_label=world.insider.full_name
    )
    page = client_as(world.coach).get(reverse("administrative_changes")).content.decode()
    assert f"{world.insider.full_name} became coach lead of {world.coach.full_name}" in page


def _with_coach_lead_role(world) -> dict:
    """The insider's own change form, adding themselves a coach-lead role."""
    role = Role.objects.get(user=world.insider)
    return {
        "full_name": world.insider.full_name,
        "sourced_id": "",
        "is_active": "on",
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "1",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": role.pk,
        "roles-0-user": world.insider.pk,
        "roles-0-kind": role.kind,
        "roles-0-district": role.district_id,
        "roles-0-school": "",
        "roles-1-id": "",
        "roles-1-user": world.insider.pk,
        "roles-1-kind": Role.Kind.COACH_LEAD,
        "roles-1-district": role.district_id,
        "roles-1-school": "",
    }


def test_the_teachers_export_after_a_swap_attempt(world, client_as):
    url = reverse("admin:relationships_relationship_change", args=[world.relationship.pk])
    client_as(world.insider).post(url, admin_change_form(world, teacher=world.insider.pk))

    insider_export = Export.objects.create(owner=world.insider, kind=Export.Kind.MY_DATA)
    exports.run(insider_export.pk)
    insider_export.refresh_from_db()
    data, page = unzip(insider_export)
    assert all(records == [] for records in data["records"].values())
    assert world.private_note.body not in page

    teacher_export = Export.objects.create(owner=world.teacher, kind=Export.Kind.MY_DATA)
    exports.run(teacher_export.pk)
    teacher_export.refresh_from_db()
    data, _ = unzip(teacher_export)
    assert world.private_note.body in [note["body"] for note in data["records"]["relationships.Note"]]


def test_the_administration_log_cannot_be_rewritten(world, client_as):
    client_as(world.insider).post(
        reverse("admin:relationships_relationship_change", args=[world.relationship.pk]),
        admin_change_form(world, ended_on=world.relationship.started_on.isoformat()),
    )
    entry = AdministrationLogEntry.objects.get(change=AdministrativeChange.RELATIONSHIP_ENDED)
    assert entry.actor_label == world.insider.full_name
    assert {entry} <= set(policy.administrative_changes_for(world.teacher))
    assert {entry} <= set(policy.administrative_changes_for(world.coach))
    assert entry not in set(policy.administrative_changes_for(world.other_teacher))
    for attempt in (
        entry.delete,
        lambda: AdministrationLogEntry.objects.filter(pk=entry.pk).update(description="Nothing happened."),
        lambda: AdministrationLogEntry.objects.all().delete(),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    entry.description = "Nothing happened."
    with pytest.raises(AppendOnlyError):
        entry.save()
