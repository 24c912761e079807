"""The coach's home on a phone at 7:45: a noticing in three taps, a touchpoint in two,
and today's follow-ups waiting. Taps are clicks after the home has loaded; typing is not a tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.relationships.models import Noticing, Touchpoint
from rapport.web.today import FOLLOW_UPS_SHOWN
from tests.browser.conftest import PHONE, TEST_PASSWORD, at_both_widths
from tests.factories import waiting_follow_ups
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Taps:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


@at_both_widths
def test_noticing_in_three_taps(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto("/")
    tap = Taps()

    tap(page.get_by_role("button", name="Noticed something good"))
    tap(page.get_by_role("button", name=world.teacher.full_name))
    page.get_by_label("What did you notice?").fill("Every student had a role in the group task.")
    tap(page.get_by_role("button", name="Save noticing"))

    expect(page.get_by_role("status")).to_contain_text(f"Noticing saved for {world.teacher.full_name}")
    noticed = page.locator("article", has=page.get_by_role("heading", name="What you noticed lately"))
    expect(noticed).to_contain_text("Every student had a role in the group task.")
    assert tap.count <= 3
    assert Noticing.objects.get().body == "Every student had a role in the group task."


@at_both_widths
def test_touchpoint_in_two_taps(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto("/")
    tap = Taps()

    tap(page.locator("summary", has_text=world.teacher.full_name))
    tap(page.get_by_role("button", name="Lunch"))

    expect(page.get_by_role("status")).to_contain_text(f"Logged: lunch with {world.teacher.full_name}.")
    # Answered in place (htmx): the page did not reload, so the teacher's row is still open.
    expect(page.locator("details[open]")).to_have_count(1)
    assert tap.count <= 2
    assert Touchpoint.objects.get().kind == "lunch"
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is not None


def test_follow_up_set_for_today_shows_on_the_home(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_label("Note", exact=True).fill("Ask how the science fair went")
    page.get_by_label("About", exact=True).select_option("events")
    today = page.evaluate("() => new Date().toLocaleDateString('en-CA')")
    page.get_by_label("Follow up on (optional)").fill(today)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")

    page.goto("/")
    follow_ups = page.locator("article", has=page.get_by_role("heading", name="Follow-ups due"))
    expect(follow_ups).to_contain_text("Ask how the science fair went")
    # Named with the teacher, described by the note: read out of context, the button still says
    # which follow-up it closes.
    name = f"Done: follow-up with {world.teacher.full_name}"
    done = follow_ups.get_by_role("button", name=name, exact=True)
    expect(done).to_have_accessible_description("Ask how the science fair went")
    done.click()
    expect(page.get_by_role("status")).to_contain_text("Follow-up marked done")
    expect(follow_ups).not_to_contain_text("Ask how the science fair went")


def test_the_oldest_follow_ups_then_all_of_them(page, sign_in):
    world = build_world()
    waiting_follow_ups(world.relationship, FOLLOW_UPS_SHOWN + 2, "Waiting follow-up")
    sign_in(world.coach)
    page.goto("/")
    follow_ups = page.locator("article", has=page.get_by_role("heading", name="Follow-ups due"))
    expect(follow_ups.get_by_role("listitem")).to_have_count(FOLLOW_UPS_SHOWN)
    expect(follow_ups).to_contain_text("Waiting follow-up 00")
    expect(follow_ups).not_to_contain_text(f"Waiting follow-up {FOLLOW_UPS_SHOWN + 1}")

    follow_ups.get_by_role("link", name="Show all follow-ups").click()
    expect(follow_ups.get_by_role("listitem")).to_have_count(FOLLOW_UPS_SHOWN + 2)
    expect(follow_ups).to_contain_text(f"Waiting follow-up {FOLLOW_UPS_SHOWN + 1}")


def test_without_javascript_a_touchpoint_is_a_page_away(browser, live_server):
    world = build_world()
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    world.coach.set_password(TEST_PASSWORD)
    world.coach.save(update_fields=["password"])
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(world.coach.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.locator("summary", has_text=world.teacher.full_name).click()
    page.get_by_role("link", name=f"Log a touchpoint with {world.teacher.get_short_name()}").click()
    page.get_by_label("Kind").select_option("lunch")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status")).to_contain_text(f"Logged: lunch with {world.teacher.full_name}.")
    assert Touchpoint.objects.get().kind == "lunch"
    context.close()
