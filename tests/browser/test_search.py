"""A coach in a hallway looks for what a teacher said: the search in the app bar, at phone and
desktop width, finds it and opens it; the teacher finds their shared note, never the coach's private one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.relationships.models import Visibility
from tests.browser.conftest import at_both_widths
from tests.factories import NoteFactory
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_a_coach_finds_a_note_and_opens_it(page, sign_in):
    world = build_world()
    note = NoteFactory(relationship=world.relationship, body="Her daughter's violin recital is on the 12th.")
    NoteFactory(
        relationship=world.relationship,
        body="Shared: the violin piece for the assembly.",
        visibility=Visibility.SHARED,
    )

    sign_in(world.coach)
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Words to find").fill("violin recital")
    page.get_by_label("Words to find").press("Enter")
    results = page.get_by_role("article", name="1 found")
    expect(results).to_contain_text(world.teacher.full_name)
    expect(results.locator("mark")).to_have_count(2)
    results.get_by_role("link", name="violin recital").click()
    expect(page.locator(f"#note-{note.pk}")).to_contain_text("violin recital is on the 12th")

    sign_in(world.teacher)
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Words to find").fill("violin")
    page.get_by_label("Words to find").press("Enter")
    expect(page.get_by_role("article", name="1 found")).to_contain_text("assembly")
    expect(page.locator("main")).not_to_contain_text("recital")
