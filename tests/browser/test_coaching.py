"""Coaching cycles in a phone browser: the live view's wrap-up warning, next steps, the signed link."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone
from playwright.sync_api import expect

from rapport.coaching import actions
from rapport.coaching.models import Commitment, Session
from rapport.relationships.models import Visibility
from tests.browser.conftest import at_both_widths, toast
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_wrapping_up_in(world, delta: datetime.timedelta) -> Session:
    """A session under way whose wrap-up time is ``delta`` from now (no waiting for real minutes)."""
    now = timezone.now()
    return Session.objects.create(
        relationship=world.relationship,
        author=world.coach,
        visibility=Visibility.SHARED,
        starts_at=now - datetime.timedelta(minutes=20),
        ends_at=now + delta + datetime.timedelta(minutes=5),
        wrap_up_at=now + delta,
        place="Room 12",
    )


def test_the_live_view_warns_two_minutes_before_wrap_up(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    session = _session_wrapping_up_in(world, datetime.timedelta(minutes=2, seconds=8))
    page.goto(f"/r/{world.relationship.pk}/sessions/{session.pk}/")
    expect(page.locator("[data-countdown]")).to_contain_text("2:0")
    expect(page.locator("[data-wrap-up-warning]")).to_be_empty()
    alert = page.locator(".live-clock").get_by_role("alert")
    expect(alert).to_contain_text("Two minutes to wrap-up", timeout=15_000)


@at_both_widths
def test_a_next_step_becomes_a_commitment(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/sessions/{world.session.pk}/")
    page.get_by_label("Tess Teacher (teacher)").check()
    page.get_by_label("What", exact=True).fill("Try think-pair-share in period 3")
    page.get_by_label("Due", exact=True).fill((timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add next step").click()
    expect(page.get_by_role("status")).to_contain_text("Next step added as a commitment")
    next_steps = page.locator("#next-steps")
    expect(next_steps).to_contain_text("Try think-pair-share in period 3")
    step = Commitment.objects.get(session=world.session)
    assert (step.owner, step.what) == ("teacher", "Try think-pair-share in period 3")


def test_the_teacher_acknowledges_through_the_signed_link_once(page, sign_in):
    world = build_world()
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/agreement/")
    page.get_by_role("button", name="Email the acknowledgement link").click()
    expect(toast(page)).to_contain_text("The link works once")
    link = next(word for word in mail.outbox[-1].body.split() if "/agreement/acknowledge/" in word)

    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="I acknowledge version 1").click()
    expect(page.get_by_role("status")).to_contain_text("You acknowledged version 1")
    assert world.agreement.acknowledgements.get().person == world.teacher

    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("already been used")


def test_an_altered_or_expired_link_is_refused_with_a_clear_page(page):
    world = build_world()
    token = actions.acknowledgement_token(world.agreement, world.teacher)
    page.goto(f"/agreement/acknowledge/{token[:-4]}xxxx/")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("not valid")

    with mock.patch.object(signing.time, "time", return_value=time.time() - 8 * 24 * 3600):
        expired = actions.acknowledgement_token(world.agreement, world.teacher)
    page.goto(f"/agreement/acknowledge/{expired}/")
    expect(page.get_by_role("alert")).to_contain_text("expired")
    assert not world.agreement.acknowledgements.exists()
