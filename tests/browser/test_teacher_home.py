"""A teacher's morning, in a browser at phone and desktop width: the home says the agreement
changed, they read and acknowledge it, see their next session and promises, and read who
opened their records, one line per visit."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import Side
from rapport.people.models import Role
from rapport.relationships.models import Relationship
from tests.browser.conftest import at_both_widths, go_to_own
from tests.factories import RelationshipFactory, person
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_the_teacher_acknowledges_a_changed_agreement_from_home(page, sign_in):
    world = build_world()
    agreement = world.agreement
    sections = {name: getattr(agreement, name) for name, _ in agreement.SECTIONS}
    coaching_actions.save_agreement(world.relationship, world.coach, sections | {"focus": "Student talk."})
    reader = Client()  # the leader opens the note the teacher released: a line in the teacher's log
    reader.force_login(world.leader)
    reader.get(reverse("released_record", args=[world.release.pk]))

    sign_in(world.teacher)
    page.goto("/")
    changed = page.get_by_role("article", name=f"Your agreement with {world.coach.get_short_name()} changed")
    expect(changed).to_contain_text("Version 2")
    expect(page.get_by_text("Room 12")).to_be_visible()  # the next session
    expect(page.get_by_text("Send the question-stem cards.")).to_be_visible()  # the coach's promise

    changed.get_by_role("button", name="Read and acknowledge").click()
    page.get_by_role("button", name="I acknowledge version 2").click()
    page.goto("/")
    expect(
        page.get_by_role("article", name=f"Your agreement with {world.coach.get_short_name()} changed")
    ).to_have_count(0)

    go_to_own(page, "Who read your records")
    expect(page.get_by_role("heading", name="Who read your records")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=world.leader.full_name)).to_contain_text(
        "read a note you released to them"
    )


@at_both_widths
def test_a_teacher_with_a_coach_and_a_peer_sees_a_card_for_each(page, sign_in):
    """Each card holds its own next meeting and promises: the two relationships are read together,
    never mixed."""
    world = build_world()
    school = world.relationship.school
    ana = person(Role.Kind.TEACHER, school, full_name="Ana Peer")
    pair = RelationshipFactory(kind=Relationship.Kind.PEER, coach=ana, teacher=world.teacher, school=school)
    tomorrow = timezone.localdate() + timedelta(days=2)
    starts = timezone.make_aware(datetime.combine(tomorrow, time(8, 10)))
    coaching_actions.schedule_session(
        pair,
        ana,
        {
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=30),
            "wrap_up_at": starts + timedelta(minutes=25),
        },
        "Library corner",
        "",
    )
    coaching_actions.add_commitment(
        pair, ana, {"owner": Side.COACH, "what": "Ana films the warm-up.", "due_on": tomorrow}
    )

    sign_in(world.teacher)
    page.goto("/")
    with_coach = page.get_by_role("article", name=f"Coaching with {world.coach.full_name}")
    with_peer = page.get_by_role("article", name=f"Peer coaching with {ana.full_name}")
    expect(with_coach).to_contain_text("Room 12")
    expect(with_coach).to_contain_text("Send the question-stem cards.")
    expect(with_peer).to_contain_text("Library corner")
    expect(with_peer).to_contain_text("Ana films the warm-up.")
    expect(with_peer).not_to_contain_text("Send the question-stem cards.")
    expect(with_coach).not_to_contain_text("Library corner")
