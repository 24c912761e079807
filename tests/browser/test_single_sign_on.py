"""Signing in with the district's provider in a real browser: Debian's chromium, Rapport's live
server and a real OpenID provider (tests/oidc_provider.py), under Rapport's Content Security Policy.

The button is a form posted to Rapport and redirected on to the provider, which the browser checks
against the page's form-action; the provider sends the browser back with a top-level GET, on which
the session cookie (SameSite=Lax) must come along. The refusals one by one are
tests/people/test_single_sign_on.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rapport.people.models import Role, User
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import AXE, _serious_violations
from tests.factories import person
from tests.oidc_provider import NEWCOMER, PASSWORD, TESS
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
BUTTON = "Sign in with Google"
# Set RAPPORT_SCREENSHOTS to a folder to keep the pages these tests look at, at both sizes.
SCREENSHOTS = os.environ.get("RAPPORT_SCREENSHOTS")


@pytest.fixture
def district(single_sign_on, settings):
    settings.RAPPORT_OIDC_BUTTON_LABEL = BUTTON
    world = build_world()
    tess = person(Role.Kind.TEACHER, world.relationship.school, email=TESS, full_name="Tess Teacher")
    return world, tess


@pytest.fixture
def policy_violations(page):
    """What the browser refused under the Content Security Policy, as it reports it."""
    refused = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    return refused


def at_the_provider(page, username: str, *, button: str = "Sign in") -> None:
    expect(page.get_by_role("heading", name="District sign-in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()


def keep(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)


def test_a_teacher_signs_in_with_the_district_account_and_out_again(page, district, policy_violations):
    _, tess = district
    page.goto(reverse("login") + "?next=" + reverse("teacher_space"))
    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, "tess")

    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/me/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert User.objects.get(pk=tess.pk).last_login is not None

    page.locator("summary", has_text="Tess").click()  # the user menu
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out of Rapport")
    expect(page.get_by_role("status")).to_contain_text("sign out of it too")
    page.goto(reverse("teacher_space"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert policy_violations == []


def test_someone_not_on_the_roster_is_told_so_and_nothing_is_made(page, district, policy_violations):
    page.goto(reverse("login"))
    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, "nico")

    expect(page.get_by_role("heading", name="There is no Rapport account for this address")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(NEWCOMER)
    assert not User.objects.filter(email=NEWCOMER).exists()
    for viewport in (PHONE, DESK):
        page.set_viewport_size(viewport)
        keep(page, "sso-refused-unknown-email")
    page.get_by_role("button", name="Back to the sign-in page").click()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    assert policy_violations == []


def test_cancelling_at_the_provider_comes_back_to_a_page_that_says_so(page, district):
    page.goto(reverse("login"))
    page.get_by_role("button", name=BUTTON).click()
    at_the_provider(page, "tess", button="Cancel")
    expect(page.get_by_role("heading", name="Sign-in was cancelled")).to_be_visible()


@pytest.fixture
def axe_page(browser, live_server):
    """A tab past the Content Security Policy, which refuses axe's injected script (as in
    tests/browser/test_accessibility.py); the flows above run under the policy."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run npm ci")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("passwords", ["on", "off"])
def test_the_sign_in_page_on_a_phone_and_a_desk(axe_page, district, settings, passwords):
    """Looked at as a person would (the screenshots), and checked by axe-core, light and dark."""
    page = axe_page
    settings.RAPPORT_PASSWORD_SIGN_IN = passwords == "on"
    found = []
    for viewport in (PHONE, DESK):
        page.set_viewport_size(viewport)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(reverse("login"))
            page.wait_for_load_state("networkidle")
            found += [f"[{viewport['width']}px, {scheme}] {v}" for v in _serious_violations(page, AXE)]
            keep(page, f"sign-in-passwords-{passwords}-{scheme}")
        button = page.get_by_role("button", name=BUTTON)
        expect(button).to_be_visible()
        expect(page.get_by_label("Password", exact=True)).to_have_count(1 if passwords == "on" else 0)
        box = button.bounding_box()
        assert box["y"] + box["height"] <= viewport["height"], "the provider's button is on the first screen"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page is {width}px wide"
    assert not found, "\n".join(found)
