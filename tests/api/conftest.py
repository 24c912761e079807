from __future__ import annotations

import pytest
from django.test import Client

from rapport.api.actions import issue_token


@pytest.fixture
def token_client():
    """``token_client(user, scope)``: a client that calls the API with a fresh personal access token."""

    def make(user, scope: str = "read") -> Client:
        _, plaintext = issue_token(user, "tests", scope)
        return Client(headers={"Authorization": f"Bearer {plaintext}"})

    return make
