"""The JSON API at /api/, described by its OpenAPI document at /api/openapi.json.

Every endpoint loads data through rapport.privacy.policy, exactly like the
pages, and reads are written to the access log with the API why-code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import NinjaAPI

from rapport.api.auth import AUTH
from rapport.api.coaching import router as coaching_router
from rapport.api.relationships import router as relationships_router
from rapport.privacy.refusals import ActionRefused

api = NinjaAPI(
    title="Rapport",
    version="1",
    description=(
        "A coach's own relationships, notes, sessions, commitments and goals. Authenticate with a "
        "personal access token (`Authorization: Bearer rpt_…`), made on the API tokens page."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN, which our CSP forbids
)
api.add_router("/", relationships_router)
api.add_router("/", coaching_router)


@api.exception_handler(ActionRefused)
def refused(request: HttpRequest, exc: ActionRefused):
    """An action refused what it was handed (``privacy.refusals``): nothing was written."""
    return api.create_response(request, {"detail": [str(exc)]}, status=400)


@api.exception_handler(DjangoValidationError)
def invalid(request: HttpRequest, exc: DjangoValidationError):
    return api.create_response(request, {"detail": exc.messages}, status=400)
