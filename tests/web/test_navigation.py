"""Each person's navigation: where their work is, and their own settings in the menu under their name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse, set_script_prefix

pytestmark = pytest.mark.django_db


def _menus(client_as, user) -> tuple[list[str], list[str]]:
    page = client_as(user).get(reverse("privacy_promise")).content.decode()
    main = re.search(r'<nav aria-label="Main".*?</nav>', page, re.S)
    personal = re.search(r'<nav aria-label="Your account">.*?</nav>', page, re.S)
    labels = re.compile(r"<span>([^<]+)</span></a>")
    return (
        labels.findall(main.group(0)) if main else [],
        labels.findall(personal.group(0)) if personal else [],
    )


def test_a_coach_sees_their_day_and_their_teachers_and_keeps_settings_in_their_menu(client_as, world):
    main, personal = _menus(client_as, world.coach)
    assert main == ["Today", "Teachers", "Coverage", "Resources", "Trust"]
    # Tokens and downloads are the coach's own settings, not places their work is.
    assert {"API tokens", "Exports", "Your targets"} <= set(personal)


def test_each_role_gets_its_own_places(client_as, world):
    assert _menus(client_as, world.teacher)[0] == ["My coaching"]
    assert _menus(client_as, world.leader)[0] == ["Reports", "Released to me"]
    assert _menus(client_as, world.coach_lead)[0] == ["Coaches", "Shared conversations"]
    assert _menus(client_as, world.site_admin)[0] == ["Administration", "Roster import"]
    assert "API tokens" not in _menus(client_as, world.teacher)[1]


def test_the_current_place_is_marked_for_screen_readers(client_as, world):
    page = client_as(world.coach).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert re.search(r'aria-current="page"><svg[^>]*>.*?</svg><span>Teachers</span>', page.content.decode())


def test_signed_out_pages_have_no_menus(client):
    page = client.get(reverse("login")).content.decode()
    assert 'aria-label="Main"' not in page
    assert "Sign out" not in page


def test_the_menus_follow_the_script_prefix_they_are_served_under(client_as, world):
    client = client_as(world.coach)
    plain = client.get(reverse("privacy_promise")).content.decode()
    set_script_prefix("/rapport/")  # as a WSGI server does for an app under /rapport
    try:
        prefixed = client.get("/privacy/").content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/rapport/coverage/"' in prefixed
    assert 'href="/coverage/"' not in prefixed
    assert 'href="/coverage/"' in plain
