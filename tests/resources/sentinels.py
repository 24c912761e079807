"""The note a coach adds when sharing a resource, written through the share form."""

from django.urls import reverse

from rapport.resources.models import ResourceShare
from tests.resources.samples import make_resource
from tests.sentinel import SentinelWriter, assert_posted


def _share_note(world, client_for, sentinel):
    resource = make_resource(world, with_file=False)
    url = reverse("resource_share", args=[world.relationship.pk])
    response = client_for(world.coach).post(url, {"resource": resource.pk, "note": sentinel})
    assert_posted(response, "share a resource")
    assert ResourceShare.objects.filter(relationship=world.relationship).exists()
    return [reverse("shared_resources", args=[world.relationship.pk]), reverse("teacher_space")]


WRITERS = [SentinelWriter("note with a shared resource", {"resources.ResourceShare.note"}, _share_note)]
