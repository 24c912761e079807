"""In a browser: a leader's report shows small numbers as hidden; a teacher downloads
their own data and finds who read their records in it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rapport.people.models import Role
from tests.browser.conftest import go_to, go_to_own
from tests.factories import person
from tests.insights.test_reports import LAST_MONTH, held_sessions
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_report_shows_small_numbers_as_hidden(page, sign_in):
    world = build_world()
    leader = person(Role.Kind.DISTRICT_LEADER, world.relationship.school, full_name="Dana District")
    held_sessions(world.relationship.school, world.coach, 2)
    held_sessions(world.other_relationship.school, world.other_coach, 6)

    sign_in(leader)
    go_to(page, "Reports")
    page.get_by_label("School or district").select_option(label="Test District (all schools)")
    page.get_by_label("From (month)").fill(f"{LAST_MONTH:%Y-%m}")
    page.get_by_label("To (month)").fill(f"{LAST_MONTH:%Y-%m}")
    page.get_by_role("button", name="Show report").click()
    hours = page.locator("section", has=page.get_by_role("heading", name="Coaching hours"))
    # The small school and its complement read exactly the same: nothing says which was small.
    expect(hours.get_by_role("row", name="Home School")).to_have_text("Home SchoolHidden")
    expect(hours.get_by_role("row", name="Other School")).to_have_text("Other SchoolHidden")
    expect(hours.get_by_role("row", name="Test District (all schools)")).to_contain_text("8")
    expect(page.locator("body")).not_to_contain_text(world.teacher.full_name)


def test_the_teacher_downloads_their_data_with_the_access_log(page, sign_in, client):
    world = build_world()
    client.force_login(world.leader)
    client.get(f"/released/{world.release.pk}/")  # the leader reads the released note

    sign_in(world.teacher)
    go_to_own(page, "Exports")
    page.get_by_role("button", name="Everything Rapport keeps about me (ZIP)").click()
    expect(page.get_by_role("status").first).to_contain_text("ready")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("rapport-my-data.json"))
    assert [entry["who"] for entry in data["access_log"]] == [world.leader.full_name]
    assert world.private_note.body in json.dumps(data)
    assert "Who accessed your records" in archive.read("rapport-my-data.html").decode()


def test_an_export_no_worker_picks_up_says_so_until_one_does(page, sign_in, rq_worker, settings):
    """Jobs on Redis and no worker running: the page stops saying only "Waiting to start"."""
    settings.RAPPORT_JOB_WAIT_NOTICE_SECONDS = 1
    world = build_world()
    sign_in(world.teacher)
    go_to_own(page, "Exports")
    page.get_by_role("button", name="Everything Rapport keeps about me (ZIP)").click()
    notice = page.get_by_role("article", name="Not started yet")
    expect(notice).to_contain_text("no background worker has picked it up", timeout=15_000)
    expect(notice).to_contain_text("tell your site administrator")

    rq_worker.work()
    expect(page.get_by_role("status").first).to_contain_text("ready", timeout=15_000)
    expect(notice).to_have_count(0)
