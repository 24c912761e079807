"""Touchpoints: two taps from the home, and every one counts as contact for coverage."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.relationships.models import Touchpoint

pytestmark = pytest.mark.django_db


def test_htmx_touchpoint_answers_in_place(world, client_as):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"kind": "lunch", "note": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="status"' in page
    assert "Logged: lunch with Tess Teacher." in page
    touchpoint = Touchpoint.objects.get()
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at == touchpoint.happened_at


def test_without_javascript_it_goes_back_home(world, client_as):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"kind": "hallway", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Touchpoint.objects.get().note == ""


def test_an_unknown_kind_is_refused_and_nothing_written(world, client_as):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"kind": "telepathy"})
    assert response.status_code == 400
    assert not Touchpoint.objects.exists()
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is None


def test_an_outsider_changes_nothing(world, client_as):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    for outsider in (world.other_coach, world.leader, world.teacher, world.site_admin):
        assert client_as(outsider).post(url, {"kind": "hallway"}).status_code == 404
    assert not Touchpoint.objects.exists()
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is None
