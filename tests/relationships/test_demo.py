"""The demo district's relationship history: coach@example.org has something to do this morning."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.demo import district
from rapport.relationships.models import (
    Appreciation,
    Note,
    Noticing,
    Relationship,
    TeacherProfile,
    Touchpoint,
)

pytestmark = pytest.mark.django_db


def test_demo_history(client):
    demo = district.build(schools=2, coaches=3, teachers=12, years=1)
    coach = demo.accounts["coach@example.org"]
    assert TeacherProfile.objects.count() == len(demo.relationships)
    assert Touchpoint.objects.exists()
    assert Noticing.objects.exists()
    assert Appreciation.objects.filter(noticings__isnull=False).exists()
    due_today = Note.objects.filter(author=coach).follow_ups_due(on=timezone.localdate())
    assert due_today.filter(follow_up_on=timezone.localdate()).exists()
    assert not Relationship.objects.filter(last_contact_at__isnull=True).exists()

    client.force_login(coach)
    page = client.get(reverse("home")).content.decode()
    first = due_today.first()
    assert first.body in page
