"""axe-core on the pages people use most, on a phone, in light and dark mode.

What needs a rendered page (contrast, landmarks as the browser sees them, names
computed by the browser, focusable scrolling regions, a page that fits a phone's
width) is checked here, and so is the coach's home with only a keyboard; the
page-by-page HTML checks of every route are in tests/web/test_accessibility.py.
axe-core is a pinned npm devDependency, injected into the page from
node_modules; a violation of impact "serious" or "critical" fails the test.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import Side
from rapport.people.models import Role
from rapport.relationships import actions
from tests.browser.conftest import PHONE
from tests.conversations.samples import make_conversation
from tests.factories import RelationshipFactory, person, waiting_follow_ups
from tests.insights.test_reports import held_sessions
from tests.resources.samples import make_resource, make_share
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def page(browser, live_server):
    """The phone-sized tab of conftest.py, with the Content Security Policy bypassed: it refuses the
    inline script axe is injected as. tests/browser's other tests run under the policy."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe() -> Path:
    """axe-core's script, which `npm ci` installs (make test runs it)."""
    if not AXE.exists():
        reason = f"{AXE} is missing: run npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE


def _a_full_week(world: World) -> None:
    """What a coach's pages show on a busy day: every section has something in it."""
    relationship = world.relationship
    waiting_follow_ups(relationship, 1, "Ask how the science fair went")
    actions.record_noticing(relationship, world.coach, "Every group had a job card.")
    actions.log_touchpoint(relationship, world.coach, "hallway", "Said hello by the library.")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    coaching_actions.add_commitment(
        relationship, world.coach, {"owner": Side.TEACHER, "what": "Try the talk moves.", "due_on": yesterday}
    )
    school = relationship.school
    not_seen_lately = person(Role.Kind.TEACHER, school, full_name="Nora Notseen")
    RelationshipFactory(coach=world.coach, teacher=not_seen_lately, school=school)
    held_sessions(school, world.coach, 6)  # the leader's report has numbers, not only hidden ones
    reader = Client()  # the teacher's access log has a line
    reader.force_login(world.leader)
    reader.get(reverse("released_record", args=[world.release.pk]))


def _relationship(world: World) -> str:
    return reverse("relationship_detail", args=[world.relationship.pk])


def _conversation(world: World) -> str:
    return reverse("conversation_detail", args=[make_conversation(world).pk])


def _agreement_compared(world):
    from rapport.coaching import actions
    from rapport.coaching.models import Agreement

    sections = {name: getattr(world.agreement, name) for name, _ in Agreement.SECTIONS}
    sections["meetings"] = "Thursdays at 3:30 in room 14, 40 minutes."
    actions.save_agreement(world.relationship, world.coach, sections)
    return reverse("agreement_compare", args=[world.relationship.pk])


def _library_with_a_resource(world) -> str:
    make_resource(world)
    return reverse("resource_library")


def _shared_resources(world) -> str:
    make_share(world)
    return reverse("shared_resources", args=[world.relationship.pk])


PAGES = {
    "sign-in": (None, lambda world: reverse("login")),
    "coach home": ("coach", lambda world: reverse("home")),
    "relationship, coach's view": ("coach", _relationship),
    "relationship, teacher's view": ("teacher", _relationship),
    "prep brief": ("coach", lambda w: reverse("session_prep", args=[w.relationship.pk, w.session.pk])),
    "coverage": ("coach", lambda world: reverse("coverage")),
    "teacher's home": ("teacher", lambda world: reverse("teacher_space")),
    "teacher's access log": ("teacher", lambda world: reverse("my_access_log")),
    "search with results": ("coach", lambda world: reverse("search") + "?q=discussion"),
    "conversation with its listening analytics": ("coach", _conversation),
    "leader report": ("leader", lambda world: reverse("leader_report")),
    "resource library with a resource": ("coach", _library_with_a_resource),
    "resources shared with the teacher": ("teacher", _shared_resources),
    "agreement comparison": ("teacher", lambda w: _agreement_compared(w)),
    "earlier cycles": ("teacher", lambda w: reverse("cycle_list", args=[w.relationship.pk])),
    "deleting a visit (asks first)": (
        "coach",
        lambda w: reverse("visit_delete", args=[w.relationship.pk, w.private_visit.pk]),
    ),
    "conversation, coach's view (who it is shared with)": (
        "coach",
        lambda w: reverse("conversation_detail", args=[make_conversation(w, shared=True).pk]),
    ),
}


def _serious_violations(page, axe: Path) -> list[str]:
    page.add_script_tag(path=str(axe))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']} — {rule['help']}\n    {node['failureSummary']}"
        for rule in results["violations"]
        if rule["impact"] in FAILING_IMPACTS
        for node in rule["nodes"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(page, sign_in, axe, name):
    world = build_world()
    _a_full_week(world)
    who, url = PAGES[name]
    if who is not None:
        sign_in(getattr(world, who))
    found = []
    for scheme in ("light", "dark"):
        # Loaded afresh in each scheme: switching a loaded page's scheme starts Pico's colour
        # transitions, and axe would measure the colours halfway.
        page.emulate_media(color_scheme=scheme)
        page.goto(url(world))
        page.wait_for_load_state("networkidle")
        found += [f"[{scheme}] {violation}" for violation in _serious_violations(page, axe)]
    # WCAG 1.4.10, reflow: on a phone the page scrolls down, never sideways (wide tables scroll in place).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"the page is {width}px wide: it scrolls sideways on a {PHONE['width']}px phone")
    assert not found, f"{name} ({page.url}), at {page.viewport_size}:\n" + "\n".join(found)


def test_the_coach_home_with_a_keyboard(page, sign_in):
    """Skip to content, open a teacher, log a touchpoint: the keyboard never loses its place."""
    world = build_world()
    sign_in(world.coach)
    page.goto(reverse("home"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.locator("summary", has_text=world.teacher.full_name).focus()
    page.keyboard.press("Enter")
    lunch = page.get_by_role("button", name="Lunch")
    expect(lunch).to_be_visible()
    # A person takes longer than htmx does to wire up the form it just loaded; a script must wait.
    page.wait_for_function("() => document.querySelector('form[hx-post]')?.['htmx-internal-data']?.initHash")
    lunch.focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Logged: lunch with {world.teacher.full_name}.")
    # The button pressed was swapped out with its form; focus goes to what replaced it, not to the top.
    expect(status).to_be_focused()
