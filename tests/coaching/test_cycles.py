"""Cycles with student-centred goals, evidence charted against baseline and target, decisions."""

import importlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from rapport.coaching import actions
from rapport.coaching.models import Cycle, Decision, EvidencePoint

pytestmark = pytest.mark.django_db


def _evidence_url(world):
    return reverse("evidence_add", args=[world.relationship.pk, world.cycle.pk])


def test_evidence_that_is_not_a_number_is_refused_and_nothing_is_written(client_as, world):
    data = {"measured_on": timezone.localdate().isoformat(), "value": "about five", "source": "visit"}
    response = client_as(world.coach).post(_evidence_url(world), data)
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert not EvidencePoint.objects.exists()


def test_evidence_is_charted_from_json_script_with_a_table_for_screen_readers(client_as, world):
    data = {"measured_on": timezone.localdate().isoformat(), "value": "6.5", "source": "teacher-data"}
    assert client_as(world.coach).post(_evidence_url(world), data).status_code == 302
    page = client_as(world.teacher).get(reverse("cycle_detail", args=[world.relationship.pk, world.cycle.pk]))
    html = page.content.decode()
    start = html.index('<script id="goal-chart-data" type="application/json">') + len(
        '<script id="goal-chart-data" type="application/json">'
    )
    chart = json.loads(html[start : html.index("</script>", start)])
    assert chart == {
        "labels": [timezone.localdate().isoformat()],
        "values": [6.5],
        "baseline": 2.0,
        "target": 10.0,
    }
    assert "<td>6.50</td>" in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_decisions_record_who_proposed_and_what_the_teacher_chose(client_as, world):
    url = reverse("decision_add", args=[world.relationship.pk, world.cycle.pk])
    data = {"option": "Try turn-and-talk stems.", "proposed_by": "coach", "teacher_choice": "set-aside"}
    assert client_as(world.coach).post(url, data).status_code == 302
    decision = Decision.objects.get()
    assert (decision.proposed_by, decision.teacher_choice) == ("coach", "set-aside")
    page = client_as(world.teacher).get(reverse("cycle_detail", args=[world.relationship.pk, world.cycle.pk]))
    assert "The teacher set this aside" in page.content.decode()


def test_the_teacher_reads_the_cycle_but_does_not_edit_it(client_as, world):
    assert (
        client_as(world.teacher)
        .get(reverse("cycle_edit", args=[world.relationship.pk, world.cycle.pk]))
        .status_code
        == 404
    )
    assert client_as(world.teacher).post(_evidence_url(world), {}).status_code == 404


def test_a_cycle_ends_when_it_is_marked_done_and_keeps_that_date(world):
    cycle = world.cycle
    assert cycle.completed_at is None
    with freeze_time("2026-03-31 15:00"):
        actions.update_cycle(cycle, {"status": Cycle.Status.DONE})
    ended = cycle.completed_at
    assert ended is not None

    with freeze_time("2026-05-02 09:00"):  # a correction weeks later does not move the end
        actions.update_cycle(cycle, {"moves": "Turn and talk\nCold calling with wait time"})
    cycle.refresh_from_db()
    assert cycle.completed_at == ended

    actions.update_cycle(cycle, {"status": Cycle.Status.IMPROVE})  # taken up again
    cycle.refresh_from_db()
    assert cycle.completed_at is None


def test_cycles_finished_before_the_field_existed_end_at_their_last_change(world):
    from django.apps import apps

    migration = importlib.import_module("rapport.coaching.migrations.0003_cycle_completed_at")
    actions.update_cycle(world.cycle, {"status": Cycle.Status.DONE})
    Cycle.objects.update(completed_at=None)  # as it was before the migration

    migration.finished_cycles_ended_at_their_last_change(apps, schema_editor=None)

    world.cycle.refresh_from_db()
    assert world.cycle.completed_at == world.cycle.updated_at
