"""Fixtures shared by the whole suite."""

from __future__ import annotations

import copy
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection as db_connection
from django.db import transaction

from tests import oidc_provider as district_provider
from tests.world import World, build_world


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (shared leader report tables, cached sessions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _mail_is_never_sent_inside_a_transaction(django_test_environment):
    """Django's test set-up puts its plain in-memory outbox in place; ours is that outbox with a
    rule every sender must keep (tests/mail.py). Worker processes get it from settings_test."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "tests.mail.EmailBackend"


@pytest.fixture
def world(db) -> World:
    return build_world()


def _built_once_per_module(django_db_blocker, build: Callable[[], World]) -> Iterator[World]:
    """``build()`` run once, inside a transaction held open for the whole module and rolled back
    after it. Each test's own transaction nests in it (a savepoint, rolled back after the test), so
    every test starts from the data as built, whatever an earlier test wrote; only transactional
    tests cannot share it (they commit, and flush every table after)."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        # As Django marks the transactions its TestCase wraps around tests: a durable block (the
        # code's own, or tests/mail.py's check) may still open inside it.
        module_transaction._from_testcase = True
        module_transaction.__enter__()
        try:
            built = build()
        except BaseException:
            module_transaction.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


def _a_copy_for_this_test(request, built: World) -> World:
    """The world built once, as fresh Python objects (a test may change them), as Django's
    ``setUpTestData`` hands each test its class's data."""
    marker = request.node.get_closest_marker("django_db")
    assert not (marker and marker.kwargs.get("transaction")), (
        "a transactional test commits: it builds its own world (build_world), never the module's"
    )
    return copy.deepcopy(built)


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from _built_once_per_module(django_db_blocker, build_world)


@pytest.fixture(scope="module")
def _extra_world_of_the_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from _built_once_per_module(django_db_blocker, lambda: build_world(extra=True))


@pytest.fixture
def shared_world(request, _world_of_the_module, db) -> World:
    """What ``world`` is, built once for the test module rather than once per test (the modules of
    many cases that only read it or write inside their own transaction: the authorization matrix,
    the accessibility checks, the form fuzzer)."""
    return _a_copy_for_this_test(request, _world_of_the_module)


@pytest.fixture
def shared_extra_world(request, _extra_world_of_the_module, db) -> World:
    """``build_world(extra=True)``, built once for the test module (see ``shared_world``)."""
    return _a_copy_for_this_test(request, _extra_world_of_the_module)


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, signed in as that person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


REDIS_BASE_URL = os.environ.get("RAPPORT_TEST_REDIS", "redis://127.0.0.1:6379")


def _redis_db_index() -> int:
    """A Redis database of its own for this test worker (1 to 15; 0 is for `make run`).

    The test workers of one run (gw0, gw1, ...) take consecutive databases, so no two of them
    share one: each empties its database before and after a test. The checkout picks where the
    run starts, which keeps two checkouts' runs on one machine apart most of the time.
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    checkout = int(hashlib.sha256(str(Path.cwd()).encode()).hexdigest(), 16)
    return 1 + (checkout + worker) % 15


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

    command = (
        sys.executable,
        "manage.py",
        "run_worker",
        "--burst",
    )

    def work(self, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run every queued job, then exit; returns the finished worker process."""
        result = subprocess.run(
            self.command,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"the worker failed:\n{result.stdout}\n{result.stderr}"
        return result

    def start(self) -> subprocess.Popen:
        """A worker in the background, in a process group of its own (its work horses with it)."""
        return subprocess.Popen(
            self.command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


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


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> district_provider.OpenIDProvider:
    """A real OpenID provider (tests/oidc_provider.py) for this test worker, which sends people back
    to the test client's host and to the browser tests' live server."""
    callback = "/accounts/sso/callback/"
    redirect_uris = [f"http://testserver{callback}", f"{live_server.url}{callback}"]
    with district_provider.running_provider(redirect_uris, tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def single_sign_on(settings, oidc_provider) -> district_provider.OpenIDProvider:
    """Rapport signs in with the test provider, for addresses at its district's domain."""
    settings.RAPPORT_OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = district_provider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = district_provider.CLIENT_SECRET
    settings.RAPPORT_OIDC_ALLOWED_DOMAINS = [district_provider.DOMAIN]
    return oidc_provider


def pytest_terminal_summary(terminalreporter) -> None:
    """Say once why the single sign-on tests did not run (a machine without Node)."""
    reasons = {
        report.longrepr[2]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and district_provider.SKIP_REASON_PREFIX in report.longrepr[2]
    }
    for reason in sorted(reasons):
        terminalreporter.write_line(f"SKIPPED: {reason.removeprefix('Skipped: ')}")


@pytest.fixture
def starter_questions(db):
    """The starter question banks, for teachers and for coaches, as a fresh install has them.

    Transactional tests flush every table, data migrations included, so a test that needs the
    starter banks makes them again with the migrations' own functions.
    """
    import importlib

    from django.apps import apps as django_apps

    from rapport.relationships.models import Question

    Question.objects.filter(owner__isnull=True).delete()
    importlib.import_module("rapport.relationships.migrations.0003_starter_questions").add_starter_questions(
        django_apps, None
    )
    importlib.import_module("rapport.relationships.migrations.0009_question_audience").add_coach_questions(
        django_apps, None
    )
