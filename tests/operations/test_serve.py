"""`make serve`: the demo served as production serves it — gunicorn, whitenoise, DEBUG off, a worker.

Starts scripts/serve_production.sh on a small demo district of its own and uses it as a person
would: sign in, ask for an export, and the background worker makes it. Run once, on SQLite.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.conftest import REDIS_BASE_URL, _redis_db_index

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "make serve stopped:\n" + process.stdout.read()
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {url} within {seconds} s")


@pytest.fixture
def served(tmp_path):
    import redis

    if connection.vendor != "sqlite":
        pytest.skip("make serve is checked once, in the SQLite run")
    redis_url = f"{REDIS_BASE_URL}/{_redis_db_index()}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {redis_url}: {error}")
        pytest.skip(f"Redis is not reachable at {redis_url}: {error}")
    redis.Redis.from_url(redis_url).flushdb()
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "RAPPORT_"))
    }
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        RAPPORT_ENCRYPTION_KEYS_FILE=str(tmp_path / "keys"),
    )
    (tmp_path / "keys").write_text(
        subprocess.check_output(
            [
                sys.executable,
                "-c",
                "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())",
            ],
            text=True,
        )
    )
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["seed_demo", "--schools", "1", "--coaches", "1", "--teachers", "3", "--years", "1"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    env["RAPPORT_ENCRYPTION_KEYS"] = (tmp_path / "keys").read_text().strip()
    process = subprocess.Popen(
        ["scripts/serve_production.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz", process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        redis.Redis.from_url(redis_url).flushdb()


def _sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "/accounts/login/",
        data={"username": email, "password": "demo-password", "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        timeout=30,
    )
    assert answer.url == base + "/", f"signing in as {email} ended at {answer.url}"
    return session


def test_make_serve_serves_the_demo_as_production_does(served):
    login = requests.get(served + "/accounts/login/", timeout=30)
    assert login.status_code == 200
    stylesheet = re.search(r'href="(/static/rapport/app\.[0-9a-f]{12}\.css)"', login.text)
    assert stylesheet, "static files carry whitenoise's hashed names"
    css = requests.get(served + stylesheet.group(1), timeout=30)
    assert css.status_code == 200
    assert "immutable" in css.headers["Cache-Control"]
    assert "no-store" not in css.headers["Cache-Control"]  # static files stay cacheable; pages do not
    assert "no-store" in login.headers["Cache-Control"]

    missing = requests.get(served + "/no-such-page/", timeout=30)
    assert missing.status_code == 404
    assert "Traceback" not in missing.text
    assert "DEBUG = True" not in missing.text

    coach = _sign_in(served, "coach@example.org")
    form = coach.get(served + "/exports/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    started = coach.post(
        served + "/exports/",
        data={"kind": "caseload-csv", "csrfmiddlewaretoken": token},
        headers={"Referer": served + "/exports/"},
        timeout=30,
    )
    assert started.status_code == 200
    deadline = time.monotonic() + 60
    while "Download" not in coach.get(started.url, timeout=30).text:
        assert time.monotonic() < deadline, "the background worker never made the export"
        time.sleep(1)
    # By now the worker has made an export, so it is registered: the full health check says so.
    health = requests.get(served + "/healthz", timeout=30)
    assert health.status_code == 200, health.text
    assert (health.json()["worker"], health.json()["workers"]) == ("ok", 1)
