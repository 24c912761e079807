"""Links to Rapport's own pages, reversed once and then remembered.

Every page's layout links to the same dozen pages, and list pages link each row to its
record: Django's ``reverse()`` walked the URL patterns for each of them on every request
(about a tenth of the signed-in floor's time, bench/RESULTS.md round 9). Its answer
depends only on the URL name, the arguments, the current application (for namespaced
names), the URL configuration and the script prefix, so with plain arguments (whole
numbers and text: ids and slugs) it is remembered under exactly those. Anything else (a
model instance, a UUID, a callable view) goes to Django's ``reverse()`` every time.

A URL holds ids and slugs, never what a person wrote, so nothing confidential is kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


def _plain(value: Any) -> bool:
    # bool is an int whose str() is "True": left to Django.
    return isinstance(value, str) or type(value) is int


def reverse(
    viewname: str,
    args: list[Any] | tuple[Any, ...] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    request: HttpRequest | None = None,
) -> str:
    """What ``django.urls.reverse`` answers, remembered when the arguments are plain.

    Given the request being answered (``{% url %}`` passes it), the URL configuration and the
    script prefix are read once for that request instead of once per link.
    """
    args, kwargs = args or (), kwargs or {}
    if (
        isinstance(viewname, str)
        and all(_plain(arg) for arg in args)
        and all(_plain(value) for value in kwargs.values())
    ):
        return _remembered(
            *_where(request),
            viewname,
            tuple(args),
            tuple(sorted(kwargs.items())),
            current_app,
        )
    return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)


def _where(request: HttpRequest | None) -> tuple[URLResolver, str | None, str]:
    """The URL configuration's resolver and name, and the script prefix, for this request.

    Each is an ``asgiref`` context-local lookup (~7 µs, more than the remembered answer itself),
    and neither changes once a request is resolved: the handler sets the script prefix before
    the middleware runs and the URL configuration before resolving (``request.urlconf`` included),
    and templates render after that. So with a request they are read once and kept on it.
    """
    where = getattr(request, _WHERE, None)
    if where is None:
        urlconf = get_urlconf()
        where = (get_resolver(urlconf), urlconf, get_script_prefix())
        if request is not None:
            setattr(request, _WHERE, where)
    return where


_WHERE = "_rapport_links_where"


# The resolver is part of the key, not only the configuration's name: Django builds a new one when
# the configuration changes (clear_url_caches), so a new configuration never meets an old answer.
# Exceptions (NoReverseMatch) are not remembered.
@lru_cache(maxsize=16384)
def _remembered(
    resolver: URLResolver,
    urlconf: str | None,
    script_prefix: str,
    viewname: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
) -> str:
    return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)
