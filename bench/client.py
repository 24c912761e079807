"""A small load generator: threads, each a signed-in person with http.client.

Requests carry ``X-Forwarded-Proto: https`` as the reverse proxy in front of
production would (docs/deploy.md), so Django's secure cookies and CSRF origin
checks behave as in production while the benchmark talks plain HTTP on loopback.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's cookies and connection; not shared between threads."""

    def __init__(self, port: int, timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "Origin": origin}
        headers["Referer"] = origin + "/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def request(self, method: str, path: str, body: dict | None = None, headers=None) -> tuple[int, bytes]:
        data = urllib.parse.urlencode(body) if body is not None else None
        extra = dict(headers or {})
        if data is not None:
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=data, headers=self._headers(extra))
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, content

    def csrf_token(self, path: str) -> str:
        status, content = self.request("GET", path)
        match = CSRF_INPUT.search(content.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise RuntimeError(f"no form at {path} (status {status})")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": email, "password": password},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"could not sign in as {email} (status {status})")


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection refused/reset: no HTTP answer at all
    wall: float = 0.0
    machine_cpu: float = 0.0  # CPU seconds the whole machine was busy during the run
    client_cpu: float = 0.0  # of which the load generator's (this process)

    def add(self, other: Outcome) -> None:
        self.latencies += other.latencies
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += other.errors

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        """The machine's CPU time per answer: the server's, the database's and the load generator's."""
        return self.machine_cpu * 1000 / len(self.latencies) if self.latencies else float("nan")

    @property
    def client_cpu_ms_per_request(self) -> float:
        return self.client_cpu * 1000 / len(self.latencies) if self.latencies else float("nan")


Step = Callable[[Browser, Outcome], None]


def run_clients(browsers: list[Browser], step_for: Callable[[int], Step], duration: float) -> Outcome:
    """Each browser runs its step in a loop for ``duration`` seconds, all at once."""
    outcomes = [Outcome() for _ in browsers]
    barrier = threading.Barrier(len(browsers) + 1)
    deadline: list[float] = [0.0]

    def loop(index: int) -> None:
        step = step_for(index)
        barrier.wait()
        while time.monotonic() < deadline[0]:
            step(browsers[index], outcomes[index])

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + duration
    started, machine_before, client_before = time.monotonic(), machine_busy_seconds(), client_seconds()
    barrier.wait()
    for thread in threads:
        thread.join(timeout=duration + 60)
    total = Outcome(
        wall=time.monotonic() - started,
        machine_cpu=machine_busy_seconds() - machine_before,
        client_cpu=client_seconds() - client_before,
    )
    for outcome in outcomes:
        total.add(outcome)
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all of this machine's cores have spent busy since boot (Linux: /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    # Time the hypervisor gave to other machines ("steal") is not this machine's work.
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def client_seconds() -> float:
    """CPU seconds this process (the load generator's threads) has used."""
    times = os.times()
    return times.user + times.system


def timed(browser: Browser, outcome: Outcome, method: str, path: str, body=None, headers=None):
    """One request, its latency and status recorded; returns (status, content) or None."""
    started = time.perf_counter()
    try:
        status, content = browser.request(method, path, body, headers)
    except (OSError, http.client.HTTPException):
        outcome.errors += 1
        time.sleep(0.05)  # the server is down (a fault run): do not spin
        return None
    outcome.latencies.append(time.perf_counter() - started)
    outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
    return status, content
