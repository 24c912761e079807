"""Every URL of Rapport, checked for every principal against a declared expectation.

A URL pattern without a declaration in some ``tests/<app>/authz.py`` fails
``test_every_url_pattern_is_declared``: nobody can add a page without saying
who may open it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import ADMIN_LOGIN, LOGIN, Route, all_routes, check_principals
from tests.world import PRINCIPALS, build_world

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
    names = [route.name for route in ROUTES]
    assert len(names) == len(set(names)), "a URL is declared twice"
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


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "principal"), list(_cases()))
def test_route(client, route: Route, method: str, principal: str):
    world = build_world()
    user = world.principal(principal)
    if user is not None:
        client.force_login(user)
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    response = client.get(url) if method == "get" else client.post(url, route.post_data(world))
    assert_expected(response, route.expectation(method, principal), route, principal, method)
