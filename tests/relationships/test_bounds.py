"""The caseload and coverage pages show a caseload a page at a time; a coach's own questions are bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.relationships.models import Question
from tests.relationships.test_pages import grow_caseload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_name", ["caseload", "coverage"])
def test_a_caseload_at_the_page_size_is_one_page_and_one_more_makes_two(
    client_as, world, settings, page_name
):
    settings.RAPPORT_CASELOAD_PAGE_SIZE = 3
    grow_caseload(world, 2)  # with the world's own teacher: 3, the page size
    client = client_as(world.coach)
    body = client.get(reverse(page_name)).content.decode()
    assert body.count('href="/r/') >= 3
    assert 'aria-label="Pages"' not in body

    grow_caseload(world, 1)  # one past it: the rows are not all on one page
    first = client.get(reverse(page_name)).content.decode()
    assert "Page 1 of 2 · 1–3 of 4" in first  # noqa: RUF001
    assert 'rel="next"' in first
    second = client.get(reverse(page_name), {"page": 2}).content.decode()
    assert "Page 2 of 2 · 4–4 of 4" in second  # noqa: RUF001
    shown = [
        name for name in ("Extra Teacher 0", "Extra Teacher 1", world.teacher.full_name) if name in first
    ]
    assert not any(name in second for name in shown)
    # A page that does not exist shows the last one, never an error.
    assert "Page 2 of 2" in client.get(reverse(page_name), {"page": "99"}).content.decode()
    assert "Page 1 of 2" in client.get(reverse(page_name), {"page": "x"}).content.decode()


def test_coverage_pages_keep_the_sort(client_as, world, settings):
    settings.RAPPORT_CASELOAD_PAGE_SIZE = 2
    grow_caseload(world, 2)
    body = client_as(world.coach).get(reverse("coverage"), {"sort": "name"}).content.decode()
    assert 'href="?sort=name&amp;page=2"' in body


def test_the_default_page_size(settings):
    assert settings.RAPPORT_CASELOAD_PAGE_SIZE == 100


def test_a_coach_adds_own_questions_up_to_the_bound_and_not_one_more(client_as, world, settings):
    settings.RAPPORT_MAX_OWN_QUESTIONS = 2
    client = client_as(world.coach)
    url = reverse("question_bank")
    for text in ("What made you laugh this week?", "What are you proud of?"):
        assert client.post(url, {"text": text, "theme": "first-meeting"}).status_code == 302
    response = client.post(url, {"text": "One too many?", "theme": "first-meeting"})
    assert response.status_code == 400
    assert "Your bank already holds 2 questions of your own, the most it takes" in response.content.decode()
    assert Question.objects.filter(owner=world.coach).count() == 2
    # Another coach's bank is their own.
    assert (
        client_as(world.other_coach).post(url, {"text": "Mine?", "theme": "first-meeting"}).status_code == 302
    )
