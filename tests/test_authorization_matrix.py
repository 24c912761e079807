"""Every URL of Rapport, checked for every principal against a declared expectation.

A URL pattern without a declaration in some ``tests/<app>/authz.py`` fails
``test_every_url_pattern_is_declared``: nobody can add a page without saying
who may open it.

A status code alone does not show a page holds only what its viewer may read (a
relationship page is a 200 for the teacher whether or not it lists the coach's
private notes). So each case runs in the extra world (tests/world_extra.py), whose
records carry markers, and a page must show no marker of a record its viewer may not
read; and ``test_policy_answers`` checks every answer of the policy, for every person
and record, against who may read what, written out by hand. tests/test_safety_nets.py
proves both fail when the policy is weakened.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import ADMIN_LOGIN, LOGIN, Route, all_routes, check_principals
from tests.world import PRINCIPALS, World
from tests.world_extra import marker_leaks, people, policy_answer_failures, world_readers

ROUTES = all_routes()


def url_pattern_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every pattern's name (``namespace:name``), or its regex when it has none."""
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}{pattern.pattern}")
    return names


# Unnamed patterns of the Django admin that are not pages of their own: the
# catch-all (unknown admin URLs) and the old-style link to a change page; both
# pass through the same admin sign-in check as the declared routes.
UNNAMED_ALLOWED = {"admin:(?P<url>.*)$", "admin:<path:object_id>/"}


def test_every_url_pattern_is_declared():
    declared = {route.name for route in ROUTES}
    missing = url_pattern_names() - declared - UNNAMED_ALLOWED
    assert not missing, f"URL patterns with no row in the authorization matrix: {sorted(missing)}"


def test_no_declaration_for_a_url_that_does_not_exist():
    stale = {route.name for route in ROUTES} - url_pattern_names()
    assert not stale, f"authorization-matrix rows for URLs that no longer exist: {sorted(stale)}"


def test_declarations_cover_every_principal():
    # A URL may be declared more than once for different records (a coach lead's space beside a
    # coaching relationship), never twice for the same ones.
    declared = [(route.name, route.kwargs) for route in ROUTES]
    assert len(declared) == len(set(declared)), "a URL is declared twice for the same records"
    for route in ROUTES:
        check_principals(route)


def _cases():
    for route in ROUTES:
        for principal in PRINCIPALS:
            yield pytest.param(route, "get", principal, id=f"GET {route.name} as {principal}")
            if route.post is not None:
                yield pytest.param(route, "post", principal, id=f"POST {route.name} as {principal}")


def assert_expected(response, expected, route: Route, principal: str, method: str) -> None:
    where = f"{method.upper()} {route.name} as {principal}"
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, expected a sign-in redirect"
        assert response["Location"].startswith(reverse("login")), f"{where}: went to {response['Location']}"
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, expected the admin sign-in"
        assert response["Location"].startswith(reverse("admin:login")), f"{where}: {response['Location']}"
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"


def check_route(client, world: World, route: Route, method: str, principal: str) -> None:
    """One case of the matrix: the status ``route`` declares, and no marker the principal may not read."""
    user = world.principal(principal)
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    response = client.get(url) if method == "get" else client.post(url, route.post_data(world))
    assert_expected(response, route.expectation(method, principal), route, principal, method)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    leaks = marker_leaks(world, body.decode(errors="replace"), principal, route.name)
    assert not leaks, f"{method.upper()} {route.name} as {principal}: {leaks}"


@pytest.mark.parametrize(("route", "method", "principal"), list(_cases()))
def test_route(client, shared_extra_world: World, route: Route, method: str, principal: str):
    check_route(client, shared_extra_world, route, method, principal)


def test_policy_answers(shared_extra_world: World):
    """Every answer of the policy, for every person and every record with known readers."""
    world = shared_extra_world
    failures = policy_answer_failures(world, world_readers(world), people(world))
    assert not failures, "\n".join(failures)
