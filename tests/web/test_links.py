"""Remembered links (rapport.core.links) answer what Django's reverse() answers, for every route."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, URLResolver, get_resolver, path, set_script_prefix
from django.urls import converters as url_converters
from django.urls import reverse as django_reverse

from rapport.core import links

# A regular-expression route's parameter has no converter (the administration's app_label).
UNCONVERTED = "people"
SAMPLES = {
    url_converters.IntConverter: 7,
    url_converters.SlugConverter: "a-slug_2",
    url_converters.StringConverter: "some text",
    url_converters.PathConverter: "a/b c",
    url_converters.UUIDConverter: uuid.UUID("12345678-1234-5678-1234-567812345678"),
}


def named_routes(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, dict]]:
    """Every URL name of the configuration, namespaced, with an argument of the right kind for each
    parameter."""
    for name in resolver.reverse_dict:
        if not isinstance(name, str):
            continue  # the same routes, keyed by their view
        for possibilities, _pattern, _defaults, converters in resolver.reverse_dict.getlist(name):
            for _result, params in possibilities:
                yield (
                    namespace + name,
                    {
                        param: SAMPLES[type(converters[param])] if param in converters else UNCONVERTED
                        for param in params
                    },
                )
    for ns, (_prefix, sub_resolver) in resolver.namespace_dict.items():
        yield from named_routes(sub_resolver, f"{namespace}{ns}:")


def test_every_route_is_reversed_as_django_reverses_it_the_first_time_and_after():
    routes = list(named_routes(get_resolver()))
    assert len(routes) > 100  # the whole configuration, administration included
    for name, kwargs in routes:
        assert_same_answer(name, kwargs=kwargs)
        assert_same_answer(name, args=list(kwargs.values()))  # positional, as templates pass them


def assert_same_answer(name: str, **arguments) -> None:
    try:
        expected = django_reverse(name, **arguments)
    except NoReverseMatch:
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                links.reverse(name, **arguments)
        return
    for _ in range(2):  # the second answer is the remembered one
        assert links.reverse(name, **arguments) == expected, (name, arguments)


def test_a_value_a_route_refuses_is_refused_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            links.reverse("relationship_detail", args=["not-a-number"])
        with pytest.raises(NoReverseMatch):
            links.reverse("no-such-page")


def test_the_script_prefix_is_part_of_the_answer():
    plain = links.reverse("privacy_promise")
    set_script_prefix("/rapport/")
    try:
        assert links.reverse("privacy_promise") == "/rapport" + plain
    finally:
        set_script_prefix("/")
    assert links.reverse("privacy_promise") == plain


def _elsewhere(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/privacy/", _elsewhere, name="privacy_promise")]


def test_another_url_configuration_is_never_answered_from_the_first():
    plain = links.reverse("privacy_promise")
    with override_settings(ROOT_URLCONF=__name__):
        assert links.reverse("privacy_promise") == "/elsewhere/privacy/"
    assert links.reverse("privacy_promise") == plain


def test_the_url_tag_is_djangos_with_remembered_answers():
    request = RequestFactory().get("/")
    request.resolver_match = None
    source = (
        "{% url 'relationship_detail' pk %}|{% url 'relationship_detail' pk=pk %}"
        "|{% url 'admin:index' %}|{% url name %}|{% url 'no-such-page' as missing %}[{{ missing }}]"
        "|{% url 'privacy_promise' as found %}{{ found }}"
    )
    rendered = Template(source).render(Context({"pk": 12, "name": "home", "request": request}))
    relationship = django_reverse("relationship_detail", args=[12])
    assert rendered == (
        f"{relationship}|{relationship}"
        f"|{django_reverse('admin:index')}|{django_reverse('home')}|[]|{django_reverse('privacy_promise')}"
    )
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context({}))


def test_a_requests_links_read_the_script_prefix_and_configuration_once_for_that_request():
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    plain = links.reverse("privacy_promise", request=first)
    relationship = django_reverse("relationship_detail", args=[3])
    set_script_prefix("/rapport/")
    try:
        # The request being answered keeps what it was resolved under; the next one reads anew.
        assert links.reverse("privacy_promise", request=first) == plain
        assert links.reverse("relationship_detail", args=[3], request=second) == "/rapport" + relationship
        with override_settings(ROOT_URLCONF=__name__):
            assert links.reverse("privacy_promise", request=RequestFactory().get("/")) == (
                "/rapport/elsewhere/privacy/"
            )
    finally:
        set_script_prefix("/")


def test_the_url_tag_reads_where_once_for_the_request_it_renders_for():
    request = RequestFactory().get("/")
    request.resolver_match = None
    page = Template("{% url 'relationship_detail' 5 %}")
    first = page.render(RequestContext(request))
    set_script_prefix("/rapport/")
    try:
        assert page.render(RequestContext(request)) == first  # the tag passed the request along
        assert page.render(RequestContext(RequestFactory().get("/"))) == "/rapport" + first
    finally:
        set_script_prefix("/")
