"""The benchmark's database and processes: seeded district, gunicorn, an RQ worker.

Everything listens on 127.0.0.1 only, and every process started here is stopped
by the same ``with`` block that started it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def pg_database(district: str) -> str:
    """One PostgreSQL database per district size, as SQLite has one file per size: seeding the
    small district must not replace the full one that a "seeded" marker still vouches for."""
    return f"rapport_bench_{district}"


def encryption_keys() -> str:
    """The development key file if there is one, else a bench-only key kept in bench/out/."""
    keys = os.environ.get("RAPPORT_ENCRYPTION_KEYS")
    if keys:
        return keys
    for file in (ROOT / ".local" / "encryption-keys", OUT / "bench-encryption-key"):
        if file.exists():
            return ",".join(line.strip() for line in file.read_text().splitlines() if line.strip())
    from cryptography.fernet import Fernet

    OUT.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    (OUT / "bench-encryption-key").write_text(key + "\n")
    return key


def sqlite_file(district: str) -> Path:
    return OUT / f"bench-{district}.sqlite3"


def database_url(db: str, district: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_file(district)}"
    return f"{PG_ADMIN_URL}/{pg_database(district)}"


def bench_env(db: str, district: str, *, tasks: str = "immediate") -> dict[str, str]:
    """Production settings, with the bench-only overrides README.md lists."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-not-for-any-real-installation-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "RAPPORT_BENCH": "true",
        "RAPPORT_ENCRYPTION_KEYS": encryption_keys(),
        "DATABASE_URL": database_url(db, district),
        "RAPPORT_TASKS": tasks,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "LOG_LEVEL": "WARNING",
        # Production refuses to start without a mail setting (operations.E001); the benchmark's
        # emails go to files (the fault run chooses its own folder).
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(OUT / "mail"),
    }


def manage(env: dict[str, str], *args: str, timeout: float = 3 * 3600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )


def fresh_database(db: str, district: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file(district)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_database(district)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {pg_database(district)}")


def prepare(db: str, flags: list[str], district: str, reuse: bool) -> float | None:
    """A migrated database with the district seeded; returns seeding seconds (None if reused)."""
    OUT.mkdir(parents=True, exist_ok=True)
    env = bench_env(db, district)
    marker = OUT / f"seeded-{db}-{district}"
    if reuse and marker.exists() and _database_exists(db, district):
        manage(env, "migrate", "--no-input", "-v", "0")
        vacuum(db, district)
        return None
    marker.unlink(missing_ok=True)
    fresh_database(db, district)
    manage(env, "migrate", "--no-input", "-v", "0")
    started = time.monotonic()
    manage(env, "seed_demo", "--this-is-a-demo", *flags)
    seconds = time.monotonic() - started
    marker.write_text(" ".join(flags))
    manage(env, "collectstatic", "--no-input", "-v", "0")
    vacuum(db, district)
    return seconds


def _database_exists(db: str, district: str) -> bool:
    if db == "sqlite":
        return sqlite_file(district).exists()
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_database(district)])
        return found.fetchone() is not None


def vacuum(db: str, district: str) -> None:
    """The database as it is once in use, made so now rather than during the run.

    PostgreSQL: what autovacuum does, the planner's statistics and the visibility map that lets
    an index answer alone (a freshly seeded or migrated table has neither). SQLite: the
    write-ahead log checkpointed into the database file. Seeding is one long transaction, and its
    log (3.5 GB for the full district) stayed beside an almost empty file until the last
    connection closed, at the end of the first run: every read of that run looked its pages up in
    the log's index (the signed-in floor: 2.75 ms of CPU per answer, 2.40 after the
    checkpoint; bench/RESULTS.md, round 12).
    """
    if db == "sqlite":
        import sqlite3

        with contextlib.closing(sqlite3.connect(sqlite_file(district))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    import psycopg

    with psycopg.connect(database_url(db, district), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz?web", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "rapport.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, as its docs advise
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(OUT / "gunicorn.log").open("a"),
    )
    wait_until_up(port)
    return process


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(OUT / "worker.log").open("a"),
    )


def stop(process: subprocess.Popen | None) -> None:
    """Stop one process we started (TERM, then KILL after 10 s)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen]:
    process = start_gunicorn(env, port, workers)
    try:
        yield process
    finally:
        stop(process)


def worker_pids(master: int) -> list[int]:
    """The child processes of ``master`` (gunicorn's workers; an RQ worker's job process)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def python_for_django(env: dict[str, str]) -> None:
    """Set up Django in this process against the bench database (for ids and verification)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
