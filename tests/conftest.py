"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, signed in as that person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
