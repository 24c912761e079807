"""A coach shares their practice indicators with their coach lead, by name, then stops: at phone size."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coach_lead_sees_practice_indicators_only_while_the_coach_shares_them(page, sign_in):
    world = build_world()
    coach_section = page.locator("section", has=page.get_by_role("heading", name=world.coach.full_name))

    sign_in(world.coach)
    page.goto("/settings/coaching/")
    page.get_by_role("link", name="Share your practice indicators with your coach lead").click()
    choice = page.get_by_role("group", name="Share my practice indicators with")
    choice.get_by_label(world.coach_lead.full_name).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(f"Now shared with {world.coach_lead.full_name}")

    sign_in(world.coach_lead)
    page.goto("/coaches/")
    expect(coach_section).to_contain_text("chose to share this with you")
    expect(coach_section).to_contain_text("0 of 1 teacher within 14 days")
    expect(coach_section.get_by_role("table")).to_contain_text("Sessions the coach cancelled")
    expect(page.locator("body")).not_to_contain_text(world.teacher.full_name)

    sign_in(world.coach)
    page.goto("/settings/coaching/sharing/")
    page.get_by_label(world.coach_lead.full_name).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("shared with nobody")

    sign_in(world.coach_lead)
    page.goto("/coaches/")
    expect(coach_section).to_contain_text("has not shared their practice indicators")
    expect(coach_section).not_to_contain_text("Sessions held")
