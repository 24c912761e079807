"""Fixing mistakes in a browser (issue 19 point 8): a coach corrects a visit, reschedules and
reopens a commitment, edits and deletes a noticing and a touchpoint; then earlier cycles, and the
agreement's versions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.coaching.models import Commitment, Visit
from rapport.relationships import actions
from rapport.relationships.models import Noticing, Touchpoint
from tests.browser.conftest import at_both_widths, toast
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_a_coach_corrects_and_removes_their_records(page, sign_in):
    world = build_world()
    rel = world.relationship.pk
    noticing = actions.record_noticing(world.relationship, world.coach, "Every group had a job card.")
    touchpoint = actions.log_touchpoint(world.relationship, world.coach, "hallway", "Said hi at the door.")

    sign_in(world.coach)
    page.goto(f"/r/{rel}/")
    # A visit: from its card to the edit form.
    page.get_by_role("link", name="Edit the visit of").first.click()
    page.get_by_label("What students were doing and learning").fill(
        "Pairs sorted word cards, then explained why."
    )
    page.get_by_role("button", name="Save changes").click()
    expect(toast(page)).to_contain_text("Your changes to the classroom visit are saved.")
    expect(page.get_by_text("Pairs sorted word cards, then explained why.")).to_be_visible()
    # ... and deleted, after being asked.
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete the classroom visit?")).to_be_visible()
    page.get_by_role("button", name="Delete it").click()
    expect(toast(page)).to_contain_text("The classroom visit is deleted.")
    assert Visit.objects.filter(relationship=rel).count() == 1

    # A commitment: rescheduled from the relationship page, then done and reopened.
    later = timezone.localdate() + datetime.timedelta(days=12)
    page.get_by_role("link", name="Edit or reschedule: Send the question-stem cards.").click()
    page.get_by_label("Due (a new date reschedules it)").fill(later.isoformat())
    page.get_by_role("button", name="Save changes").click()
    expect(toast(page)).to_contain_text("saved")
    assert Commitment.objects.get(pk=world.commitment.pk).due_on == later
    page.get_by_role("button", name="Done: Send the question-stem cards.").click()
    page.get_by_role("button", name="Reopen: Send the question-stem cards.").click()
    expect(toast(page)).to_contain_text("Open again.")
    assert Commitment.objects.get(pk=world.commitment.pk).done_on is None

    # A noticing, from its card.
    page.goto(f"/r/{rel}/")
    page.get_by_role("link", name="Edit: Every group had a job card.").click()
    page.get_by_label("What did you notice?").fill("Every group had a role card.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Every group had a role card.")).to_be_visible()
    assert Noticing.objects.get(pk=noticing.pk).body == "Every group had a role card."

    # A touchpoint, from the history.
    page.goto(f"/r/{rel}/history/")
    page.get_by_role("link", name="Edit or delete: Touchpoint · Hallway").click()
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Delete it").click()
    expect(toast(page)).to_contain_text("The touchpoint is deleted.")
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()

    # The teacher reads the shared visit but has no way to change it.
    sign_in(world.teacher)
    page.goto(f"/r/{rel}/visits/{world.shared_visit.pk}/")
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)


def test_a_new_cycle_keeps_the_earlier_one_listed(page, sign_in):
    world = build_world()
    rel = world.relationship.pk
    sign_in(world.coach)
    page.goto(f"/r/{rel}/")
    page.get_by_role("link", name="Start a new cycle").click()
    expect(page.get_by_role("group", name="The current cycle")).to_contain_text(
        "Students ask each other questions in discussions."
    )
    expect(page.get_by_label("Mark the current cycle done")).to_be_checked()
    page.get_by_label("What students will do").fill("Students explain their thinking in writing.")
    page.get_by_label("How we will measure it").fill("Exit tickets with a reason.")
    page.get_by_label("Where students are now (baseline)").fill("3")
    page.get_by_label("Target", exact=True).fill("15")
    page.get_by_label("By when").fill((timezone.localdate() + datetime.timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Start the cycle").click()
    expect(toast(page)).to_contain_text("The earlier one is marked done")
    page.goto(f"/r/{rel}/")
    page.get_by_role("link", name="All cycles, earlier ones too").click()
    expect(page.get_by_role("heading", name="2 cycles, the latest first")).to_be_visible()
    expect(page.get_by_role("link", name="Students ask each other questions in discussions.")).to_be_visible()


def test_agreement_versions_open_compare_and_print(page, sign_in):
    world = build_world()
    rel = world.relationship.pk
    sign_in(world.coach)
    page.goto(f"/r/{rel}/agreement/edit/")
    page.get_by_label("Where, when and how long we meet").fill("Tuesdays at 3:30 in room 14, 40 minutes.")
    page.get_by_role("button", name="Save").click()
    # Only the section that changed is logged, though the browser sent every textarea with CRLF.
    latest = page.locator(".version-list li").first
    expect(latest).to_contain_text("changed: Where, when and how long we meet")
    expect(latest).not_to_contain_text("Our norms")

    sign_in(world.teacher)
    page.goto(f"/r/{rel}/agreement/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", name="Our coaching agreement, version 1")).to_be_visible()
    expect(page.get_by_text("Tuesdays at 3:15 in room 12, 40 minutes.")).to_be_visible()
    page.get_by_role("link", name="Back to the agreement").click()
    page.get_by_role("button", name="Compare two versions").click()
    expect(page.locator("section del").first).to_contain_text("3:15")
    expect(page.locator("section ins").first).to_contain_text("3:30")
    page.get_by_label("From", exact=True).select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("alert")).to_contain_text("same version")
