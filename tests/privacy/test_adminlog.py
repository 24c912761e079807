"""The administration log: every change to who can reach coaching records, whichever path makes it,
read by the people it concerns on "Changes by administrators"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from rapport.people.models import CoachLeadAssignment, District, Role
from rapport.privacy import adminlog, policy
from rapport.privacy.models import AdministrationLogEntry, AdministrativeChange
from rapport.relationships.models import Relationship
from rapport.roster import importer as roster
from tests.factories import RelationshipFactory, SchoolFactory, person

pytestmark = pytest.mark.django_db
Change = AdministrativeChange


def latest(change: str) -> AdministrationLogEntry:
    return AdministrationLogEntry.objects.filter(change=change).order_by("-pk").first()


def test_code_outside_a_request_is_logged_as_the_system(world):
    world.relationship.ended_on = datetime.date(2026, 6, 30)
    world.relationship.save()
    entry = latest(Change.RELATIONSHIP_ENDED)
    assert entry.actor_label == adminlog.SYSTEM
    assert entry.actor is None
    assert "Cora Coach coaching Tess Teacher" in entry.description
    assert (entry.person_id, entry.other_person_id) == (world.coach.pk, world.teacher.pk)


def test_each_kind_of_change_is_logged_for_the_people_it_concerns(world):
    with adminlog.acting(world.site_admin):
        relationship = RelationshipFactory(
            coach=world.other_teacher, teacher=world.teacher, kind=Relationship.Kind.PEER, focus="Peer"
        )
        relationship.school = world.other_relationship.school
        relationship.save()
        relationship.ended_on = relationship.started_on
        relationship.save()
        relationship.ended_on = None
        relationship.save()
        role = Role.objects.create(
            user=world.teacher, kind=Role.Kind.SCHOOL_LEADER, district=relationship.school.district
        )
        role.school = relationship.school
        role.save()
        role.delete()
        assignment = CoachLeadAssignment.objects.create(coach_lead=world.coach_lead, coach=world.other_coach)
        assignment.delete()
        world.teacher.is_active = False
        world.teacher.save()
        world.teacher.is_active = True
        world.teacher.save()
    mine = policy.administrative_changes_for(world.teacher)
    assert [entry.change for entry in mine.filter(actor=world.site_admin).order_by("pk")] == [
        Change.RELATIONSHIP_STARTED,
        Change.RELATIONSHIP_MOVED,
        Change.RELATIONSHIP_ENDED,
        Change.RELATIONSHIP_REOPENED,
        Change.ROLE_ADDED,
        Change.ROLE_CHANGED,
        Change.ROLE_REMOVED,
        Change.PERSON_DEACTIVATED,
        Change.PERSON_REACTIVATED,
    ]
    assert (
        "peer coaching of Theo Otherteacher and Tess Teacher"
        in latest(Change.RELATIONSHIP_STARTED).description
    )
    for who in (world.other_coach, world.coach_lead):
        assert {
            entry.change for entry in policy.administrative_changes_for(who).filter(actor=world.site_admin)
        } >= {
            Change.COACH_LEAD_ASSIGNED,
            Change.COACH_LEAD_UNASSIGNED,
        }
    assert not policy.administrative_changes_for(world.coach).filter(actor=world.site_admin).exists()


def test_a_sign_in_does_not_log_anything(world, client):
    count = AdministrationLogEntry.objects.count()
    client.force_login(world.teacher)  # saves last_login
    client.get(reverse("teacher_space"))
    assert AdministrationLogEntry.objects.count() == count


def test_a_school_moving_district_is_logged(world):
    school = world.relationship.school
    school.district = District.objects.create(name="Another District")
    school.save()
    assert "Home School moved to the district Another District" in latest(Change.SCHOOL_MOVED).description


def test_the_signed_in_administrator_is_named(world, client_as):
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_add"),
        {"coach_lead": world.coach_lead.pk, "coach": world.other_coach.pk},
    )
    assert response.status_code == 302
    entry = latest(Change.COACH_LEAD_ASSIGNED)
    assert (entry.actor, entry.actor_label) == (world.site_admin, world.site_admin.full_name)


def test_the_roster_import_logs_what_it_writes_in_bulk(world):
    source = (
        "name,email,school,role,coach_email\n"
        f"Nia Holt,nia.holt@example.test,{world.relationship.school.name},teacher,{world.coach.email}\n"
    )
    parsed = roster.parse(roster.source_from_upload("staff.csv", source.encode()), "csv")
    roster.apply(parsed, started_by=world.site_admin)
    entries = AdministrationLogEntry.objects.filter(actor_label__startswith=adminlog.ROSTER_IMPORT)
    assert {entry.change for entry in entries} == {Change.ROLE_ADDED, Change.RELATIONSHIP_STARTED}
    assert all(entry.actor_label == "Roster import started by Sid Siteadmin" for entry in entries)
    started = entries.get(change=Change.RELATIONSHIP_STARTED)
    assert started.person_id == world.coach.pk
    assert "Cora Coach coaching Nia Holt" in started.description


def test_the_page_lists_my_entries_and_nobody_elses(world, client_as):
    world.other_relationship.ended_on = world.other_relationship.started_on
    world.other_relationship.save()
    with adminlog.acting(world.site_admin):
        world.relationship.focus = "Writing"
        world.relationship.ended_on = world.relationship.started_on
        world.relationship.save()
    page = client_as(world.teacher).get(reverse("administrative_changes")).content.decode()
    assert "Relationship ended" in page
    assert "by Sid Siteadmin" in page
    assert "Cora Coach coaching Tess Teacher (Writing)" in page
    assert "Oscar Othercoach" not in page


def test_the_page_for_someone_with_nothing_logged(client_as):
    school = SchoolFactory()
    newcomer = person(Role.Kind.SCHOOL_LEADER, school)
    page = client_as(newcomer).get(reverse("administrative_changes")).content.decode()
    assert "Role added" in page  # their own leader role, by the system


def test_the_personal_menu_and_the_relationship_page_link_to_it(world, client_as):
    url = reverse("administrative_changes")
    for someone in (world.coach, world.teacher, world.leader):
        assert f'href="{url}"' in client_as(someone).get(reverse("privacy_promise")).content.decode()
    page = client_as(world.teacher).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert f'href="{url}"' in page.content.decode()


def test_the_administration_site_shows_the_log_and_changes_nothing(world, client_as):
    client = client_as(world.site_admin)
    entry = AdministrationLogEntry.objects.order_by("pk").first()
    assert client.get(reverse("admin:privacy_administrationlogentry_changelist")).status_code == 200
    change = reverse("admin:privacy_administrationlogentry_change", args=[entry.pk])
    assert client.post(change, {"description": "Nothing happened."}).status_code == 403
    delete = reverse("admin:privacy_administrationlogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AdministrationLogEntry.objects.get(pk=entry.pk).description == entry.description


def test_acting_for_a_request_does_not_load_its_person():
    """A request that changes nothing pays nothing: the lazy request.user stays unloaded."""
    loaded = []
    lazy_user = SimpleLazyObject(lambda: loaded.append(True))
    with adminlog.acting(lazy_user):
        pass
    assert loaded == []
