"""Commitments (overdue, on-time rate) and visits (private until the coach shares them)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.forms import VisitForm
from rapport.coaching.models import Commitment, Side, Visit
from rapport.relationships.models import Visibility

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def _commitment(world, due, done=None, what="A promise."):
    return Commitment.objects.create(
        relationship=world.relationship,
        author=world.coach,
        visibility=Visibility.SHARED,
        owner=Side.COACH,
        what=what,
        due_on=due,
        done_on=done,
    )


def test_on_time_rate_counts_what_fell_due(world):
    Commitment.objects.all().delete()
    day = datetime.timedelta(days=1)
    _commitment(world, TODAY - 5 * day, done=TODAY - 6 * day)  # early
    _commitment(world, TODAY - 5 * day, done=TODAY - 5 * day)  # on the day
    _commitment(world, TODAY - 5 * day, done=TODAY - 2 * day)  # late
    _commitment(world, TODAY - 1 * day)  # overdue
    _commitment(world, TODAY + 3 * day)  # not due yet: not counted
    commitments = Commitment.objects.filter(relationship=world.relationship)
    assert commitments.on_time_rate(today=TODAY) == 0.5
    assert commitments.overdue(today=TODAY).count() == 1
    assert Commitment.objects.none().on_time_rate(today=TODAY) is None
    tally = commitments.tally(today=TODAY)  # what the relationship page shows, in one query
    assert (tally.open, tally.overdue, tally.fell_due, tally.on_time) == (2, 1, 4, 2)
    assert tally.on_time_rate == 0.5


def test_overdue_commitments_are_highlighted_on_the_coach_home_and_the_teacher_page(client_as, world):
    overdue = _commitment(world, timezone.localdate() - datetime.timedelta(days=2), what="Send the rubric.")
    home = client_as(world.coach).get(reverse("home")).content.decode()
    assert "Overdue commitments" in home
    assert "Send the rubric." in home
    page = (
        client_as(world.teacher)
        .get(reverse("relationship_detail", args=[world.relationship.pk]))
        .content.decode()
    )
    assert '<li class="is-overdue">' in page
    assert "1 overdue" in page
    assert 'aria-label="Done: Send the rubric."' in page  # a list of Done buttons says which is which
    client_as(world.teacher).post(reverse("commitment_done", args=[world.relationship.pk, overdue.pk]))
    overdue.refresh_from_db()
    assert overdue.done_on == timezone.localdate()


def test_a_teacher_adds_their_own_commitment_with_a_resource(client_as, world):
    data = {
        "owner": "teacher",
        "what": "Read the article on wait time.",
        "due_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "resource_title": "Wait time",
        "resource_url": "https://example.org/wait-time",
    }
    assert (
        client_as(world.teacher).post(reverse("commitments", args=[world.relationship.pk]), data).status_code
        == 302
    )
    commitment = Commitment.objects.latest("pk")
    assert (commitment.author, commitment.resource_url) == (world.teacher, "https://example.org/wait-time")


def _visit_data(**changes):
    return {
        "day": timezone.localdate().isoformat(),
        "start": "09:00",
        "minutes": "15",
        "students_doing": "Partners retold the story with picture cards.",
        "what_worked": "The timer kept transitions short.",
        "wonderings": "I wonder what happens if partners choose the cards.",
    } | changes


def test_a_visit_is_private_until_the_coach_shares_it_and_counts_as_contact(client_as, world):
    response = client_as(world.coach).post(reverse("visit_new", args=[world.relationship.pk]), _visit_data())
    visit = Visit.objects.latest("pk")
    assert response["Location"] == reverse("visit_detail", args=[world.relationship.pk, visit.pk])
    assert visit.visibility == Visibility.PRIVATE
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is not None
    detail = reverse("visit_detail", args=[world.relationship.pk, visit.pk])
    assert client_as(world.teacher).get(detail).status_code == 404
    client_as(world.coach).post(reverse("visit_share", args=[world.relationship.pk, visit.pk]))
    assert "Partners retold the story" in client_as(world.teacher).get(detail).content.decode()


def test_visits_have_no_ratings_or_scores_anywhere():
    names = set(VisitForm.base_fields) | {field.name for field in Visit._meta.fields}
    labels = " ".join(str(field.label) for field in VisitForm.base_fields.values()).lower()
    assert not any(word in name for name in names for word in ("rating", "score", "grade"))
    assert "rating" not in labels
    assert "score" not in labels


def test_a_leader_sees_none_of_the_coaching_records(client_as, world):
    client = client_as(world.leader)
    for url in [
        reverse("relationship_detail", args=[world.relationship.pk]),
        reverse("visit_detail", args=[world.relationship.pk, world.shared_visit.pk]),
        reverse("commitments", args=[world.relationship.pk]),
        reverse("agreement_detail", args=[world.relationship.pk]),
    ]:
        assert client.get(url).status_code == 404
