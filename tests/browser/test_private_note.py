"""The promise, end to end in a browser: a private note stays with its author;
the teacher sees who read their records, and only when someone did."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.relationships.models import Note
from tests.browser.conftest import at_both_widths
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_private_note_is_seen_by_its_author_only(page, sign_in):
    world = build_world()
    secret = "Ask about the robotics competition in March"

    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_label("Note", exact=True).fill(secret)
    page.get_by_label("Private — only me").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    expect(page.get_by_text(secret)).to_be_visible()

    # The leader of the teacher's school finds no trace of it anywhere they can go.
    sign_in(world.leader)
    for path in ["/", "/released/", f"/r/{world.relationship.pk}/", "/caseload/", "/me/"]:
        page.goto(path)
        expect(page.locator("body")).not_to_contain_text(secret)
    page.goto(f"/r/{world.relationship.pk}/")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    # Only the author read it, so the teacher's access log has no entry for it.
    sign_in(world.teacher)
    page.goto("/me/")
    log = page.locator("article", has=page.get_by_role("heading", name="Who read your records"))
    expect(log).to_contain_text("Nobody but their authors has opened your records.")
    expect(page.locator("body")).not_to_contain_text(secret)


def test_teacher_sees_access_log_entry_when_a_leader_reads_a_released_note(page, sign_in):
    world = build_world()
    note_text = "Our plan for student-led discussion groups"

    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/")
    page.get_by_label("Note", exact=True).fill(note_text)
    page.get_by_label(f"Shared with {world.teacher.full_name}").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    note = Note.objects.filter(relationship=world.relationship).latest("created_at")

    sign_in(world.teacher)
    page.goto(f"/r/{world.relationship.pk}/")
    page.locator(f"#note-{note.pk}").get_by_role("button", name="Release to a leader…").click()
    page.get_by_label(world.leader.full_name).check()
    page.get_by_role("button", name="Release").click()
    expect(page.get_by_role("status")).to_contain_text(f"Released to {world.leader.full_name}")

    sign_in(world.leader)
    page.goto("/released/")
    page.get_by_role("link", name=f"Note #{note.pk}").click()
    expect(page.get_by_text(note_text)).to_be_visible()

    sign_in(world.teacher)
    page.goto("/me/")
    log = page.locator("article", has=page.get_by_role("heading", name="Who read your records"))
    expect(log).to_contain_text(f"{world.leader.full_name} read a note you released to them")

    # Revoking the release closes the door again.
    page.get_by_role("button", name=f"Revoke: note released to {world.leader.full_name}").first.click()
    expect(page.get_by_role("status")).to_contain_text("can no longer read it")
    sign_in(world.leader)
    page.goto("/released/")
    expect(page.get_by_role("link", name=f"Note #{note.pk}")).to_have_count(0)
