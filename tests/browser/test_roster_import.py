"""A site administrator imports a roster through the upload page, and sees every bad line."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from rapport.people.models import User
from tests.browser.conftest import go_to
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAIN_CSV = Path(__file__).resolve().parents[1] / "data" / "roster" / "plain.csv"


def test_upload_a_plain_csv_and_see_what_changed(page, sign_in):
    world = build_world()
    sign_in(world.site_admin)
    go_to(page, "Roster import")
    page.get_by_label("Roster file").set_input_files(PLAIN_CSV)
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("status")).to_contain_text("Imported 4 rows")
    expect(page.get_by_role("row", name="People")).to_contain_text("4")
    assert User.objects.filter(email="ezra.vale@fernhill.example.org").exists()


def test_a_bad_file_lists_its_lines_and_changes_nothing(page, sign_in, tmp_path):
    world = build_world()
    bad = tmp_path / "staff.csv"
    bad.write_text(
        "name,email,school,role\n"
        "Ada Bell,not-an-email,Fernhill Primary,teacher\n"
        ",bo@x.org,Fernhill Primary,wizard\n"
    )
    before = User.objects.count()

    sign_in(world.site_admin)
    page.goto("/site/roster/")
    page.get_by_label("Roster file").set_input_files(bad)
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("alert")).to_contain_text("changed nothing")
    errors = page.locator(".import-errors li")
    expect(errors.first).to_contain_text("staff.csv:2")
    expect(page.locator(".import-errors")).to_contain_text("staff.csv:3")
    assert User.objects.count() == before


def test_a_refused_upload_takes_the_focus_to_what_was_wrong(page, sign_in):
    """The form comes back through htmx: the keyboard and a screen reader land on the problem."""
    world = build_world()
    sign_in(world.site_admin)
    page.goto("/site/roster/")
    page.get_by_role("button", name="Upload and import").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the marked fields below.")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Roster file")).to_be_focused()
