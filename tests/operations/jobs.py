"""A task that exists only for testing that re-delivered jobs do their work once."""

import time
from pathlib import Path

from django_tasks import task

from rapport.operations.jobs import run_once
from rapport.people.models import District


@task()
def create_district_once(key: str, name: str, ledger: str) -> bool:
    """Writes a row and appends to a file, under ``run_once``: both happen once per key."""

    def work() -> None:
        District.objects.create(name=name)
        with Path(ledger).open("a") as file:
            file.write(f"{key}\n")

    return run_once(key, work)


@task()
def create_district_once_gate(key: str, name: str, ledger: str, started: str, gate: str) -> bool:
    """Says it started, waits for ``gate`` to exist (a worker can be killed meanwhile), then works once."""
    Path(started).touch()
    while not Path(gate).exists():
        time.sleep(0.05)
    return create_district_once.call(key, name, ledger)


@task()
def fail(message: str) -> None:
    raise RuntimeError(message)
