"""Error pages say what happened and nothing about any record."""

import pytest
from django.test import Client
from django.urls import path

from rapport.urls import handler404, handler500  # noqa: F401 - the project's own error handlers
from rapport.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("SECRET-NOTE-TEXT should never reach a page")


urlpatterns = [*project_urls, path("test-explode/", explode)]


@pytest.mark.urls("tests.web.test_error_pages")
def test_a_server_error_shows_the_plain_500_page_without_the_exception(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.leader)
    response = client.get("/test-explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "SECRET-NOTE-TEXT" not in body


def test_not_found_reveals_nothing_about_what_exists(client_as, world):
    client = client_as(world.leader)
    real = client.get(f"/r/{world.relationship.pk}/")
    missing = client.get("/r/999999999/")
    assert real.status_code == missing.status_code == 404
    assert real.content == missing.content
