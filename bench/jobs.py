"""The job the fault run queues: it appends its key to a ledger file, once per key."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task

from rapport.operations.jobs import run_once


@task()
def bench_job(key: str, ledger: str) -> bool:
    def work() -> None:
        time.sleep(0.02)  # long enough for a kill -9 to land mid-job now and then
        with Path(ledger).open("a") as file:
            file.write(key + "\n")

    return run_once(key, work)
