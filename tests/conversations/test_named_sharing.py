"""A conversation shared with a coach lead is shared with that person, by name.

Tried as an insider would: a site administrator adds, re-points or deletes coach-lead
assignments and roles in the administration site; none of it opens a conversation to anyone
the coach did not name, and ending an assignment ends that person's access for good.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.conversations.models import Comment
from rapport.people.models import CoachLeadAssignment, Role
from rapport.privacy.models import CoachLeadShare, ShareEnded, TeacherConsent
from tests.conversations.samples import make_conversation, wav_bytes
from tests.factories import person

pytestmark = pytest.mark.django_db

TRANSCRIPT_LINE = "The quiet students spoke more once they had sentence starters."


def share(client_as, world, conversation, *leads):
    """The coach shares through the page's form, naming each person; the teacher agrees to each."""
    response = client_as(world.coach).post(
        reverse("conversation_share", args=[conversation.pk]),
        {"leads": [lead.pk for lead in leads], "understood": "on"},
    )
    assert response.status_code == 302
    teacher = client_as(world.teacher)
    for consent in TeacherConsent.objects.filter(share__object_id=conversation.pk, state="asked"):
        answered = teacher.post(reverse("consent_answer", args=[consent.pk]), {"answer": "agree"})
        assert answered.status_code == 302
    return response


def reads(client, conversation) -> dict[str, int]:
    """What each way into a conversation answers: page (with the transcript), recording, comment."""
    page = client.get(reverse("conversation_detail", args=[conversation.pk]))
    assert TRANSCRIPT_LINE not in page.content.decode() or page.status_code == 200
    return {
        "page": page.status_code,
        "recording": client.get(reverse("conversation_recording", args=[conversation.pk])).status_code,
        "comment": client.post(
            reverse("conversation_comment", args=[conversation.pk]), {"at": "0:05", "body": "Nice pause."}
        ).status_code,
    }


SHUT = {"page": 404, "recording": 404, "comment": 404}
OPEN = {"page": 200, "recording": 200, "comment": 302}


def admin_adds_assignment(client_as, world, coach_lead, coach) -> CoachLeadAssignment:
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_add"), {"coach_lead": coach_lead.pk, "coach": coach.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CoachLeadAssignment.objects.get(coach_lead=coach_lead, coach=coach)


def admin_deletes_assignment(client_as, world, assignment) -> None:
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CoachLeadAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.fixture
def conversation(world):
    return make_conversation(world, recording=wav_bytes(0.5))


def test_an_assignment_added_in_the_admin_site_opens_nothing_to_a_leader(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    admin_adds_assignment(client_as, world, world.leader, world.coach)
    # The worst case: the administrator makes the leader a coach lead as well.
    Role.objects.create(
        user=world.leader, kind=Role.Kind.COACH_LEAD, district=world.relationship.school.district
    )

    leader = client_as(world.leader)
    assert reads(leader, conversation) == SHUT
    listing = leader.get(reverse("conversations_shared_with_me"))
    assert listing.status_code == 200
    assert conversation.title not in listing.content.decode()
    assert not Comment.objects.filter(author=world.leader).exists()
    # The person the coach named still reads it.
    assert reads(client_as(world.coach_lead), conversation) == OPEN


def test_a_coach_lead_assigned_later_sees_nothing_shared_before(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    later = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Lars Laterlead")
    admin_adds_assignment(client_as, world, later, world.coach)

    client = client_as(later)
    assert reads(client, conversation) == SHUT
    assert conversation.title not in client.get(reverse("conversations_shared_with_me")).content.decode()
    # The coach's page names exactly who reads it; the newcomer can be chosen, not assumed.
    page = client_as(world.coach).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    sharing = page.split('id="sharing-heading"', 1)[1].split("</section>", 1)[0]
    assert "Stop sharing with Cleo Coachlead" in sharing
    assert "Stop sharing with Lars Laterlead" not in sharing
    assert "Share with your coach lead…" in sharing
    choices = client_as(world.coach).get(reverse("conversation_share", args=[conversation.pk]))
    assert "Lars Laterlead" in choices.content.decode()
    assert "Cleo Coachlead" not in choices.content.decode()


def test_ending_the_assignment_ends_the_share_and_adding_it_back_restores_nothing(
    client_as, world, conversation
):
    share(client_as, world, conversation, world.coach_lead)
    assignment = CoachLeadAssignment.objects.get(coach_lead=world.coach_lead, coach=world.coach)

    admin_deletes_assignment(client_as, world, assignment)
    assert reads(client_as(world.coach_lead), conversation) == SHUT

    admin_adds_assignment(client_as, world, world.coach_lead, world.coach)
    assert reads(client_as(world.coach_lead), conversation) == SHUT
    ended = CoachLeadShare.objects.get()
    assert ended.ended_because == ShareEnded.NO_LONGER_LEAD
    page = client_as(world.coach).get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "Shared before" in page
    assert "no longer the coach&#x27;s coach lead" in page
    # Sharing again is the coach's own, new choice (and a new question to the teacher).
    choices = client_as(world.coach).get(reverse("conversation_share", args=[conversation.pk]))
    assert "Cleo Coachlead" in choices.content.decode()


def test_re_pointing_an_assignment_to_a_leader_ends_the_share_and_opens_nothing(
    client_as, world, conversation
):
    share(client_as, world, conversation, world.coach_lead)
    assignment = CoachLeadAssignment.objects.get(coach_lead=world.coach_lead, coach=world.coach)
    response = client_as(world.site_admin).post(
        reverse("admin:people_coachleadassignment_change", args=[assignment.pk]),
        {"coach_lead": world.leader.pk, "coach": world.coach.pk},
    )
    assert response.status_code == 302

    assert reads(client_as(world.leader), conversation) == SHUT
    assert reads(client_as(world.coach_lead), conversation) == SHUT


def test_losing_the_coach_lead_role_ends_the_share(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    Role.objects.get(user=world.coach_lead, kind=Role.Kind.COACH_LEAD).delete()
    Role.objects.create(
        user=world.coach_lead, kind=Role.Kind.COACH_LEAD, district=world.relationship.school.district
    )
    assert reads(client_as(world.coach_lead), conversation) == SHUT


def test_the_coach_shares_with_each_by_name_and_stops_with_one_or_everyone(client_as, world, conversation):
    second = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Sam Secondlead")
    CoachLeadAssignment.objects.create(coach_lead=second, coach=world.coach)
    coach = client_as(world.coach)
    url = reverse("conversation_detail", args=[conversation.pk])
    page = coach.get(reverse("conversation_share", args=[conversation.pk])).content.decode()
    assert 'name="leads"' in page
    assert "Cleo Coachlead</label>" in page
    assert "Sam Secondlead</label>" in page

    share(client_as, world, conversation, second)
    assert reads(client_as(second), conversation) == OPEN
    assert reads(client_as(world.coach_lead), conversation) == SHUT

    share(client_as, world, conversation, world.coach_lead)
    page = client_as(world.teacher).get(url).content.decode()
    assert "shares it with Sam Secondlead and Cleo Coachlead, their coach leads" in page

    response = client_as(world.coach).post(
        reverse("conversation_stop_sharing", args=[conversation.pk]), {"lead": second.pk}
    )
    assert response.status_code == 302
    assert reads(client_as(second), conversation) == SHUT
    assert reads(client_as(world.coach_lead), conversation) == OPEN

    client_as(world.coach).post(reverse("conversation_stop_sharing", args=[conversation.pk]))
    assert reads(client_as(world.coach_lead), conversation) == SHUT
    assert not CoachLeadShare.objects.open().exists()
    assert set(CoachLeadShare.objects.values_list("ended_because", flat=True)) == {ShareEnded.BY_COACH}


def test_sharing_with_someone_who_does_not_lead_the_coach_is_refused(client_as, world, conversation):
    for stranger in (world.leader, world.other_coach):
        response = client_as(world.coach).post(
            reverse("conversation_share", args=[conversation.pk]), {"leads": [stranger.pk]}
        )
        assert response.status_code == 400
        assert "You can share only with your own coach leads." in response.content.decode()
    response = client_as(world.coach).post(reverse("conversation_share", args=[conversation.pk]), {})
    assert response.status_code == 400
    assert "Choose who to share it with." in response.content.decode()
    assert not CoachLeadShare.objects.exists()


def test_only_the_author_shares_or_stops(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    for someone in (world.teacher, world.coach_lead, world.site_admin):
        client = client_as(someone)
        stop = client.post(reverse("conversation_stop_sharing", args=[conversation.pk]))
        again = client.post(reverse("conversation_share", args=[conversation.pk]), {"leads": [someone.pk]})
        assert (stop.status_code, again.status_code) == (404, 404)
    assert CoachLeadShare.objects.open().count() == 1


def test_sharing_twice_keeps_one_share_and_its_date(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    first = CoachLeadShare.objects.get()
    response = client_as(world.coach).post(
        reverse("conversation_share", args=[conversation.pk]), {"leads": [world.coach_lead.pk]}
    )
    assert response.status_code == 400  # already shared with them: no longer a choice
    assert list(CoachLeadShare.objects.all()) == [first]


def test_the_lead_list_shows_only_what_is_shared_with_them_by_name(client_as, world):
    second = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Sam Secondlead")
    CoachLeadAssignment.objects.create(coach_lead=second, coach=world.coach)
    mine = make_conversation(world)
    theirs = make_conversation(world)
    theirs.title = "Only for the second lead"
    theirs.save()
    share(client_as, world, mine, world.coach_lead)
    share(client_as, world, theirs, second)

    listing = client_as(world.coach_lead).get(reverse("conversations_shared_with_me")).content.decode()
    assert reverse("conversation_detail", args=[mine.pk]) in listing
    assert reverse("conversation_detail", args=[theirs.pk]) not in listing
    assert "shared with you" in listing


def test_deleting_the_conversation_deletes_who_it_was_shared_with(client_as, world, conversation):
    share(client_as, world, conversation, world.coach_lead)
    client_as(world.teacher).post(reverse("conversation_delete", args=[conversation.pk]))
    assert not CoachLeadShare.objects.exists()
