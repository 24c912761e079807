"""The history timeline: every registered source, newest first, read through the policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.relationships import actions, timeline
from rapport.relationships.timeline import TimelineEntry, timeline_for
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_history_gathers_every_kind_of_contact(world, client_as):
    now = timezone.now()
    actions.log_touchpoint(
        world.relationship, world.coach, "lunch", "Talked about the garden", now - timedelta(days=3)
    )
    actions.record_noticing(
        world.relationship, world.coach, "Calm transitions", timezone.localdate() - timedelta(days=2)
    )
    actions.send_appreciation(world.relationship, world.coach, "Thank you for the calm transitions.")
    NoteFactory(
        relationship=world.relationship, body="Ask about the garden", follow_up_on=timezone.localdate()
    )

    kinds = [entry.kind for entry in timeline_for(world.coach, world.relationship)]
    assert kinds[-1] == "Touchpoint · Lunch"
    assert {"Noticed something good", "Appreciation sent", "Follow-up"} <= set(kinds)

    page = client_as(world.coach).get(reverse("relationship_history", args=[world.relationship.pk]))
    assert "Talked about the garden" in page.content.decode()


def test_another_app_can_register_a_source(world, monkeypatch):
    monkeypatch.setattr(timeline, "SOURCES", list(timeline.SOURCES))

    @timeline.timeline_source
    def sessions(user, relationship):
        return [TimelineEntry(day=date(2030, 1, 1), kind="Session", text="")]

    assert timeline_for(world.coach, world.relationship)[0].kind == "Session"


def test_only_what_the_reader_may_see(world):
    actions.record_noticing(world.relationship, world.coach, "Private to the coach")
    assert "Private to the coach" not in [
        entry.text for entry in timeline_for(world.teacher, world.relationship)
    ]
    assert not timeline_for(world.other_coach, world.relationship)
