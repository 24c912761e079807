"""A real PostgreSQL outage: the 503 page while the database is unreachable, then recovery by itself.

bench/pg_outage.py checks this by stopping PostgreSQL, by hand, because other runs share the
server. Here only the app's own connection goes through a TCP proxy the test owns: taking the
proxy down does to that connection what a stopped server does (its socket is closed, new
connections are refused), and nobody else's database notices.

The app is served by a real WSGI server in one thread (wsgiref; one thread and one persistent
connection, like a sync gunicorn worker), not through ``django.test.Client``: the test client
disconnects ``close_old_connections`` while it sends ``request_started`` and
``request_finished``, and what Django does with a connection at those two moments (keep it
while young, close it once it failed, health-check it before its next use) is what recovery
rests on. Here Django's own ``WSGIHandler`` runs with its signals as in production, and the
browser speaks HTTP with real cookies and a real CSRF token.

That thread's ``connections["default"]`` is one wrapper to the test database through the proxy,
with production's ``CONN_MAX_AGE`` and ``CONN_HEALTH_CHECKS``. The test's own connection is
untouched (connections are per thread), and nothing is swapped back after the outage: the
wrapper that failed is the one that must recover.
"""

from __future__ import annotations

import contextlib
import http.client
import queue
import re
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import Client

from rapport.operations.middleware import RETRY_AFTER_SECONDS
from rapport.relationships.models import Note, Visibility

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a PostgreSQL outage: runs in the PostgreSQL run (make test-postgres)",
    ),
    # Committed data: the app's connection through the proxy cannot see a test's open transaction.
    pytest.mark.django_db(transaction=True),
]

# Marks the app's connections, so the test can see that none outlives it.
APPLICATION_NAME = "rapport-outage-test"


class DatabaseProxy:
    """A TCP proxy from a free port on 127.0.0.1 to PostgreSQL, in threads of its own.

    ``down()`` is the outage: every forwarded connection is closed and the port refuses new
    ones, as when PostgreSQL stops. ``up()`` listens again, on the same port.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._forwarded: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the port again
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Called between requests, so no connection is half-way through being opened."""
        listener, self._listener = self._listener, None
        with self._lock:
            forwarded, self._forwarded = self._forwarded, []
        for sock in forwarded:  # wakes the forwarding thread, which closes both ends
            _shut(sock)
        if listener is not None:
            _shut(listener)  # wakes accept(); then the port refuses
            listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # down()
                return
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._forwarded += [client, upstream]
            threading.Thread(target=_forward, args=(client, upstream), daemon=True).start()


def _forward(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either end, or ``down()``, ends the connection."""
    other = {client: upstream, upstream: client}
    with selectors.DefaultSelector() as selector, client, upstream:
        for sock in other:
            selector.register(sock, selectors.EVENT_READ)
        with contextlib.suppress(OSError):
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    other[key.fileobj].sendall(data)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


class _QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        """The test's output shows its failures, not a line per request."""


@contextlib.contextmanager
def served(database_settings: dict) -> Iterator[tuple[int, DatabaseWrapper]]:
    """The app on a WSGI server in one thread, its one connection made from ``database_settings``.

    Yields the server's port and that connection's wrapper, to look at between requests.
    """
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_QuietRequestHandler)
    made = queue.Queue(maxsize=1)

    def serve() -> None:
        # Made in the serving thread, which owns it as a worker owns its connection.
        database = DatabaseWrapper(database_settings, alias="default")
        connections["default"] = database
        made.put(database)
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            database.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.server_port, made.get(timeout=5)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@dataclass
class App:
    port: int
    database: DatabaseWrapper
    proxy: DatabaseProxy


@pytest.fixture
def app() -> Iterator[App]:
    """The app served with a persistent, health-checked connection through a proxy to PostgreSQL."""
    ours = connection.settings_dict
    proxy = DatabaseProxy(upstream=(ours["HOST"] or "127.0.0.1", int(ours["PORT"] or 5432)))
    proxy.up()
    through_proxy = {
        **ours,
        "HOST": "127.0.0.1",
        "PORT": str(proxy.port),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **ours["OPTIONS"],
            "connect_timeout": 2,
            "application_name": APPLICATION_NAME,
        },
    }
    try:
        with served(through_proxy) as (port, database):
            yield App(port, database, proxy)
    finally:
        proxy.down()
    _wait_until_the_app_connections_are_gone()


def _wait_until_the_app_connections_are_gone(timeout: float = 5) -> None:
    """A backend ends just after its client goes; one left over would stop the test database's drop."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [APPLICATION_NAME],
            )
            if cursor.fetchone()[0] == 0:
                return
            assert time.monotonic() < deadline, "a connection through the proxy outlived the test"
            time.sleep(0.02)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """Someone's browser: it keeps its cookies, and opens one HTTP connection per request."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def get(self, path: str) -> Answer:
        return self._request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, urlencode(fields), form)

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Answer:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            link.request(method, path, body, {"Cookie": cookie, **(headers or {})})
            response = link.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            link.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return answer


def signed_in(app: App, user) -> Browser:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Browser(app.port, {settings.SESSION_COOKIE_NAME: session})


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def backend_pid(database: DatabaseWrapper) -> int | None:
    """The PostgreSQL process behind the wrapper's open connection (read between requests)."""
    return database.connection.info.backend_pid if database.connection is not None else None


def assert_unavailable_page(answer: Answer, app: App) -> None:
    assert answer.status == 503, answer.text
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Rapport is briefly unavailable" in answer.text
    connection_details = (app.database.settings_dict["NAME"], f"port {app.proxy.port}")
    for detail in ("Traceback", "OperationalError", *connection_details):
        assert detail not in answer.text


def test_pages_and_forms_answer_503_while_the_database_is_unreachable_and_work_once_it_is_back(app, world):
    coach = signed_in(app, world.coach)
    relationship_page = f"/r/{world.relationship.pk}/"
    assert coach.get("/").status == 200
    form = coach.get(relationship_page)
    assert form.status == 200
    connected_before = backend_pid(app.database)
    assert connected_before is not None, "the connection stays open between requests (CONN_MAX_AGE)"
    note = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "body": "Written while the database was away",
        "visibility": Visibility.PRIVATE,
    }
    notes = Note.objects.filter(relationship=world.relationship)
    notes_before = notes.count()

    app.proxy.down()
    assert_unavailable_page(coach.get("/"), app)
    assert_unavailable_page(Browser(app.port).get("/healthz"), app)
    assert_unavailable_page(coach.post(relationship_page, note), app)

    app.proxy.up()
    assert coach.get("/").status == 200
    assert coach.post(relationship_page, note).status == 302
    assert notes.count() == notes_before + 1
    assert Browser(app.port).get("/healthz").status == 200
    assert backend_pid(app.database) not in (None, connected_before), "the same wrapper, connected anew"


def test_a_connection_dropped_while_idle_is_replaced_by_the_next_request(app, world):
    """A worker that served nothing during the outage still holds its dead connection.

    The health check (``CONN_HEALTH_CHECKS``) must find it dead and connect again before the
    first page after the outage uses it; without the check that page would fail.
    """
    coach = signed_in(app, world.coach)
    assert coach.get("/").status == 200
    connected = backend_pid(app.database)
    assert coach.get("/").status == 200
    assert backend_pid(app.database) == connected, "one persistent connection (CONN_MAX_AGE)"

    app.proxy.down()
    app.proxy.up()

    assert coach.get("/").status == 200
    assert backend_pid(app.database) not in (None, connected), "the same wrapper, connected anew"
