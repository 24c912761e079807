"""Every request's reads are written to the access log once, before its response leaves."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from rapport.operations.middleware import DATABASE_DOWN, database_unavailable_response
from rapport.privacy import accesslog, adminlog

logger = logging.getLogger(__name__)


class AccessLogMiddleware:
    """Runs each request inside ``accesslog.batched``: one append for the whole page.

    The entries are written after the view has rendered its response and before the
    response goes back to the server, so nothing read reaches the person unless it is
    logged: if the log cannot be written, the page is replaced by the 503 page (database
    unreachable) or the error page.
    """

    def __init__(self, get_response):
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


class AdministrativeActorMiddleware:
    """Administrative changes made while answering a request are made by its signed-in person.

    The administration log (``privacy.adminlog``) names them; ``request.user`` is resolved
    only when a change is logged, so requests that change nothing pay nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with adminlog.acting(request.user):
            return self.get_response(request)
