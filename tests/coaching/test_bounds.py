"""A cycle's evidence points and options stop at their bounds, with a clear message."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching import actions
from rapport.coaching.models import Decision, EvidencePoint

pytestmark = pytest.mark.django_db


def _cycle_url(world, name):
    return reverse(name, args=[world.relationship.pk, world.cycle.pk])


def _fill(world, count, add, fields):
    for _ in range(count):
        add(world.cycle, world.coach, fields)


EVIDENCE = {"measured_on": timezone.localdate(), "value": 5, "source": "visit", "note": ""}
DECISION = {"option": "Try stems.", "proposed_by": "coach", "teacher_choice": "open"}


@pytest.mark.parametrize(
    ("setting", "url_name", "add", "fields", "data", "model", "message"),
    [
        (
            "RAPPORT_MAX_EVIDENCE_PER_CYCLE",
            "evidence_add",
            actions.add_evidence,
            EVIDENCE,
            {"measured_on": timezone.localdate().isoformat(), "value": "7", "source": "visit"},
            EvidencePoint,
            "This cycle&#x27;s chart already holds 3 evidence points, the most it takes.",
        ),
        (
            "RAPPORT_MAX_DECISIONS_PER_CYCLE",
            "decision_add",
            actions.record_decision,
            DECISION,
            {"option": "Use exit tickets.", "proposed_by": "teacher", "teacher_choice": "chosen"},
            Decision,
            "This cycle already has 3 options recorded, the most it takes.",
        ),
    ],
    ids=["evidence", "options"],
)
def test_a_cycle_list_takes_items_up_to_its_bound_and_refuses_the_next(
    client_as, world, settings, setting, url_name, add, fields, data, model, message
):
    setattr(settings, setting, 3)
    _fill(world, 2, add, fields)
    client = client_as(world.coach)
    assert client.post(_cycle_url(world, url_name), data).status_code == 302  # the third: at the bound
    assert model.objects.count() == 3

    response = client.post(_cycle_url(world, url_name), data)  # one past it
    assert response.status_code == 400
    assert message in response.content.decode()
    assert model.objects.count() == 3

    page = client.get(_cycle_url(world, "cycle_detail")).content.decode()
    assert message in page
    assert f'action="{_cycle_url(world, url_name)}"' not in page  # no form that cannot be saved


def test_the_default_bounds_are_set(settings):
    assert settings.RAPPORT_MAX_EVIDENCE_PER_CYCLE == 200
    assert settings.RAPPORT_MAX_DECISIONS_PER_CYCLE == 100
