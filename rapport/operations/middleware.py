"""When the database cannot be reached, say so plainly (503), never with a traceback.

A stopped or restarting PostgreSQL surfaces as ``OperationalError`` or
``InterfaceError`` from wherever the request first touches the database. The
page is the fixed ``errors/503.html`` with ``Retry-After``, so load balancers
and browsers try again; nothing from the failed request reaches it. The JSON API
gets the same answer as JSON (``{"detail": ...}``, like its other errors). Django
reconnects by itself on the next request (``CONN_HEALTH_CHECKS``), so the app
recovers as soon as the database is back.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)
API_PATH = "/api/"
UNAVAILABLE = (
    "Rapport is briefly unavailable: its database cannot be reached. "
    f"Try again in {RETRY_AFTER_SECONDS} seconds."
)


def is_api_request(request: HttpRequest) -> bool:
    """A request to the JSON API, whose errors are JSON too."""
    return request.path_info.startswith(API_PATH)


def is_database_down(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_DOWN)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if is_api_request(request):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_down(exception):
            return None
        # The class name only: a database error message can quote SQL parameters.
        logger.error("Database unavailable (%s); answered 503", type(exception).__name__)
        return database_unavailable_response(request)
