"""Who reaches a shared resource: the two members of the relationship, never anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.privacy import policy
from rapport.relationships.models import Relationship
from rapport.resources import actions
from rapport.resources.models import ResourceShare
from tests.factories import RelationshipFactory
from tests.resources.samples import make_resource, make_share

pytestmark = pytest.mark.django_db


def test_a_teacher_cannot_fetch_a_file_shared_with_another_teacher(client_as, world):
    resource = make_resource(world)
    other_pair = RelationshipFactory(
        coach=world.coach, teacher=world.other_teacher, school=world.relationship.school
    )
    actions.share_resource(other_pair, world.coach, resource, "Only for Theo.")
    assert client_as(world.teacher).get(reverse("resource_file", args=[resource.pk])).status_code == 404
    assert client_as(world.other_teacher).get(reverse("resource_file", args=[resource.pk])).status_code == 200
    page = client_as(world.teacher).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert "Only for Theo." not in page.content.decode()
    resource.file.delete(save=False)


@pytest.mark.parametrize("name", ["leader", "other_leader", "coach_lead", "site_admin", "other_teacher"])
def test_outsiders_see_no_share_anywhere(client_as, world, name):
    share = make_share(world, note="Between the two of them.")
    outsider = getattr(world, name)
    assert policy.visible_records(outsider, ResourceShare.objects.all()).count() == 0
    assert not policy.can_view(outsider, share)
    client = client_as(outsider)
    assert client.get(reverse("shared_resources", args=[world.relationship.pk])).status_code == 404
    assert client.get(reverse("resource_file", args=[share.resource_id])).status_code == 404
    assert client.get(reverse("resource_library")).status_code == 403
    share.resource.file.delete(save=False)


def test_the_share_is_in_the_teachers_own_export(world):
    share = make_share(world)
    records = policy.records_about(world.teacher)
    assert share in records[ResourceShare]
    share.resource.file.delete(save=False)


def test_an_ended_relationship_takes_no_new_share(client_as, world):
    Relationship.objects.filter(pk=world.relationship.pk).update(ended_on="2026-01-01")
    resource = make_resource(world, with_file=False)
    response = client_as(world.coach).post(
        reverse("resource_share", args=[world.relationship.pk]), {"resource": resource.pk}
    )
    assert response.status_code == 404
    assert not ResourceShare.objects.exists()
