"""The share rows themselves: what the database keeps true, and what the policy asks of a row."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.conversations.models import Conversation
from rapport.privacy import policy
from rapport.privacy.actions import share_with_coach_leads
from rapport.privacy.models import CoachLeadShare, PracticeShare, ShareEnded
from rapport.privacy.refusals import NotTheirCoachLead
from tests.conversations.samples import make_conversation

pytestmark = pytest.mark.django_db


def _share(conversation, **fields) -> CoachLeadShare:
    return CoachLeadShare.objects.create(
        content_type=ContentType.objects.get_for_model(conversation),
        object_id=conversation.pk,
        relationship_id=conversation.relationship_id,
        **fields,
    )


def test_one_open_share_per_record_and_person(world):
    conversation = make_conversation(world, shared=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        _share(conversation, coach=world.coach, coach_lead=world.coach_lead)
    share_with_coach_leads(conversation, [world.coach_lead])  # sharing again adds nothing
    CoachLeadShare.objects.end(ShareEnded.BY_COACH)
    share_with_coach_leads(conversation, [world.coach_lead])  # a new share after an ended one
    assert CoachLeadShare.objects.count() == 2
    assert CoachLeadShare.objects.open().count() == 1


def test_an_ended_share_says_why(world):
    conversation = make_conversation(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        _share(conversation, coach=world.coach, coach_lead=world.coach_lead, ended_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeShare.objects.create(coach=world.coach, coach_lead=world.coach_lead, ended_because="coach")


def test_a_share_counts_only_when_the_author_made_it(world):
    """A row naming another coach as the sharer (written straight into the database) opens nothing."""
    conversation = make_conversation(world)
    _share(conversation, coach=world.other_coach, coach_lead=world.coach_lead)
    assert not policy.shared_with_coach_lead(world.coach_lead, Conversation.objects.all()).exists()
    assert not policy.may_play_recording(world.coach_lead, conversation)
    assert not policy.may_comment_on(world.coach_lead, conversation)


def test_only_the_coach_leads_of_the_author_can_be_chosen(world):
    conversation = make_conversation(world)
    for stranger in (world.leader, world.other_coach, world.site_admin, world.coach):
        with pytest.raises(NotTheirCoachLead, match="only with your own coach leads"):
            share_with_coach_leads(conversation, [stranger])
    assert not CoachLeadShare.objects.exists()
