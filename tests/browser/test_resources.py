"""The resource library in a browser, at phone and desktop width: a coach adds a file to the
library, shares it with a teacher from the teacher's page in place of a promise, and the teacher
finds it on their home and downloads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.coaching.models import Commitment
from rapport.resources.models import Resource, ResourceShare
from tests.browser.conftest import at_both_widths, go_to, toast
from tests.resources.samples import make_share, pdf_bytes
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@at_both_widths
def test_a_coach_shares_a_library_file_that_keeps_a_promise_and_the_teacher_gets_it(page, sign_in, tmp_path):
    world = build_world()
    handout = tmp_path / "Question stems.pdf"
    handout.write_bytes(pdf_bytes("Question stems"))

    sign_in(world.coach)
    go_to(page, "Resources")
    expect(page.get_by_text("The library is empty.")).to_be_visible()
    page.get_by_role("button", name="Add a resource").first.click()
    page.get_by_label("Title", exact=True).fill("Question stems card")
    page.get_by_label("Or upload a file").set_input_files(str(handout))
    page.get_by_label("Notes", exact=True).fill("Openers students use to build on a classmate's idea.")
    page.get_by_label("Goal area").select_option(label="Student talk and discussion")
    page.get_by_label("Grades", exact=True).select_option(label="3–5")  # noqa: RUF001
    page.get_by_role("button", name="Add to the library").click()
    expect(toast(page)).to_contain_text("Added to the library: Question stems card.")

    page.get_by_role("link", name=f"Share with {world.teacher.full_name}").click()
    expect(page.get_by_label("Resource", exact=True)).to_have_value(str(Resource.objects.get().pk))
    page.get_by_label("A note to them (optional)").fill("The card I promised. Try two stems first.")
    page.get_by_label("This keeps a promise").select_option(str(world.commitment.pk))
    page.get_by_role("button", name="Share").click()
    expect(toast(page)).to_contain_text("marked your promise as kept")
    expect(page.get_by_role("listitem").filter(has_text="Question stems card")).to_contain_text(
        "kept a promise"
    )
    assert Commitment.objects.get(pk=world.commitment.pk).done_on is not None
    assert ResourceShare.objects.get().commitment_id == world.commitment.pk

    sign_in(world.teacher)
    page.goto("/")
    shared = page.get_by_role("article", name="Shared with you lately")
    expect(shared).to_contain_text("A resource: Question stems card")
    expect(shared).to_contain_text("The card I promised. Try two stems first.")
    shared.get_by_role("link", name="A resource: Question stems card").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Question stems card").click()
    assert download.value.suggested_filename == "Question stems.pdf"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_coach_takes_back_a_resource_shared_by_mistake(page, sign_in):
    world = build_world()
    make_share(world, note="For the wrong teacher.")
    sign_in(world.coach)
    page.goto(f"/r/{world.relationship.pk}/resources/")
    page.get_by_role("link", name="Take back Discussion openers").click()
    expect(page.get_by_text("The resource stays in the library.")).to_be_visible()
    page.get_by_role("button", name="Delete it").click()
    expect(toast(page)).to_contain_text("The shared resource is deleted.")
    expect(page.get_by_text("Nothing shared yet.")).to_be_visible()
    assert not ResourceShare.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
