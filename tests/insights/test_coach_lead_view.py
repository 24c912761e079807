"""The coach lead view: a coach's own practice indicators, only for the coach leads the coach
shares them with, by name."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Agreement, AgreementAcknowledgement, SentSummary, Session, Side
from rapport.insights.indicators import practice_indicators
from rapport.people.models import CoachLeadAssignment, Role
from rapport.privacy import policy
from rapport.privacy.actions import coach_leads_of, set_practice_shares
from rapport.privacy.models import PracticeShare, ShareEnded
from rapport.privacy.refusals import NotTheirCoachLead
from rapport.relationships.models import Appreciation, CoachSettings, Relationship, Visibility
from tests.factories import NoteFactory, RelationshipFactory, person
from tests.insights.test_indicators import TODAY, at, commitment, session

pytestmark = pytest.mark.django_db

SHARED = "chose to share this with you"
NOT_SHARED = "has not shared their practice indicators"


def lead_page(client_as, lead) -> str:
    response = client_as(lead).get(reverse("coaches_led"))
    assert response.status_code == 200
    return response.content.decode()


def share(client_as, coach, *leads):
    """The coach saves the sharing page with ``leads`` ticked (none: shared with nobody)."""
    # "share": the form's one checkbox before practice was shared with named coach leads.
    data = {"leads": [lead.pk for lead in leads], "share": "on"} if leads else {}
    return client_as(coach).post(reverse("practice_sharing"), data)


def agreement_acknowledged_by_teacher(relationship: Relationship) -> None:
    sections = dict.fromkeys([name for name, _ in Agreement.SECTIONS], "x")
    agreement = Agreement.objects.create(relationship=relationship, author=relationship.coach, **sections)
    AgreementAcknowledgement.objects.create(
        agreement=agreement, version=agreement.version, person=relationship.teacher, via="signed-in"
    )


def test_sharing_is_off_by_default_and_the_lead_sees_only_the_name(world, client_as):
    assert not PracticeShare.objects.exists()
    page = lead_page(client_as, world.coach_lead)
    assert world.coach.full_name in page
    assert NOT_SHARED in page
    assert SHARED not in page
    assert "teacher" not in page.split(world.coach.full_name, 1)[1].split("</section>", 1)[0]


def test_the_coach_opts_in_then_revokes(world, client_as):
    response = share(client_as, world.coach, world.coach_lead)
    assert response.status_code == 302
    page = lead_page(client_as, world.coach_lead)
    assert SHARED in page
    assert NOT_SHARED not in page
    # The world's relationship has had no contact yet and its agreement is not acknowledged.
    assert "0 of 1 teacher within 14 days (0%)" in page
    assert "0 of 1 acknowledged (0%)" in page

    assert share(client_as, world.coach).status_code == 302
    page = lead_page(client_as, world.coach_lead)
    assert NOT_SHARED in page
    assert SHARED not in page
    assert list(policy.coaches_sharing_practice_with(world.coach_lead)) == []


def test_the_sharing_page_names_the_lead_and_says_what_is_never_shared(world, client_as):
    page = client_as(world.coach).get(reverse("practice_sharing")).content.decode()
    assert "<legend>Share my practice indicators with</legend>" in page
    assert f"{world.coach_lead.full_name}</label>" in page
    assert "Any teacher's name." in page
    assert "You coach only a few teachers" in page


def test_a_coach_without_a_coach_lead_cannot_turn_sharing_on(world, client_as):
    for leads in ([], [world.coach_lead], [world.leader]):
        response = share(client_as, world.other_coach, *leads)
        assert response.status_code == 400
        assert "No coach lead is assigned to you" in response.content.decode()
    assert not PracticeShare.objects.exists()


def test_sharing_with_someone_who_does_not_lead_the_coach_is_refused(world, client_as):
    response = share(client_as, world.coach, world.leader)
    assert response.status_code == 400
    assert "You can share only with your own coach leads." in response.content.decode()
    assert not PracticeShare.objects.exists()
    with pytest.raises(NotTheirCoachLead, match="only with your own coach leads"):
        set_practice_shares(world.coach, [world.leader])


def test_saving_again_keeps_the_first_date(world):
    set_practice_shares(world.coach, [world.coach_lead])
    first = PracticeShare.objects.get().shared_at
    set_practice_shares(world.coach, [world.coach_lead])
    assert PracticeShare.objects.get().shared_at == first


def test_an_assignment_added_in_the_admin_site_shows_a_leader_nothing(world, client_as):
    share(client_as, world.coach, world.coach_lead)
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_add"),
        {"coach_lead": world.leader.pk, "coach": world.coach.pk},
    )
    assert response.status_code == 302
    Role.objects.create(
        user=world.leader, kind=Role.Kind.COACH_LEAD, district=world.relationship.school.district
    )
    page = lead_page(client_as, world.leader)
    assert world.coach.full_name in page  # the assignment shows the name, and nothing more
    assert NOT_SHARED in page
    assert SHARED not in page
    assert list(policy.coaches_sharing_practice_with(world.leader)) == []


def test_a_second_coach_lead_sees_nothing_until_the_coach_ticks_them(world, client_as):
    second = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Sam Secondlead")
    share(client_as, world.coach, world.coach_lead)
    CoachLeadAssignment.objects.create(coach_lead=second, coach=world.coach)
    assert NOT_SHARED in lead_page(client_as, second)
    page = client_as(world.coach).get(reverse("practice_sharing")).content.decode()
    assert f"Shared with</strong> {world.coach_lead.full_name}" in page
    assert "Sam Secondlead" in page  # a choice, unticked

    share(client_as, world.coach, second)
    assert SHARED in lead_page(client_as, second)
    assert NOT_SHARED in lead_page(client_as, world.coach_lead)


def test_ending_the_assignment_ends_the_share_for_good(world, client_as):
    share(client_as, world.coach, world.coach_lead)
    assignment = CoachLeadAssignment.objects.get(coach_lead=world.coach_lead, coach=world.coach)
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert list(policy.coaches_sharing_practice_with(world.coach_lead)) == []
    CoachLeadAssignment.objects.create(coach_lead=world.coach_lead, coach=world.coach)
    assert NOT_SHARED in lead_page(client_as, world.coach_lead)
    assert PracticeShare.objects.get().ended_because == ShareEnded.NO_LONGER_LEAD


def test_a_lead_who_does_not_lead_the_coach_never_sees_their_indicators(world, client_as):
    school = world.relationship.school
    stranger_lead = person(Role.Kind.COACH_LEAD, school, full_name="Lou Elsewhere")
    CoachLeadAssignment.objects.create(coach_lead=stranger_lead, coach=world.other_coach)
    share(client_as, world.coach, world.coach_lead)
    page = lead_page(client_as, stranger_lead)
    assert world.coach.full_name not in page
    assert SHARED not in page
    assert list(policy.coaches_sharing_practice_with(stranger_lead)) == []
    assert list(policy.coaches_sharing_practice_with(world.coach_lead)) == [world.coach]
    assert list(policy.coaches_sharing_practice_with(world.other_coach)) == []


def test_no_teacher_name_nor_confidential_text_reaches_the_lead(world, client_as):
    name_sentinel = "Zephyrine-SENTINEL-7781"
    note_sentinel = "SENTINEL-NOTE-4402 about a hard week"
    world.teacher.full_name = name_sentinel
    world.teacher.save()
    NoteFactory(relationship=world.relationship, body=note_sentinel, visibility=Visibility.SHARED)
    session(world.relationship, timezone.localdate())
    share(client_as, world.coach, world.coach_lead)
    page = lead_page(client_as, world.coach_lead)
    assert SHARED in page
    for secret in (name_sentinel, note_sentinel, world.other_teacher.full_name, world.teacher.email):
        assert secret not in page


def test_the_numbers_on_a_constructed_history(world):
    coach = person(Role.Kind.COACH, world.relationship.school, full_name="Ada Practice")
    CoachSettings.objects.create(coach=coach, weekly_appreciation_target=2, coverage_threshold_days=10)
    first = RelationshipFactory(coach=coach, school=world.relationship.school)
    second = RelationshipFactory(coach=coach, school=world.relationship.school)
    ended = RelationshipFactory(coach=coach, school=world.relationship.school, ended_on=TODAY)
    peer = RelationshipFactory(coach=coach, school=world.relationship.school, kind=Relationship.Kind.PEER)

    held = session(first, datetime.date(2026, 2, 2))
    session(first, datetime.date(2026, 2, 9))
    session(first, datetime.date(2026, 2, 16), Session.Status.CANCELLED, Side.COACH)
    session(first, datetime.date(2026, 2, 23), Session.Status.CANCELLED, Side.TEACHER)
    other_held = session(second, datetime.date(2026, 3, 2))
    for relationship in (ended, peer, world.relationship):  # not this coach's caseload
        session(relationship, datetime.date(2026, 3, 3))
    for summarised in (held, held, other_held):  # two summaries of one session count once
        SentSummary.objects.create(
            relationship=summarised.relationship,
            author=coach,
            session=summarised,
            body="Thanks",
            sent_to="t@example.test",
        )
    commitment(first, datetime.date(2026, 2, 1), done=datetime.date(2026, 1, 30))
    commitment(second, datetime.date(2026, 2, 1), done=datetime.date(2026, 2, 3))
    commitment(second, datetime.date(2026, 3, 1))
    commitment(first, datetime.date(2026, 4, 1))
    commitment(first, datetime.date(2026, 2, 1), owner=Side.TEACHER)
    for day in (datetime.date(2025, 9, 1), datetime.date(2026, 1, 5), datetime.date(2026, 3, 2)):
        Appreciation.objects.create(
            relationship=second, author=coach, message="Thank you", sent_to="t@example.test", sent_at=at(day)
        )
    first.last_contact_at = timezone.now() - datetime.timedelta(days=3)
    first.save()
    agreement_acknowledged_by_teacher(first)

    (practice,) = practice_indicators([coach], today=TODAY)
    assert practice.teachers == 2
    assert (practice.sessions_held, practice.coach_cancellations, practice.held_rate) == (3, 1, 0.75)
    assert (practice.summaries_sent, practice.summary_rate) == (2, 2 / 3)
    assert (practice.commitments_on_time, practice.commitments_due) == (1, 3)
    assert practice.appreciations == 3
    assert practice.weeks == (TODAY - datetime.date(2025, 8, 1)).days / 7
    assert practice.appreciations_per_week == pytest.approx(3 / 32.29, abs=0.01)
    assert practice.weekly_target == 2
    assert (practice.contacted_in_time, practice.coverage_days, practice.coverage_rate) == (1, 10, 0.5)
    assert (practice.agreements_acknowledged, practice.acknowledged_rate) == (1, 0.5)
    series = {series["label"]: series["data"] for series in practice.trend["series"]}
    assert practice.trend["labels"][6] == "Feb 2026"
    assert series["Sessions the coach cancelled"][6] == 1
    assert sum(series["Sessions the coach cancelled"]) == 1
    assert sum(series["Touchpoints, appreciations and wins"]) == 3


def test_a_coach_with_no_caseload_has_no_rates(world):
    coach = person(Role.Kind.COACH, world.relationship.school)
    (practice,) = practice_indicators([coach], today=TODAY)
    assert practice.teachers == 0
    assert (practice.held_rate, practice.on_time_rate, practice.coverage_rate) == (None, None, None)
    assert practice.weekly_target == CoachSettings.DEFAULT_WEEKLY_APPRECIATIONS


def _led_coach_with_history(lead, school, n: int) -> None:
    coach = person(Role.Kind.COACH, school, full_name=f"Coach number {n}")
    CoachLeadAssignment.objects.create(coach_lead=lead, coach=coach)
    set_practice_shares(coach, list(coach_leads_of(coach)))
    CoachSettings.objects.create(coach=coach)
    for _ in range(2):
        relationship = RelationshipFactory(coach=coach, school=school)
        session(relationship, timezone.localdate())
        commitment(relationship, timezone.localdate(), done=timezone.localdate())
        agreement_acknowledged_by_teacher(relationship)
    # One who has not shared: the page shows the name alone, at no extra cost.
    quiet = person(Role.Kind.COACH, school, full_name=f"Quiet coach {n}")
    CoachLeadAssignment.objects.create(coach_lead=lead, coach=quiet)


def test_the_lead_page_takes_the_same_number_of_queries_for_2_or_8_coaches(
    world, client_as, django_assert_num_queries
):
    lead = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Lee Lead")
    school = world.relationship.school
    client = client_as(lead)
    _led_coach_with_history(lead, school, 1)
    client.get(reverse("coaches_led"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("coaches_led")).status_code == 200
    for n in range(2, 5):
        _led_coach_with_history(lead, school, n)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("coaches_led")).content.decode()
    assert page.count(SHARED) == 4
    assert page.count(NOT_SHARED) == 4
