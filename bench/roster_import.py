"""How fast the roster import is: a 50,000-person OneRoster export, previewed, imported, imported again.

    .venv/bin/python bench/roster_import.py [--people 50000]

Writes two exports to a temporary directory (bench/oneroster_district.py): a
OneRoster 1.2 set as a district's student information system writes it (most
people students, skipped; staff with their roles in roles.csv), and a 1.1 set
whose every person is staff (the worst case: everyone is written). Each is
previewed (--dry-run), imported, then imported again (nothing changes), into a
scratch SQLite database, and into a scratch PostgreSQL database when one answers
at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/rapport; the
scratch database is created beside it and dropped). Each database gets its own
child process, because Django reads its settings once. The target: each step
under a minute. A benchmark, not a test (bench/README.md keeps the figures).
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

# Of its own, so that two engineers benchmarking at once do not drop each other's database.
SCRATCH_DB = f"rapport_bench_roster_{os.getpid()}"


STEPS = ("preview", "first", "again")


def child(folder: Path) -> None:
    """Runs inside the child process, with DATABASE_URL set: migrate, preview, import twice, print JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from django.core.management import call_command

    from rapport.roster.importer import import_roster, source_from_path

    call_command("migrate", verbosity=0)
    timings = {}
    for step in STEPS:
        started, cpu = time.perf_counter(), time.process_time()
        summary = import_roster(source_from_path(folder), dry_run=step == "preview")
        timings[step] = time.perf_counter() - started
        # The machine is shared: Rapport's own CPU time shows what the wall time owes to others.
        timings[f"{step} cpu"] = time.process_time() - cpu
    timings["written"] = summary.people.unchanged
    print(json.dumps(timings))


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
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    from bench.oneroster_district import district_export, write_folder

    exports = [
        ("1.2, 8% staff", district_export(args.people, version="1.2", staff_share=0.08)),
        ("1.1, all staff", district_export(args.people, version="1.1", staff_share=1.0)),
    ]
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as scratch:
        targets: list[tuple[str, str | None]] = [("SQLite", None)]
        postgres = postgres_scratch()
        if postgres:
            targets.append(("PostgreSQL", postgres))
        else:
            print("PostgreSQL is not reachable: measuring SQLite only.")
        print(f"{args.people:,} people in users.csv; each step: wall time (Rapport's CPU), target < 60 s")
        print(f"{'database':<12}{'export':<17}{'staff':>8}" + "".join(f"{step:>16}" for step in STEPS))
        try:
            for label, url in targets:
                for n, (name, files) in enumerate(exports):
                    folder = write_folder(Path(scratch) / f"export-{n}", files)
                    # A fresh database for each export.
                    fresh = postgres_scratch() if url else f"sqlite:///{scratch}/bench-{n}.sqlite3"
                    if fresh is None:
                        raise RuntimeError("PostgreSQL stopped answering during the bench")
                    result = measure(folder, fresh)
                    cells = "".join(
                        f"{result[step]:>7.1f} s ({result[f'{step} cpu']:4.1f})" for step in STEPS
                    )
                    print(f"{label:<12}{name:<17}{result['written']:>8,}{cells}")
        finally:
            if postgres:
                drop_postgres_scratch(postgres)


if __name__ == "__main__":
    main()
