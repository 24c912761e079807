"""Fixtures shared by the whole suite."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection as db_connection

from tests.world import World, build_world


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (shared leader report tables, cached sessions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, signed in as that person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


REDIS_BASE_URL = os.environ.get("RAPPORT_TEST_REDIS", "redis://127.0.0.1:6379")


def _redis_db_index() -> int:
    """A Redis database of its own for this checkout and test worker (1 to 15; 0 is for `make run`)."""
    key = f"{Path.cwd()}:{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    return 1 + int(hashlib.sha256(key.encode()).hexdigest(), 16) % 15


def _database_url(settings_dict: dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class RQWorker:
    """A real RQ worker process on Redis, run in burst mode against the test database."""

    env: dict[str, str]
    redis_url: str

    def work(self, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run every queued job, then exit; returns the finished worker process."""
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "--burst",
                "--job-class",
                "django_tasks_rq.Job",
                "default",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"the worker failed:\n{result.stdout}\n{result.stderr}"
        return result


@pytest.fixture
def rq_worker(transactional_db, settings):
    """Route tasks to RQ on Redis and hand the test a real worker to run them.

    Without Redis the test is skipped with the reason, except in CI, where it fails.
    """
    import redis

    url = f"{REDIS_BASE_URL}/{_redis_db_index()}"
    try:
        connection_ = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection_.ping()
    except redis.RedisError as error:
        reason = f"Redis is not reachable at {url}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    connection_.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings_test",
        "DATABASE_URL": _database_url(db_connection.settings_dict),
        "REDIS_URL": url,
        "RAPPORT_TASKS": "rq",
        "RAPPORT_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    yield RQWorker(env=env, redis_url=url)
    connection_.flushdb()
