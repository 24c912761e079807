"""Jobs delivered twice (a worker killed after the work) do their work once."""

from __future__ import annotations

import pytest

from rapport.operations.jobs import run_once
from rapport.operations.models import CompletedJob
from rapport.people.models import District
from tests.operations.jobs import create_district_once


@pytest.mark.django_db
def test_the_second_run_of_a_key_does_nothing():
    runs = []
    assert run_once("export:teacher:7", lambda: runs.append(1)) is True
    assert run_once("export:teacher:7", lambda: runs.append(2)) is False
    assert run_once("export:teacher:8", lambda: runs.append(3)) is True
    assert runs == [1, 3]


@pytest.mark.django_db
def test_work_that_fails_leaves_no_key_so_the_retry_runs():
    def fails():
        District.objects.create(name="Half-written")
        raise RuntimeError("the mail server hung up")

    with pytest.raises(RuntimeError):
        run_once("email:appreciation:3", fails)
    assert not CompletedJob.objects.filter(key="email:appreciation:3").exists()
    assert not District.objects.filter(name="Half-written").exists()

    assert run_once("email:appreciation:3", lambda: None) is True


@pytest.mark.redis
def test_a_job_delivered_twice_to_a_real_worker_runs_once(rq_worker, tmp_path):
    ledger = tmp_path / "ledger.txt"
    for _ in range(2):
        create_district_once.enqueue("district:redelivered", "Redelivered District", str(ledger))
    create_district_once.enqueue("district:other", "Other District", str(ledger))
    assert not ledger.exists(), "the tasks ran inline: they should have waited for the worker"

    rq_worker.work()

    assert ledger.read_text().splitlines() == ["district:redelivered", "district:other"]
    assert District.objects.filter(name="Redelivered District").count() == 1
    assert District.objects.filter(name="Other District").count() == 1
