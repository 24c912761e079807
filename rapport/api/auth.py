"""Who is calling the API: a personal access token, or the person's own browser session.

Either way ``request.user`` is the person, so every endpoint reaches data
through the same access policy as the pages do. A token's scope limits what it
may do; a browser session (with its CSRF check) may do what the pages allow.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from rapport.api import actions


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = actions.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # read back by require_write
        return found.user


def require_write(request: HttpRequest) -> None:
    """Refuse a change made with a read-only token."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise HttpError(403, "This token is read-only; make a read-and-write token to change things.")


AUTH = [TokenAuth(), SessionAuth()]
