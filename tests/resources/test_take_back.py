"""A shared resource shared by mistake: whoever shared it corrects its note or takes it back
(rapport.resources.corrections). A promise it kept is open again; the library keeps the resource."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.coaching.models import Commitment
from rapport.resources import actions
from rapport.resources.models import Resource, ResourceShare
from tests.resources.samples import make_resource, make_share

pytestmark = pytest.mark.django_db


def _url(name, share):
    return reverse(name, args=[share.relationship_id, share.pk])


def test_the_coach_corrects_the_note_and_the_teacher_reads_the_new_one(world, client_as):
    share = make_share(world, note="Page two first.")
    client = client_as(world.coach)
    assert "Page two first." in client.get(_url("resource_share_edit", share)).content.decode()
    response = client.post(_url("resource_share_edit", share), {"note": "Page three first."})
    assert response["Location"] == reverse("shared_resources", args=[world.relationship.pk])
    teachers_page = client_as(world.teacher).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert "Page three first." in teachers_page.content.decode()
    assert "Page two first." not in teachers_page.content.decode()


def test_taking_back_a_share_that_kept_a_promise_opens_the_promise_again(world, client_as):
    resource = make_resource(world)
    share = actions.share_resource(world.relationship, world.coach, resource, "", world.commitment)
    assert Commitment.objects.get(pk=world.commitment.pk).done_on is not None
    client = client_as(world.coach)
    question = client.get(_url("resource_share_delete", share)).content.decode()
    assert "that promise is open again" in question
    response = client.post(_url("resource_share_delete", share))
    assert response["Location"] == reverse("shared_resources", args=[world.relationship.pk])
    assert not ResourceShare.objects.exists()
    assert Commitment.objects.get(pk=world.commitment.pk).done_on is None
    assert Resource.objects.filter(pk=resource.pk).exists(), "the library keeps it"
    teachers_page = client_as(world.teacher).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert resource.title not in teachers_page.content.decode()


def test_the_sharers_page_offers_it_and_the_teachers_does_not(world, client_as):
    share = make_share(world)
    coach_page = client_as(world.coach).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert _url("resource_share_delete", share) in coach_page.content.decode()
    teachers_page = client_as(world.teacher).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert _url("resource_share_delete", share) not in teachers_page.content.decode()


@pytest.mark.parametrize("who", ["teacher", "other_coach", "leader", "site_admin", "coach_lead"])
def test_nobody_else_takes_it_back_or_changes_its_note(world, client_as, who):
    share = make_share(world, note="Keep this.")
    client = client_as(getattr(world, who))
    assert client.post(_url("resource_share_delete", share)).status_code == 404
    assert client.post(_url("resource_share_edit", share), {"note": "Changed."}).status_code == 404
    assert ResourceShare.objects.get(pk=share.pk).note == "Keep this."


def test_nothing_is_taken_back_once_the_relationship_has_ended(world, client_as):
    share = make_share(world)
    world.relationship.ended_on = world.relationship.started_on
    world.relationship.save()
    assert client_as(world.coach).post(_url("resource_share_delete", share)).status_code == 404
    assert ResourceShare.objects.filter(pk=share.pk).exists()
