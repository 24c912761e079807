"""After a small form (a follow-up closed, a commitment kept, a touchpoint logged), back to where
the person was, if that is a page of this site; anything else in ``next`` goes to the default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.coaching.models import Commitment

pytestmark = pytest.mark.django_db

NOT_OURS = [
    "0",
    "home",
    "",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
]


@pytest.mark.parametrize("next_value", NOT_OURS)
def test_a_next_that_is_not_a_page_of_ours_goes_to_the_default(client_as, world, next_value):
    client = client_as(world.coach)
    done = reverse("commitment_done", args=[world.relationship.pk, world.commitment.pk])
    logged = reverse("touchpoint_log", args=[world.relationship.pk])

    kept = client.post(done, {"next": next_value})
    touchpoint = client.post(logged, {"kind": "hallway", "next": next_value})

    assert kept.status_code == 302
    assert kept["Location"] == reverse("commitments", args=[world.relationship.pk])
    assert Commitment.objects.get(pk=world.commitment.pk).done_on is not None
    assert touchpoint.status_code == 302
    assert touchpoint["Location"] == reverse("home")


def test_a_page_of_ours_is_where_the_form_goes_back_to(client_as, world):
    client = client_as(world.coach)
    page = reverse("relationship_detail", args=[world.relationship.pk])
    done = reverse("commitment_done", args=[world.relationship.pk, world.commitment.pk])

    assert client.post(done, {"next": page})["Location"] == page
