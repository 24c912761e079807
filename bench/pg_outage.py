#!/usr/bin/env python
"""Stop the local PostgreSQL under load, then start it again: run BY HAND, never from the tests.

Other engineers' test runs use the same PostgreSQL server; this script stops it
for about ten seconds. It serves the seeded bench database with gunicorn, keeps
16 clients on the coach home page, and checks:

* while PostgreSQL is down, every answer is the 503 page with Retry-After
  (never a 500 or a traceback);
* once it is back, pages are 200 again, without restarting gunicorn.

    sudo bench/pg_outage.py [--cluster 15/main] [--small]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.client import run_clients, timed
from bench.run import FULL, SMALL, people, sign_in_all


def pg_ctl(cluster: str, action: str) -> None:
    version, name = cluster.split("/")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action], check=True, timeout=60
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cluster", default="15/main")
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    district = "small" if args.small else "full"
    server.prepare("postgres", SMALL if args.small else FULL, district, reuse=True)
    env = server.bench_env("postgres", district)
    server.python_for_django(env)
    phases = {}
    wrong_pages: list[bytes] = []  # a 503 that is not the plain page, or shows a traceback

    def home(browser, outcome) -> None:
        answer = timed(browser, outcome, "GET", "/")
        if answer is None or answer[0] != 503:
            return
        if b"briefly unavailable" not in answer[1] or b"Traceback" in answer[1]:
            wrong_pages.append(answer[1][:200])

    with server.gunicorn(env, args.port, workers=4):
        browsers = sign_in_all(args.port, people("coach", 16))
        for phase in ("before", "down", "after"):
            if phase == "down":
                pg_ctl(args.cluster, "stop")
            try:
                outcome = run_clients(browsers, lambda i: home, 8)
            finally:
                if phase == "down":
                    pg_ctl(args.cluster, "start")
                    time.sleep(2)
            phases[phase] = outcome
            print(
                f"{phase:>6}: {dict(sorted(outcome.statuses.items()))}, no answer: {outcome.errors}",
                flush=True,
            )
    if wrong_pages:
        print(f"{len(wrong_pages)} 503 answers were not the plain page, e.g. {wrong_pages[0]!r}")
    ok = (
        set(phases["before"].statuses) == {200}
        and set(phases["down"].statuses) == {503}  # answered, every time with the 503 page
        and set(phases["after"].statuses) == {200}
        and not wrong_pages
    )
    print("OK: 503 while down, 200 after, no restart" if ok else "PROBLEM: see the statuses above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
