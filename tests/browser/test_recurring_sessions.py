"""A coach schedules a series of sessions from the relationship page, sees them on Today, and
cancels the rest of the series; at phone and desktop width."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.coaching.models import Session
from rapport.relationships.models import TeacherProfile, Visibility
from tests.browser.conftest import PHONE, at_both_widths, toast
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_a_coach_schedules_a_fortnightly_series_and_cancels_the_rest(page, sign_in):
    world = build_world()
    TeacherProfile.objects.update_or_create(
        relationship=world.relationship,
        author=world.coach,
        defaults={"visibility": Visibility.SHARED, "usual_wrap_up": datetime.time(15, 50)},
    )
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_role("link", name="Schedule a session").click()

    expect(page.get_by_label("The teacher must wrap up by")).to_have_value("15:50")
    first = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Date").fill(first.isoformat())
    page.get_by_label("Starts").fill("15:00")
    page.get_by_label("Ends").fill("16:00")
    page.get_by_label("Place").fill("Room 4")
    page.get_by_label("Repeats").select_option(label="Every other week")
    page.get_by_label("Or for this many sessions").fill("3")
    page.get_by_role("button", name="Schedule").click()
    expect(toast(page)).to_contain_text("3 sessions scheduled, every other week")
    expect(page.get_by_text("Every other week", exact=True)).to_be_visible()

    sessions = list(Session.objects.filter(series__isnull=False).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == [
        first + datetime.timedelta(days=14 * n) for n in range(3)
    ]
    assert {timezone.localtime(s.wrap_up_at).time() for s in sessions} == {datetime.time(15, 50)}

    page.goto("/")
    expect(page.get_by_text("every other week").first).to_be_visible()

    page.goto(f"/r/{world.relationship.pk}/sessions/{sessions[1].pk}/cancel/")
    page.get_by_label("Cora Coach").check()
    page.get_by_label("This one and the 1 later session of the series").check()
    page.get_by_role("button", name="Cancel the session").click()
    expect(toast(page)).to_contain_text("2 sessions cancelled")
    statuses = [s.status for s in Session.objects.filter(series__isnull=False).order_by("starts_at")]
    assert statuses == ["scheduled", "cancelled", "cancelled"]


def test_the_live_clock_reads_hours_minutes_and_seconds(page, sign_in):
    world = build_world()
    now = timezone.now()
    session = Session.objects.create(
        relationship=world.relationship,
        author=world.coach,
        visibility=Visibility.SHARED,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=6, minutes=40),
        wrap_up_at=now + datetime.timedelta(hours=6, minutes=30, seconds=30),
        place="Room 12",
    )
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/sessions/{session.pk}/")
    clock = page.get_by_role("timer")
    expect(clock).to_have_text(re.compile(r"^6:30:[0-2]\d$"))
    assert clock.bounding_box()["height"] > 40  # a clock, not a line of small text


def test_the_trust_table_stacks_on_a_phone_and_nothing_clips(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto("/insights/")
    wrap = page.locator(".table-wrap").first
    expect(wrap).to_be_visible()
    widths = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1]  # the cells stack as a card; no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
