"""A teacher's morning, in a browser at phone and desktop width: the home says the agreement
changed, they read and acknowledge it, see their next session and promises, and read who
opened their records, one line per visit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from rapport.coaching import actions as coaching_actions
from tests.browser.conftest import at_both_widths, go_to_own
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
