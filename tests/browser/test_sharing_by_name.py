"""A coach with two coach leads chooses, by name, who reads a conversation, sees exactly who
does, and stops sharing with one of them: at phone size, with the page's own words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.people.models import CoachLeadAssignment, Role
from rapport.privacy.actions import answer_consent
from rapport.privacy.models import TeacherConsent
from tests.conversations.samples import make_conversation
from tests.factories import person
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coach_chooses_who_reads_and_stops_with_one(page, sign_in):
    world = build_world()
    second = person(Role.Kind.COACH_LEAD, world.relationship.school, full_name="Sam Secondlead")
    CoachLeadAssignment.objects.create(coach_lead=second, coach=world.coach)
    conversation = make_conversation(world)
    url = f"/conversations/{conversation.pk}/"
    sharing = page.get_by_role("article", name="Shared with")

    sign_in(world.coach)
    page.goto(url)
    expect(sharing).to_contain_text(f"Nobody else: only you and {world.teacher.full_name}.")
    sharing.get_by_role("button", name="Share with your coach lead…").click()
    page.get_by_role("button", name="Ask Tess and share").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields below.")
    expect(page.get_by_role("main")).to_contain_text("Choose who to share it with.")
    expect(page.get_by_role("main")).to_contain_text("Tick the box to confirm")
    page.get_by_role("group", name="Who to share it with").get_by_label("Sam Secondlead").check()
    page.get_by_label("I have read who will see it and why").check()
    page.get_by_role("button", name="Ask Tess and share").click()
    expect(page.get_by_role("status")).to_contain_text("Asked Tess Teacher. Sam Secondlead can read it")
    expect(sharing.get_by_role("listitem")).to_have_count(1)
    expect(sharing.get_by_role("listitem")).to_contain_text("waiting for Tess to agree")

    sign_in(second)
    page.goto("/conversations/shared/")
    expect(page.get_by_role("link", name=conversation.title)).to_have_count(0)
    answer_consent(TeacherConsent.objects.get(), agree=True, named=True)
    page.goto("/conversations/shared/")
    page.get_by_role("link", name=conversation.title).click()
    expect(page.locator(".purpose")).to_contain_text("shares this conversation with you, by name")

    sign_in(world.coach_lead)
    page.goto(url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    sign_in(world.coach)
    page.goto(url)
    expect(sharing.get_by_role("listitem")).to_contain_text("Tess agreed")
    # The other coach lead is still a choice, never assumed.
    sharing.get_by_role("button", name="Share with your coach lead…").click()
    expect(
        page.get_by_role("group", name="Who to share it with").get_by_label(world.coach_lead.full_name)
    ).to_be_visible()
    page.go_back()
    sharing.get_by_role("button", name="Stop sharing with Sam Secondlead").click()
    expect(page.get_by_role("status")).to_contain_text("No longer shared with Sam Secondlead.")
    expect(sharing).to_contain_text("Nobody else")
    sharing.locator("summary", has_text="Shared before").click()
    expect(sharing).to_contain_text("Sam Secondlead")
    expect(sharing).to_contain_text("the coach stopped sharing")

    sign_in(second)
    page.goto(url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
