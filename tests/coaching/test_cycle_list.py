"""Earlier cycles are listed, and starting a new one says what happens to the current one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Cycle

pytestmark = pytest.mark.django_db


def _new_cycle(**extra):
    return {
        "student_goal": "Students explain their thinking in writing.",
        "measure": "Exit tickets with a reason.",
        "baseline": "3",
        "target": "15",
        "target_date": (timezone.localdate() + datetime.timedelta(days=50)).isoformat(),
        "status": "identify",
        **extra,
    }


def test_starting_a_new_cycle_says_what_happens_to_the_current_one(client_as, world):
    client = client_as(world.coach)
    form = client.get(reverse("cycle_new", args=[world.relationship.pk])).content.decode()
    assert "The current cycle" in form
    assert "Students ask each other questions in discussions." in form
    assert 'name="close_current"' in form
    response = client.post(reverse("cycle_new", args=[world.relationship.pk]), _new_cycle(close_current="1"))
    assert response.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.status == Cycle.Status.DONE
    assert world.cycle.completed_at is not None


def test_the_current_cycle_may_stay_open(client_as, world):
    client_as(world.coach).post(reverse("cycle_new", args=[world.relationship.pk]), _new_cycle())
    world.cycle.refresh_from_db()
    assert world.cycle.status == Cycle.Status.IDENTIFY
    assert Cycle.objects.filter(relationship=world.relationship).count() == 2


def test_earlier_cycles_are_listed_for_both_members(client_as, world):
    client_as(world.coach).post(
        reverse("cycle_new", args=[world.relationship.pk]), _new_cycle(close_current="1")
    )
    relationship_page = client_as(world.teacher).get(
        reverse("relationship_detail", args=[world.relationship.pk])
    )
    assert reverse("cycle_list", args=[world.relationship.pk]) in relationship_page.content.decode()
    for member in (world.coach, world.teacher):
        page = client_as(member).get(reverse("cycle_list", args=[world.relationship.pk])).content.decode()
        assert "2 cycles, the latest first" in page
        assert page.index("Students explain their thinking in writing.") < page.index(
            "Students ask each other questions in discussions."
        )
        assert "ended" in page
    assert (
        client_as(world.other_coach).get(reverse("cycle_list", args=[world.relationship.pk])).status_code
        == 404
    )
