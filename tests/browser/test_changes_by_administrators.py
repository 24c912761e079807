"""A teacher whose coach was changed by an administrator reads who did it and when, from the menu
under their name and from the relationship's page, on a phone and at a desk."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from rapport.privacy import adminlog
from tests.browser.conftest import at_both_widths, go_to_own
from tests.factories import RelationshipFactory
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep a screenshot of the page at a phone's width and a desktop's.
SCREENSHOTS = os.environ.get("RAPPORT_SCREENSHOTS")


@at_both_widths
def test_the_teacher_reads_who_changed_their_coach(page, sign_in):
    world = build_world()
    with adminlog.acting(world.site_admin):
        world.relationship.ended_on = world.relationship.started_on
        world.relationship.save()
        RelationshipFactory(coach=world.other_coach, teacher=world.teacher, school=world.relationship.school)

    sign_in(world.teacher)
    go_to_own(page, "Changes by administrators")

    expect(page.get_by_role("heading", level=1)).to_have_text("Changes by administrators")
    changes = page.get_by_role("article", name="What changed").get_by_role("listitem")
    expect(changes.first).to_contain_text("Relationship started")
    expect(changes.first).to_contain_text(f"{world.other_coach.full_name} coaching {world.teacher.full_name}")
    expect(changes.first).to_contain_text(f"by {world.site_admin.full_name}")
    expect(changes.nth(1)).to_contain_text("Relationship ended")
    expect(page.get_by_text(world.other_teacher.full_name)).to_have_count(0)
    if SCREENSHOTS:
        page.screenshot(
            path=f"{SCREENSHOTS}/changes-by-administrators-{page.viewport_size['width']}.png", full_page=True
        )

    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_role("link", name="Changes by administrators").click()
    expect(page).to_have_url("/me/changes-by-administrators/")
