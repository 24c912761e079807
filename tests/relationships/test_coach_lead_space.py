"""A coach lead's space with a coach they lead (issue 22): the same parts as a coach's with a
teacher, the coach in the teacher's place, and the confidentiality model unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from rapport.insights.models import Export
from rapport.people.models import CoachLeadAssignment
from rapport.privacy import policy
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.relationships.actions import NotYourCoach, open_coach_lead_space, write_note
from rapport.relationships.models import Note, Relationship
from tests.insights.test_exports import made, unzip

pytestmark = pytest.mark.django_db

SHARED = "I want to get better at waiting after a question."
PRIVATE = "Remember: Cora's first year as a coach; go gently."


@pytest.fixture
def space(world):
    return open_coach_lead_space(world.coach_lead, world.coach)


def test_the_lead_opens_it_from_the_coaches_page_once(world, client_as, space):
    client = client_as(world.coach_lead)
    page = client.get(reverse("coaches_led")).content.decode()
    assert f"Your space with {world.coach.get_short_name()}" in page
    response = client.post(reverse("coach_lead_space_open", args=[world.coach.pk]))
    assert response.url == reverse("relationship_detail", args=[space.pk])
    assert Relationship.objects.filter(kind=Relationship.Kind.COACH_LEAD).count() == 1
    assert (space.coach, space.teacher) == (world.coach_lead, world.coach)
    detail = client.get(response.url).content.decode()
    assert "Coach you support" in detail
    coach_page = client_as(world.coach).get(reverse("relationship_detail", args=[space.pk])).content.decode()
    assert "Your coach lead" in coach_page
    home = client_as(world.coach).get(reverse("home")).content.decode()
    assert reverse("relationship_detail", args=[space.pk]) in home


def test_the_space_speaks_of_the_coach_not_of_a_teacher_or_students(world, client_as, space):
    page = client_as(world.coach_lead).get(reverse("relationship_detail", args=[space.pk])).content.decode()
    name = world.coach.get_short_name()
    assert f"{name}&#x27;s own data export contains every note about them" in page
    assert f"a goal for {name}'s coaching practice" in page
    assert "Visits to their coaching" in page
    for teachers_words in ("a teacher&#x27;s own data export", "what students will do", "Classroom visits"):
        assert teachers_words not in page
    teachers_page = client_as(world.coach).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert "Classroom visits" in teachers_page.content.decode()


def test_only_a_lead_of_that_coach_opens_one(world, client_as):
    for someone in (world.other_coach, world.leader, world.site_admin, world.teacher):
        with pytest.raises(NotYourCoach):
            open_coach_lead_space(someone, world.coach)
    assert (
        client_as(world.coach_lead)
        .post(reverse("coach_lead_space_open", args=[world.other_coach.pk]))
        .status_code
        == 404
    )
    CoachLeadAssignment.objects.filter(coach_lead=world.coach_lead).delete()
    with pytest.raises(NotYourCoach):
        open_coach_lead_space(world.coach_lead, world.coach)
    assert not Relationship.objects.filter(kind=Relationship.Kind.COACH_LEAD).exists()


def test_what_the_coach_shares_is_read_by_the_lead_logged_for_the_coach_and_never_by_leaders(
    world, client_as, space
):
    write_note(space, world.coach, SHARED, "shared")
    write_note(space, world.coach_lead, PRIVATE, "private")
    url = reverse("relationship_detail", args=[space.pk])

    assert SHARED in client_as(world.coach_lead).get(url).content.decode()
    log = AccessLogEntry.objects.filter(accessor=world.coach_lead, relationship_id=space.pk)
    assert set(log.values_list("purpose", flat=True)) == {Purpose.RELATIONSHIP_PAGE}
    assert policy.access_log_for(world.coach).filter(accessor=world.coach_lead).exists()

    for outsider in (world.leader, world.other_leader, world.site_admin, world.teacher, world.other_coach):
        assert client_as(outsider).get(url).status_code == 404
        assert not policy.visible_records(outsider, Note.objects.filter(relationship=space)).exists()
    coach_page = client_as(world.coach).get(url).content.decode()
    assert SHARED in coach_page
    assert PRIVATE not in coach_page  # the lead's private note stays theirs
    assert "Release to a leader" not in coach_page
    shared = Note.objects.get(relationship=space, author=world.coach)
    assert not policy.can_release(world.coach, shared)


def test_the_coachs_export_holds_the_space_the_leads_private_notes_included(world, space):
    write_note(space, world.coach, SHARED, "shared")
    write_note(space, world.coach_lead, PRIVATE, "private")
    data, _ = unzip(made(world.coach, Export.Kind.MY_DATA))
    bodies = [note["body"] for note in data["records"]["relationships.Note"]]
    assert SHARED in bodies
    assert PRIVATE in bodies


def test_the_space_is_no_caseload_and_no_report_counts_it(world, space):
    assert space not in policy.caseload_for(world.coach_lead)
    assert list(policy.coach_lead_spaces_of(world.coach_lead)) == [space]
    assert list(policy.coach_lead_spaces_with(world.coach)) == [space]


def test_its_members_and_kind_are_fixed_in_the_database(space, world):
    for column, value in (("kind", "coaching"), ("teacher_id", world.other_coach.pk)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE relationships_relationship SET {column} = %s WHERE id = %s",  # noqa: S608
                [value, space.pk],
            )
    space.refresh_from_db()
    assert (space.kind, space.teacher_id) == (Relationship.Kind.COACH_LEAD, world.coach.pk)


def test_the_demo_has_the_leads_space_with_the_demo_coach():
    from rapport.demo.district import build

    build(schools=1, coaches=2, teachers=6)
    space = Relationship.objects.get(kind=Relationship.Kind.COACH_LEAD)
    assert (space.coach.email, space.teacher.email) == ("lead@example.org", "coach@example.org")
    assert Note.objects.filter(relationship=space, visibility="shared").count() == 2
    first_note = Note.objects.filter(relationship=space).earliest("created_at")
    assert space.started_on <= timezone.localdate(first_note.created_at), "it began before its first note"


def test_the_lead_asks_coach_questions_and_the_prep_brief_shows_the_answers(
    world, client_as, space, starter_questions
):
    from rapport.coaching.models import Session
    from rapport.relationships.models import Question

    lead = client_as(world.coach_lead)
    bank = lead.get(reverse("question_bank"))
    assert bank.status_code == 200
    coach_questions = Question.objects.filter(owner__isnull=True, audience=Question.Audience.COACH)
    assert {q.theme for q in coach_questions} >= {
        "values",
        "why",
        "strengths",
        "vision",
        "feedback",
        "commitments",
    }
    page = bank.content.decode()
    assert all(q.text.replace("'", "&#x27;") in page for q in coach_questions)
    teacher_question = Question.objects.filter(audience=Question.Audience.TEACHER).first()
    assert teacher_question.text.replace("'", "&#x27;") not in page

    question = coach_questions.get(theme="feedback", position=0)
    refused = lead.post(
        reverse("answer_new", args=[space.pk]), {"question": teacher_question.pk, "body": "x"}
    )
    assert refused.status_code == 400
    answer = "In writing first; I need a day before we talk."
    saved = lead.post(reverse("answer_new", args=[space.pk]), {"question": question.pk, "body": answer})
    assert saved.status_code == 302

    session = Session.objects.create(
        relationship=space,
        author=world.coach_lead,
        visibility="shared",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, minutes=30),
        wrap_up_at=timezone.now() + timedelta(days=1, minutes=25),
    )
    brief = lead.get(reverse("session_prep", args=[space.pk, session.pk])).content.decode()
    assert answer in brief
    assert "When you hear feedback on your coaching" in brief
