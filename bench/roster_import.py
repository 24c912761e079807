"""How fast the roster import is: a district of 10,000 staff, imported, then imported again.

    .venv/bin/python bench/roster_import.py [--people 10000]

Writes a OneRoster 1.1 folder to a temporary directory and imports it twice
into a scratch SQLite database, and into a scratch PostgreSQL database when one
answers at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/rapport;
the scratch database is created beside it and dropped). Each database gets its
own child process, because Django reads its settings once. Prints rows per
second; a benchmark, not a test (bench/README.md keeps the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH_DB = "rapport_bench_roster"


def child(folder: Path) -> None:
    """Runs inside the child process, with DATABASE_URL set: migrate, import twice, print JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from django.core.management import call_command

    from rapport.people.roster import import_roster, source_from_path

    call_command("migrate", verbosity=0)
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        import_roster(source_from_path(folder))
        timings.append(time.perf_counter() - started)
    print(json.dumps({"first": timings[0], "again": timings[1]}))


def measure(folder: Path, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "RAPPORT_ENV": "development"}
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_scratch() -> str | None:
    """A fresh scratch database beside BENCH_POSTGRES_URL's, or None when no server answers."""
    import psycopg

    from scripts.service_ready import postgres_ready

    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/rapport")
    if postgres_ready(url):
        return None
    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        connection.execute(f"CREATE DATABASE {SCRATCH_DB}")
    return f"{base}/{SCRATCH_DB}"


def drop_postgres_scratch(url: str) -> None:
    import psycopg

    with psycopg.connect(f"{url.rpartition('/')[0]}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    from tests.people.roster_files import generated_district, write_oneroster

    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as scratch:
        orgs, users = generated_district(args.people, schools=40)
        folder = write_oneroster(Path(scratch) / "oneroster", orgs, users)
        rows = len(orgs) + len(users)
        targets = [("SQLite", f"sqlite:///{scratch}/bench.sqlite3")]
        postgres = postgres_scratch()
        if postgres:
            targets.append(("PostgreSQL", postgres))
        else:
            print("PostgreSQL is not reachable: measuring SQLite only.")
        print(f"{args.people} people, {rows} rows (orgs.csv and users.csv)")
        print(f"{'database':<12}{'first import':>28}{'re-import':>28}")
        try:
            for label, url in targets:
                result = measure(folder, url)
                cells = [f"{result[k]:.2f} s ({rows / result[k]:,.0f} rows/s)" for k in ("first", "again")]
                print(f"{label:<12}{cells[0]:>28}{cells[1]:>28}")
        finally:
            if postgres:
                drop_postgres_scratch(postgres)


if __name__ == "__main__":
    main()
