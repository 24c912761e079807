#!/usr/bin/env python
"""In-process cost of each key page on a seeded bench district, and where it goes.

    .venv/bin/python bench/profile_pages.py --db sqlite             # mean ms per page
    .venv/bin/python bench/profile_pages.py --db sqlite --profile "coach home"

Runs the pages through Django's test client in this one process (no gunicorn, no
load generator), as the same people the load run signs in as, so a change to a
page can be judged in seconds. ``--profile`` prints the functions that took most of
that page's time (cProfile, cumulative). Uses the district ``bench/run.py`` seeded (seeding
it first if there is none), migrated to this checkout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", metavar="PAGE", help="print where this page's time goes")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument(
        "--callers", metavar="FUNCTION", help="with --profile: who called this function, and how often"
    )
    parser.add_argument("--queries", action="store_true", help="print each query and its time")
    args = parser.parse_args()

    district = "small" if args.small else "full"
    from bench.run import FULL, SMALL

    # The seeded bench district, migrated to this checkout (seeded first if there is none yet).
    server.prepare(args.db, SMALL if args.small else FULL, district, reuse=True)
    env = server.bench_env(args.db, district)
    server.python_for_django(env)
    from django.db import connection
    from django.test import Client

    from bench.pages import BASELINE, PAGES, SIGNED_IN_FLOOR
    from bench.run import people, resolve

    print(f"{args.db}, {'small' if args.small else 'full'} district, {args.runs} runs")
    _measure_templates()
    # The mean counts the garbage collector's pauses, a real cost; the median does not move with
    # them.
    # CPU time of this thread (SQLite's work included, PostgreSQL's server not) moves least when
    # the machine is shared: the figure to compare two versions of a page by on a busy machine.
    # Of the CPU time: rendering the response's template (reads the template makes itself
    # included: "in template"), and this process's part of running the SQL (for PostgreSQL, not
    # the server's).
    print("| page | mean ms | median ms | median CPU ms | template ms | SQL ms | queries (in template) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page in [BASELINE, SIGNED_IN_FLOOR, *PAGES]:
        user = people(page.who, 1)[0]
        paths = resolve(page, [user])
        if isinstance(paths, str):
            print(f"| {page.name} | skipped: {paths} | | |")
            continue
        client = Client(headers={"X-Forwarded-Proto": "https", **page.headers}, HTTP_HOST="127.0.0.1")
        client.force_login(user)
        profile_one(page, partial(client.get, paths[0], secure=True), args, connection)
    return 0


class _Split:
    """CPU time of one answer spent rendering its template and running its SQL."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.template = self.sql = 0.0
        self.rendering = False
        self.queries_in_template = 0

    def run_sql(self, execute, sql, *rest):
        started = time.thread_time()
        try:
            return execute(sql, *rest)
        finally:
            self.sql += time.thread_time() - started
            self.queries_in_template += self.rendering


_SPLIT = _Split()


def _measure_templates() -> None:
    """Time the outermost template rendering of each answer (an include renders inside it)."""
    from django.template.backends.django import Template

    render = Template.render

    def timed_render(template, *args, **kwargs):
        if _SPLIT.rendering:
            return render(template, *args, **kwargs)
        _SPLIT.rendering = True
        started = time.thread_time()
        try:
            return render(template, *args, **kwargs)
        finally:
            _SPLIT.template += time.thread_time() - started
            _SPLIT.rendering = False

    Template.render = timed_render  # type: ignore[method-assign,assignment]  # the bench times each rendering


def profile_one(page, get, args, connection) -> None:
    response = get()  # warm caches
    assert response.status_code == 200, (page.name, response.status_code)
    queries = []

    def timed(execute, sql, *rest):
        started = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timed):
        get()
    gc.collect()  # the process's first full collection is not this page's (bench/instructions.py)
    times, cpu, template, sql = [], [], [], []
    with connection.execute_wrapper(_SPLIT.run_sql):
        for _ in range(args.runs):
            _SPLIT.clear()
            started, started_cpu = time.perf_counter(), time.thread_time()
            get()
            cpu.append((time.thread_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
            template.append(_SPLIT.template * 1000)
            sql.append(_SPLIT.sql * 1000)
    print(
        f"| {page.name} | {statistics.mean(times):.2f} | {statistics.median(times):.2f} "
        f"| {statistics.median(cpu):.2f} | {statistics.median(template):.2f} | {statistics.median(sql):.2f} "
        f"| {len(queries)} ({_SPLIT.queries_in_template}) |"
    )
    if args.queries:
        for ms, sql in queries:
            print(f"    {ms:6.2f} ms  {sql[:300]}")
    if args.profile == page.name:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            get()
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        if args.callers:
            stats.print_callers(args.callers)
        else:
            stats.print_stats(args.lines)


if __name__ == "__main__":
    raise SystemExit(main())
