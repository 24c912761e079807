"""Error pages that say what happened and nothing about any record.

They render a fixed template with no context from the failed request, so no
confidential text can reach an error page, whatever the exception carried.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse
from django.template import loader

from rapport.operations.middleware import database_unavailable_response, is_database_down


def _render(template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template).render(), status=status)


def bad_request(request, exception=None) -> HttpResponse:
    return _render("errors/400.html", 400)


def permission_denied(request, exception=None) -> HttpResponse:
    return _render("errors/403.html", 403)


def page_not_found(request, exception=None) -> HttpResponse:
    return _render("errors/404.html", 404)


def server_error(request) -> HttpResponse:
    # A lost database outside a view (say, saving the session) is still a 503, not a 500.
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable_response()
    return _render("errors/500.html", 500)
