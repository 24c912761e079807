"""Jobs delivered twice (a worker killed after the work) do their work once."""

from __future__ import annotations

import io
import os
import signal
import time

import django_rq
import pytest
from django.core.management import CommandError, call_command

from rapport.operations.jobs import requeue_abandoned, run_once
from rapport.operations.models import CompletedJob
from rapport.people.models import District
from tests.operations.jobs import create_district_once, create_district_once_gate, fail


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


def _wait_for(path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


@pytest.mark.redis
def test_a_job_whose_worker_was_killed_mid_way_is_put_back_and_done_once(rq_worker, tmp_path):
    ledger, started, gate = tmp_path / "ledger.txt", tmp_path / "started", tmp_path / "gate"
    create_district_once_gate.enqueue(
        "district:killed", "Killed District", str(ledger), str(started), str(gate)
    )
    worker = rq_worker.start()
    _wait_for(started)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse, mid-job
    worker.wait(10)
    queue = django_rq.get_queue("default")
    assert queue.count == 0
    assert queue.started_job_registry.count == 1

    # Its heartbeat has not run out: as far as anyone can tell, a worker may still be on it.
    assert requeue_abandoned(queue) == []
    # Every worker is stopped: it is abandoned.
    (job,) = requeue_abandoned(queue, workers_stopped=True)
    assert job.func_name.endswith("create_district_once_gate")
    assert queue.count == 1

    gate.touch()
    rq_worker.work()
    assert ledger.read_text().splitlines() == ["district:killed"]
    assert District.objects.filter(name="Killed District").count() == 1


@pytest.mark.redis
def test_a_job_taken_off_the_queue_by_a_worker_killed_before_it_started_is_put_back(rq_worker, tmp_path):
    """RQ moves a job to an intermediate list, then starts it: a kill in between strands it there."""
    ledger = tmp_path / "ledger.txt"
    create_district_once.enqueue("district:taken", "Taken District", str(ledger))
    queue = django_rq.get_queue("default")
    queue.connection.lmove(queue.key, queue.intermediate_queue_key)  # what the killed worker did
    assert queue.count == 0

    (job,) = requeue_abandoned(queue, grace=0.2)  # taken, and still not started a moment later
    assert job.func_name.endswith("create_district_once")
    assert queue.count == 1
    assert queue.intermediate_queue.get_job_ids() == []
    assert requeue_abandoned(queue, workers_stopped=True) == []  # nothing else was abandoned

    rq_worker.work()
    assert ledger.read_text().splitlines() == ["district:taken"]
    assert District.objects.filter(name="Taken District").count() == 1


@pytest.mark.redis
def test_a_job_a_worker_already_found_abandoned_is_put_back_and_one_that_failed_is_not(rq_worker, tmp_path):
    ledger, started, gate = tmp_path / "ledger.txt", tmp_path / "started", tmp_path / "gate"
    fail.enqueue("a real failure")
    rq_worker.work()
    create_district_once_gate.enqueue(
        "district:found", "Found District", str(ledger), str(started), str(gate)
    )
    worker = rq_worker.start()
    _wait_for(started)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    queue = django_rq.get_queue("default")
    # What a restarted worker's maintenance does once the heartbeat has run out: marks it failed.
    queue.started_job_registry.cleanup(timestamp=time.time() + 3600)
    assert queue.failed_job_registry.count == 2

    (job,) = requeue_abandoned(queue)
    assert job.func_name.endswith("create_district_once_gate")
    assert queue.failed_job_registry.count == 1  # the job that raised stays failed

    gate.touch()
    rq_worker.work()
    assert ledger.read_text().splitlines() == ["district:found"]


@pytest.mark.redis
def test_a_taken_job_a_worker_already_found_stranded_is_put_back(rq_worker, tmp_path):
    from rq import Worker

    ledger = tmp_path / "ledger.txt"
    create_district_once.enqueue("district:stranded", "Stranded District", str(ledger))
    queue = django_rq.get_queue("default")
    (job_id,) = queue.get_job_ids()
    queue.connection.lmove(queue.key, queue.intermediate_queue_key)
    # A worker's maintenance saw it stranded over a minute ago, and now marks it failed.
    queue.connection.set(queue.intermediate_queue.get_first_seen_key(job_id), time.time() - 120)
    queue.intermediate_queue.cleanup(Worker([queue], connection=queue.connection), queue)
    assert queue.failed_job_registry.get_job_ids() == [job_id]

    (job,) = requeue_abandoned(queue)
    assert job.id == job_id
    rq_worker.work()
    assert ledger.read_text().splitlines() == ["district:stranded"]


@pytest.mark.redis
def test_the_command_says_what_it_put_back(rq_worker, tmp_path):
    create_district_once.enqueue("district:told", "Told District", str(tmp_path / "ledger.txt"))
    queue = django_rq.get_queue("default")
    queue.connection.lmove(queue.key, queue.intermediate_queue_key)
    out = io.StringIO()
    call_command("requeue_abandoned_jobs", "--workers-stopped", stdout=out)
    assert "default: 1 abandoned job(s) put back on the queue." in out.getvalue()
    assert "create_district_once" in out.getvalue()
    assert "Told District" not in out.getvalue()  # never a job's arguments


def test_the_command_explains_when_there_is_no_queue():
    with pytest.raises(CommandError, match="RAPPORT_TASKS is not rq"):
        call_command("requeue_abandoned_jobs")


def test_the_command_explains_when_redis_cannot_be_reached(settings):
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with pytest.raises(CommandError, match="Redis could not be reached for the queue 'default'"):
        call_command("requeue_abandoned_jobs", "--workers-stopped")


def test_the_test_workers_of_one_run_never_share_a_redis_database(monkeypatch):
    """Each test worker empties its Redis database around a test; a shared one lost jobs in CI."""
    from tests.conftest import _redis_db_index

    databases = []
    for worker in range(15):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", f"gw{worker}")
        databases.append(_redis_db_index())
    assert sorted(databases) == list(range(1, 16)), "0 is for `make run`"
