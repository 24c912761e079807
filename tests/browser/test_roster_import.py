"""A site administrator uploads a roster, reads its preview, and imports it or discards it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rapport.people.models import ImportRun, User
from tests.browser.conftest import PHONE, SIZES, go_to, wait_for_htmx_to_settle
from tests.people.oneroster_sets import SIS_1_1, zipped
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAIN_CSV = Path(__file__).resolve().parents[1] / "data" / "roster" / "plain.csv"
# Set to a folder to keep a screenshot of each screen, at a phone's width and a desktop's.
SCREENSHOTS = os.environ.get("RAPPORT_SCREENSHOTS")


def _screenshots(page, name: str) -> None:
    if not SCREENSHOTS:
        return
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def test_upload_a_plain_csv_preview_it_and_import_it(page, sign_in):
    world = build_world()
    sign_in(world.site_admin)
    go_to(page, "Roster import")
    _screenshots(page, "roster-upload")
    page.get_by_label("Roster file").set_input_files(PLAIN_CSV)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("status")).to_contain_text("Nothing has been written yet.")
    expect(page.get_by_role("row", name="People")).to_contain_text("4")
    assert not User.objects.filter(email="ezra.vale@fernhill.example.org").exists()

    page.get_by_role("button", name="Import this roster").click()

    expect(page.get_by_role("status")).to_contain_text("Imported 4 rows")
    assert User.objects.filter(email="ezra.vale@fernhill.example.org").exists()


def test_a_oneroster_export_shows_what_it_skips_and_why_before_anything_is_written(page, sign_in, tmp_path):
    world = build_world()
    export = tmp_path / "marlow-valley.zip"
    export.write_bytes(zipped(SIS_1_1))
    before = User.objects.count()

    sign_in(world.site_admin)
    page.goto("/site/roster/")
    page.get_by_label("Roster file").set_input_files(export)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("status")).to_contain_text("Nothing has been written yet.")
    expect(page.get_by_role("heading", name="Skipped: 4 rows")).to_be_visible()
    expect(page.locator(".import-skipped")).to_contain_text("users.csv line 6: no email address")
    expect(page.locator(".import-skipped")).to_contain_text("users.csv lines 9-10: a student")
    _screenshots(page, "roster-preview")
    assert User.objects.count() == before

    page.get_by_role("button", name="Discard").click()

    expect(page.get_by_role("status")).to_contain_text("Discarded: nothing was written")
    assert User.objects.count() == before
    assert ImportRun.objects.get().upload is None


def test_a_bad_file_lists_its_problems_and_changes_nothing(page, sign_in, tmp_path):
    world = build_world()
    bad = tmp_path / "export.zip"
    bad.write_bytes(
        zipped({"orgs.csv": b"sourcedId,title\n", "users.csv": "sourcedId\nZo\xeb\n".encode("latin-1")})
    )
    before = User.objects.count()

    sign_in(world.site_admin)
    page.goto("/site/roster/")
    page.get_by_label("Roster file").set_input_files(bad)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("alert")).to_contain_text("changed nothing")
    expect(page.locator(".import-errors li").first).to_contain_text("orgs.csv:1")
    expect(page.locator(".import-errors")).to_contain_text("users.csv:2")
    _screenshots(page, "roster-failed")
    assert User.objects.count() == before


def test_a_refused_upload_takes_the_focus_to_what_was_wrong(page, sign_in):
    """The form comes back through htmx: the keyboard and a screen reader land on the problem."""
    world = build_world()
    sign_in(world.site_admin)
    page.goto("/site/roster/")
    page.get_by_role("button", name="Upload and preview").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the marked fields below.")
    wait_for_htmx_to_settle(page)
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Roster file")).to_be_focused()
