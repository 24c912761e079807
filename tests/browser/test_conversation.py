"""Conversation coaching in a browser: import a transcript and a recording, jump to a
line, comment on that moment; the coach lead sees it only once the coach shares."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.conversations.samples import ZOOM_VTT, make_conversation, wav_bytes
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """Poll a JavaScript expression from here: ``wait_for_function`` polls with eval in
    the page, which our strict CSP (rightly) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_import_seek_comment_and_share(page, sign_in, tmp_path):
    world = build_world()
    vtt = tmp_path / "talk.vtt"
    vtt.write_text(ZOOM_VTT)
    wav = tmp_path / "talk.wav"
    wav.write_bytes(wav_bytes(seconds=45))

    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_role("navigation", name=f"With {world.teacher.get_short_name()}").get_by_role(
        "link", name="Conversations"
    ).click()
    page.get_by_role("button", name="Import a conversation").click()
    expect(page.get_by_text("never for evaluation")).to_be_visible()
    page.get_by_label("What the conversation was about").fill("Sentence starters check-in")
    page.get_by_label("Date of the conversation").fill(world.relationship.started_on.isoformat())
    page.get_by_label("Transcript").set_input_files(str(vtt))
    page.get_by_label("Recording (optional)").set_input_files(str(wav))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Conversation imported")
    page.get_by_role("button", name="Save speakers").click()
    conversation_url = page.url

    player = page.locator("audio[data-player]")
    expect(player).to_be_visible()
    wait_until(page, "document.querySelector('audio[data-player]').readyState >= 1")
    page.locator("#line-3 a.moment").click()
    wait_until(page, "Math.abs(document.querySelector('audio[data-player]').currentTime - 26) < 1")
    expect(page.locator("#line-3")).to_have_class("speaking")
    expect(page.get_by_label("Moment (minutes:seconds)")).to_have_value("0:26")
    # As the help says: a click on the line's words, not only on its time, sets the moment.
    page.locator("#line-1").get_by_text("sentence starters").click()
    expect(page.get_by_label("Moment (minutes:seconds)")).to_have_value("0:05")
    page.locator("#line-3").get_by_text("Mostly, yes").click()
    page.get_by_label("Comment", exact=True).fill("Here I could have waited longer before moving on.")
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_role("status")).to_contain_text("Comment saved")
    expect(page.locator(".comment")).to_contain_text("0:26")

    sign_in(world.coach_lead)
    page.goto("/conversations/shared/")
    expect(page.get_by_text("Sentence starters check-in")).to_have_count(0)
    page.goto(conversation_url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    sign_in(world.coach)
    page.goto(conversation_url)
    page.get_by_role("button", name="Share with your coach lead…").click()
    expect(page.get_by_text("never used for")).to_be_visible()
    page.get_by_label(world.coach_lead.full_name).check()
    page.get_by_label("I have read who will see it and why").check()
    page.get_by_role("button", name=f"Ask {world.teacher.get_short_name()} and share").click()
    expect(page.get_by_role("status")).to_contain_text(f"Asked {world.teacher.full_name}")

    sign_in(world.teacher)
    page.goto("/")
    page.get_by_role("article", name="Conversations your coach asks to share").get_by_role(
        "button", name="Agree"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Agreed")

    sign_in(world.coach_lead)
    page.goto("/conversations/shared/")
    page.get_by_role("link", name="Sentence starters check-in").click()
    expect(page.locator(".comment")).to_contain_text("Here I could have waited longer")


def test_the_turns_that_built_on_the_teachers_words_on_a_phone_with_a_keyboard(
    page, sign_in, settings, tmp_path
):
    world = build_world()
    conversation = make_conversation(world)
    sign_in(world.teacher)
    page.goto(f"/conversations/{conversation.pk}/")
    listening = page.get_by_role("region", name="Listening")
    expect(listening).to_contain_text("built on the teacher's words in 1 of 2 turns")
    summary = page.locator("summary", has_text="Building on the teacher's words")
    summary.focus()
    page.keyboard.press("Enter")
    finding = page.locator(".findings li", has_text="It sounds like the starters")
    expect(finding).to_be_visible()
    expect(finding.locator("mark")).to_have_text("starters")
    expect(finding).to_contain_text("(words taken up: starters)")
    expect(finding.locator("a")).to_have_attribute("href", "#line-2")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
