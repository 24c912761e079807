"""Error pages that say what happened and nothing about any record.

They render a fixed template with no context from the failed request, so no
confidential text can reach an error page, whatever the exception carried. The
JSON API's errors are a fixed ``{"detail": ...}`` instead, the shape its own
refusals have.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader

from rapport.operations.middleware import database_unavailable_response, is_api_request, is_database_down


def _answer(request, template: str, status: int, detail: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(loader.get_template(template).render(), status=status)


def bad_request(request, exception=None) -> HttpResponse:
    return _answer(
        request, "errors/400.html", 400, "That request could not be understood. Nothing was changed."
    )


def permission_denied(request, exception=None) -> HttpResponse:
    return _answer(
        request, "errors/403.html", 403, "This is not for your role. Nothing was shown or changed."
    )


def page_not_found(request, exception=None) -> HttpResponse:
    return _answer(request, "errors/404.html", 404, "Not found, or not yours to see.")


def server_error(request) -> HttpResponse:
    # A lost database outside a view (say, saving the session) is still a 503, not a 500.
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return _answer(
        request,
        "errors/500.html",
        500,
        "Something went wrong on our side. Nothing was saved; try again in a moment.",
    )
