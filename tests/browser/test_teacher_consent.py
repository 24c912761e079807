"""The teacher in a conversation decides whether it travels to the coach's coach lead, at phone
size: they find the question on their home, agree without being named (the lead reads "the
teacher"), then withdraw, which ends the lead's access; and the emailed one-time link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.conversations.samples import make_conversation
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _share(page, sign_in, world, conversation):
    sign_in(world.coach)
    page.goto(f"/conversations/{conversation.pk}/share/")
    page.get_by_label(world.coach_lead.full_name).check()
    page.get_by_label("I have read who will see it and why").check()
    page.get_by_role("button", name="Ask Tess and share").click()
    expect(page.get_by_role("status")).to_contain_text("Asked Tess Teacher")


def test_the_teacher_agrees_unnamed_then_withdraws(page, sign_in):
    world = build_world()
    conversation = make_conversation(world)
    url = f"/conversations/{conversation.pk}/"
    _share(page, sign_in, world, conversation)

    sign_in(world.coach_lead)
    page.goto(url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    sign_in(world.teacher)
    page.goto("/")
    asks = page.get_by_role("article", name="Conversations your coach asks to share")
    expect(asks).to_contain_text("Cora asks to share it with Cleo Coachlead")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    asks.get_by_role("button", name="Agree").click()
    expect(page.get_by_role("status")).to_contain_text("Agreed: Cleo Coachlead can read it.")

    sign_in(world.coach_lead)
    page.goto("/conversations/shared/")
    page.get_by_role("link", name=conversation.title).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("The teacher: Better than I expected")
    expect(main).to_contain_text("Cora Coach with the teacher")
    for name in ("Tess", "Teacher"):
        expect(main).not_to_contain_text(name)
    assert "Tess" not in page.title()

    sign_in(world.teacher)
    page.goto("/")
    asks.get_by_role("button", name="Withdraw my consent for Cleo Coachlead").click()
    expect(page.get_by_role("status")).to_contain_text("Withdrawn: Cleo Coachlead can no longer read it.")

    sign_in(world.coach_lead)
    page.goto(url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    sign_in(world.coach)
    page.goto(url)
    sharing = page.get_by_role("article", name="Shared with")
    sharing.locator("summary", has_text="Shared before").click()
    expect(sharing).to_contain_text("the teacher withdrew their consent")


def test_the_emailed_link_answers_once(page, sign_in, client):
    world = build_world()
    conversation = make_conversation(world)
    _share(page, sign_in, world, conversation)
    (message,) = [m for m in mail.outbox if world.teacher.email in m.to]
    link = re.search(r"http\S+/conversations/consent/\S+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]

    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", name="May your coach share a conversation?")).to_be_visible()
    page.get_by_label("Cleo may see my name").check()
    page.get_by_role("button", name="I agree").click()
    expect(page.get_by_role("status")).to_contain_text("Agreed: Cleo Coachlead can read it with your name.")
    page.goto(path)
    expect(page.get_by_role("alert")).to_contain_text("already been used")

    sign_in(world.coach_lead)
    page.goto(f"/conversations/{conversation.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Tess: Better than I expected")
