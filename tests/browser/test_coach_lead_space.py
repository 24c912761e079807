"""A coach lead opens a space with a coach they lead, records the coach's answer to a question for
coaches, and the coach finds the space from their home, at phone size (issue 22)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_opens_a_space_and_records_an_answer_the_coach_finds_it(page, sign_in, starter_questions):
    world = build_world()
    sign_in(world.coach_lead)
    page.goto("/coaches/")
    page.get_by_role("button", name=f"Open a space with {world.coach.get_short_name()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.coach.full_name)
    expect(page.locator(".subtitle")).to_contain_text("Coach you support")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Record an answer to a question").click()
    page.get_by_label("Question").select_option(
        label="What pulled you from your own classroom into coaching teachers?"
    )
    page.get_by_label("What they said").fill("A mentor who listened more than she talked.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Answer saved")

    page.goto("/coaches/")
    page.get_by_role("button", name=f"Your space with {world.coach.get_short_name()}").click()
    expect(page.get_by_role("main")).to_contain_text("A mentor who listened more than she talked.")

    sign_in(world.coach)
    page.goto("/")
    page.get_by_role("article", name="Your coach lead").get_by_role(
        "link", name=world.coach_lead.full_name
    ).click()
    expect(page.locator(".subtitle")).to_contain_text("Your coach lead")
    # The lead's answer note is their private note: the coach does not see it on the page.
    expect(page.get_by_role("main")).not_to_contain_text("A mentor who listened")
