from django.urls import reverse

from rapport.insights.models import TrustReflection
from tests.sentinel import SentinelWriter, assert_posted


def _reflection(world, client_for, sentinel):
    url = reverse("relationship_trust", args=[world.relationship.pk])
    response = client_for(world.coach).post(url, {"relational": ["checked-in"], "reflection": sentinel})
    assert_posted(response, "trust reflection")
    assert any(
        r.reflection == sentinel for r in TrustReflection.objects.filter(relationship=world.relationship)
    )
    return [url]


WRITERS = [SentinelWriter("trust reflection", {"insights.TrustReflection.reflection"}, _reflection)]
