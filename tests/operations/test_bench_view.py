"""The benchmark's baseline page exists only when RAPPORT_BENCH is on."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_baseline_page_is_a_404_unless_benchmarking(client, settings):
    settings.RAPPORT_BENCH = False
    assert client.get("/bench/trivial").status_code == 404


def test_the_baseline_page_touches_no_database(client, settings, django_assert_num_queries):
    settings.RAPPORT_BENCH = True
    with django_assert_num_queries(0):
        response = client.get("/bench/trivial")
    assert response.status_code == 200
    assert response.content == b"ok"
