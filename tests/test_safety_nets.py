"""The big safety nets catch a broken policy.

Two weakenings of rapport/privacy/policy.py once passed every case of the
authorization matrix and the sentinel test: a member of a relationship reading every
record in it (the teacher reads the coach's private notes), and any leader reading a
record released to another leader. Here each is applied to the policy in-process, and
the matrix's and the sentinel test's own checking functions, run on a few of their
cases, must report it. Should a later change make the nets blind again (a world without
the second teacher or leader, a matrix that looks only at status codes), these fail.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from rapport.privacy import policy
from rapport.privacy.models import Release
from tests.sentinel import member_sentinel_leaks, member_sentinel_policy_failures, write_member_sentinels
from tests.test_authorization_matrix import ROUTES, check_route
from tests.world import build_world
from tests.world_extra import people, policy_answer_failures, world_readers


def members_read_everything(monkeypatch):
    """A member of a relationship reads every record in it, private ones of the other member too."""
    monkeypatch.setattr(policy, "_members_rule", lambda user: Q())


def any_leader_reads_a_release(monkeypatch):
    """A record released to one leader is read by every leader (the release's leader is not asked)."""

    def released_to(user, model):
        return Release.objects.active().filter(content_type=ContentType.objects.get_for_model(model))

    monkeypatch.setattr(policy, "_released_to", released_to)


MUTATIONS = [
    pytest.param(members_read_everything, id="members-read-everything"),
    pytest.param(any_leader_reads_a_release, id="any-leader-reads-a-release"),
]

# A few cases of the matrix: the relationship's page, as each member and its leader.
MATRIX_CASES = [("relationship_detail", "get", principal) for principal in ("coach", "teacher", "leader")]
SENTINEL_PRINCIPALS = ("coach", "teacher", "second_teacher", "leader", "second_leader")


def matrix_failures(client, world) -> list[str]:
    """What the matrix reports, on its few cases here and on the policy's answers."""
    failures = policy_answer_failures(world, world_readers(world), people(world))
    routes = {route.name: route for route in ROUTES}
    for name, method, principal in MATRIX_CASES:
        try:
            check_route(client, world, routes[name], method, principal)
        except AssertionError as error:
            failures.append(str(error))
    return failures


def sentinel_failures(client, world) -> list[str]:
    """What the sentinel test reports, on the pages of both relationships and on the policy's answers."""

    def client_for(user):
        client.force_login(user)
        return client

    sentinels, record_urls = write_member_sentinels(world, client_for)
    urls = [
        ("relationship_detail", reverse("relationship_detail", args=[relationship.pk]))
        for relationship in (world.relationship, world.extra.second_relationship)
    ]
    urls += [(None, url) for url in record_urls]
    leaks = member_sentinel_leaks(world, client, sentinels, SENTINEL_PRINCIPALS, urls)
    return leaks + member_sentinel_policy_failures(world, sentinels)


@pytest.mark.django_db
def test_the_nets_pass_on_the_policy_as_it_is(client):
    world = build_world(extra=True)
    assert matrix_failures(client, world) == []
    assert sentinel_failures(client, world) == []


@pytest.mark.django_db
@pytest.mark.parametrize("mutate", MUTATIONS)
def test_the_matrix_catches_a_broken_policy(client, monkeypatch, mutate):
    world = build_world(extra=True)
    mutate(monkeypatch)
    assert matrix_failures(client, world), "the authorization matrix missed a broken policy"


@pytest.mark.django_db
@pytest.mark.parametrize("mutate", MUTATIONS)
def test_the_sentinel_test_catches_a_broken_policy(client, monkeypatch, mutate):
    world = build_world(extra=True)
    mutate(monkeypatch)
    assert sentinel_failures(client, world), "the sentinel test missed a broken policy"


@pytest.mark.django_db
def test_a_member_reading_everything_shows_on_the_relationship_page(client, monkeypatch):
    """Not only in the policy's answers: the matrix's own case for the teacher's page fails."""
    world = build_world(extra=True)
    members_read_everything(monkeypatch)
    route = next(route for route in ROUTES if route.name == "relationship_detail")
    with pytest.raises(AssertionError, match="coach_private shown to teacher"):
        check_route(client, world, route, "get", "teacher")


@pytest.mark.django_db
def test_a_leader_reading_another_leaders_release_shows_in_the_policys_answers(monkeypatch):
    world = build_world(extra=True)
    any_leader_reads_a_release(monkeypatch)
    failures = policy_answer_failures(world, world_readers(world), ["second_leader", "other_leader"])
    released = world.extra.records["released"]
    assert f"can_view: second_leader / Note {released.pk} (released) should be False" in failures
