"""Every request's reads are written to the access log once, before its response leaves."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from rapport.operations.middleware import DATABASE_DOWN, database_unavailable_response
from rapport.privacy import accesslog, adminlog

logger = logging.getLogger(__name__)

GetResponse = Callable[[HttpRequest], HttpResponse]


class AccessLogMiddleware:
    """Runs each request inside ``accesslog.batched``: one append for the whole page.

    The entries are written after the view has rendered its response and before the
    response goes back to the server, so nothing read reaches the person unless it is
    logged: if the log cannot be written, the page is replaced by the 503 page (database
    unreachable) or the error page.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            with accesslog.batched():
                return self.get_response(request)
        except DATABASE_DOWN as error:
            logger.error(
                "Database unavailable (%s) writing the access log; answered 503", type(error).__name__
            )
            return database_unavailable_response(request)


class NoStoreMiddleware:
    """Every answer Rapport builds says ``Cache-Control: no-store, private`` (and ``no-cache``).

    A browser on a shared computer then keeps no copy of a page, a download or an API answer
    after its person signs out, and no proxy keeps one at all. Every answer, the anonymous ones
    too (the sign-in page, the privacy promise, the health check): they are cheap to build, and
    one rule leaves no signed-in page to forget. Only static files, which WhiteNoise serves
    before this middleware runs, stay cacheable.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class AdministrativeActorMiddleware:
    """Administrative changes made while answering a request are made by its signed-in person.

    The administration log (``privacy.adminlog``) names them; ``request.user`` is resolved
    only when a change is logged, so requests that change nothing pay nothing.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with adminlog.acting(request.user):
            return self.get_response(request)
