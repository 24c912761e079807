"""Playwright driving Debian's chromium against the live test server.

Never `playwright install`: the browser is the system's /usr/bin/chromium,
which `make test` installs when it is missing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# A flow a person follows on a phone in a hallway and at a desk: the test runs at both widths
# (the `page` fixture opens its tab at the width named by the parameter).
at_both_widths = pytest.mark.parametrize("page", SIZES, indirect=True)
TEST_PASSWORD = "a-long-test-password-4821"


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM calls
    that browser tests make around it are still synchronous and safe."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    """One chromium per test: Playwright's event loop must not outlive the test,
    or the ORM in later tests would think it runs in async code."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (make test installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with _closing_connections_opened_beside_playwright(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def _closing_connections_opened_beside_playwright():
    """Close the database connections the ORM opened while Playwright ran.

    Django keeps a connection per context (asgiref's Local), and some ORM calls
    made while Playwright's event loop runs get a context of their own: their
    connection was never closed, and PostgreSQL then refused to drop the test
    database at the end of the run ("being accessed by other users").
    """
    from django.db import connections
    from django.db.backends.signals import connection_created

    opened, this_thread = [], threading.get_ident()

    def remember(sender, connection, **kwargs):
        if threading.get_ident() == this_thread:  # not the live server's threads: they close their own
            opened.append(connection)

    connection_created.connect(remember)
    try:
        yield
    finally:
        connection_created.disconnect(remember)
        ours = {id(connections[alias]) for alias in connections}
        for wrapper in opened:
            if id(wrapper) not in ours:
                wrapper.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser tab on the live server: phone-sized, or at the width `at_both_widths` gives."""
    viewport = SIZES[getattr(request, "param", "phone")]
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """``sign_in(user)``: give the person a password and sign in through the real form."""

    def sign_in(user, password: str = TEST_PASSWORD):
        user.set_password(password)
        user.save(update_fields=["password"])
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return sign_in


def go_to(page, place: str) -> None:
    """Follow a link of the main navigation, through the menu button as a person on a phone does."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=place).click()


def go_to_own(page, place: str) -> None:
    """Follow a link of the menu under the person's name (their settings, exports, tokens)."""
    page.locator("details.user-menu > summary").click()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name=place).click()


def wait_for_htmx_to_settle(page) -> None:
    """Wait until htmx has finished settling what it swapped in. Chromium focuses an inserted
    ``autofocus`` element at once and htmx focuses it again when it settles (20 ms later); a
    key pressed in between would be undone, as no person types that fast but a script does."""
    expect(page.locator(".htmx-added, .htmx-settling, .htmx-request")).to_have_count(0)


def toast(page):
    """The confirmation that shows after a page's form was sent (Django's messages)."""
    return page.get_by_role("region", name="Notifications").get_by_role("status")
