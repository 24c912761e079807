"""Every page of the authorization matrix works with a keyboard and a screen reader.

For each GET route, the first principal the matrix expects a 200 for opens the
page; tests/web/html_checks.py lists what is checked. Each route is fetched a
second time as htmx would, so the fragments views answer htmx with are checked
too; forms are also posted as the matrix posts them, so a refused form (errors
wired to their fields) and htmx's answers to a post are checked; and so are the
error pages. Downloads (CSV, ICS, ZIP, JSON) and redirects are skipped by their
content type and status.

The Django administration is left out: its templates are Django's own (Django
tests their accessibility upstream), and nothing in this project can fix them.
"""

from __future__ import annotations

import pytest
from django.template import loader
from django.urls import reverse

from tests.authz import BAD_REQUEST, OK, REDIRECT, Route, all_routes
from tests.web.html_checks import problems
from tests.world import PRINCIPALS, World

pytestmark = pytest.mark.django_db

ROUTES = [route for route in all_routes() if not route.name.startswith("admin:")]
HTMX = {"HX-Request": "true"}


def _first_principal(route: Route, method: str, answers: set) -> str | None:
    return next((p for p in PRINCIPALS if route.expectation(method, p) in answers), None)


def _get_cases():
    for route in ROUTES:
        if principal := _first_principal(route, "get", {OK}):
            yield pytest.param(route, principal, id=route.name)


def _post_cases():
    for route in ROUTES:
        if route.post and (principal := _first_principal(route, "post", {OK, BAD_REQUEST, REDIRECT})):
            yield pytest.param(route, principal, id=route.name)


def _html(response) -> str | None:
    """The response's HTML (a page, or a form refused with 400), or None for a redirect or a download."""
    answered = 200 <= response.status_code < 300 or response.status_code == BAD_REQUEST
    if not answered or not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def _open(client, world: World, route: Route, principal: str) -> str:
    user = world.principal(principal)
    if user is not None:
        client.force_login(user)
    return reverse(route.name, kwargs=route.kwargs(world)) + route.query


def _assert_accessible(where: str, page: str | None, fragment: str | None) -> None:
    if page is None and fragment is None:
        pytest.skip(f"{where} answers a download or a redirect")
    found = problems(page or "")
    if fragment is not None and fragment != page:
        found += [f"(htmx) {problem}" for problem in problems(fragment) if problem not in found]
    assert not found, f"{where}:\n" + "\n".join(found)


@pytest.mark.parametrize(("route", "principal"), list(_get_cases()))
def test_page_is_accessible(client, shared_world: World, route: Route, principal: str):
    url = _open(client, shared_world, route, principal)
    page = _html(client.get(url))
    fragment = _html(client.get(url, headers=HTMX))
    _assert_accessible(f"GET {url} as {principal}", page, fragment)


@pytest.mark.parametrize(("route", "principal"), list(_post_cases()))
def test_answer_to_a_post_is_accessible(client, shared_world: World, route: Route, principal: str):
    url = _open(client, shared_world, route, principal)
    page = _html(client.post(url, route.post_data(shared_world)))
    fragment = _html(client.post(url, route.post_data(shared_world), headers=HTMX))
    _assert_accessible(f"POST {url} as {principal}", page, fragment)


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503])
def test_error_page_is_accessible(status: int):
    page = loader.get_template(f"errors/{status}.html").render()
    assert not problems(page), "\n".join(problems(page))
