#!/usr/bin/env python
"""Instructions per answer of each key page, counted by valgrind: the same figure on a quiet
machine and a crowded one.

    .venv/bin/python bench/instructions.py --small                 # every page, 8 answers each
    .venv/bin/python bench/instructions.py --small --pages "coach home" "search"

Milliseconds measured on a shared machine move by half between two runs of the same code;
callgrind counts the instructions the process executes, which do not (the same total twice,
whatever else the machine does). A page's ratio to the signed-in floor in instructions is
close to its ratio in CPU time, so this is how two versions of a page are compared
(bench/RESULTS.md, round 9). The pages are served in one process by Django's test client, as in
bench/profile_pages.py, on the district bench/run.py seeded (seeded first if there is none).
Slow: valgrind runs Python some fifty times slower; about ten minutes for every page.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--answers", type=int, default=8, help="answers counted per page")
    parser.add_argument("--pages", nargs="*", default=[], help="only these pages (and the floor)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # inside valgrind
    args = parser.parse_args()
    return serve(args) if args.serve else count(args)


def count(args) -> int:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)")
        return 1
    from bench.pages import SIGNED_IN_FLOOR
    from bench.run import FULL, SMALL

    district = "small" if args.small else "full"
    server.prepare(args.db, SMALL if args.small else FULL, district, reuse=True)
    with tempfile.TemporaryDirectory() as out:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}/callgrind.%p",
            "-q",
            sys.executable,
            __file__,
            "--serve",
            "--db",
            args.db,
            "--answers",
            str(args.answers),
            *(["--small"] if args.small else []),
            *(["--pages", *args.pages] if args.pages else []),
        ]
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        counted = _read_dumps(Path(out), args.answers)
    floor = counted.pop(SIGNED_IN_FLOOR.name)
    print(f"{args.db}, {district} district, {args.answers} answers per page")
    print("| page | million instructions per answer | times the signed-in floor |")
    print("|---|---:|---:|")
    print(f"| {SIGNED_IN_FLOOR.name} | {floor:.1f} | 1 |")
    for name, millions in counted.items():
        print(f"| {name} | {millions:.1f} | {millions / floor:.1f} |")
    return 0


def _pages() -> list:
    from bench.pages import BASELINE, PAGES, SIGNED_IN_FLOOR

    return [BASELINE, SIGNED_IN_FLOOR, *PAGES]


def _read_dumps(out: Path, answers: int) -> dict[str, float]:
    """Each page's instructions per answer, from the dumps named by the page's place in the list."""
    pages, counted = _pages(), {}
    for dump in sorted(out.glob("callgrind.*.*"), key=lambda path: int(path.suffix[1:])):
        head = dump.read_text(errors="replace")[:100_000]
        place = re.search(r"^desc: Trigger: dump page(\d+)$", head, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", head, re.M)
        if place and total:
            counted[pages[int(place.group(1))].name] = int(total.group(1)) / answers / 1e6
    return counted


def serve(args) -> int:
    """Inside valgrind: answer each page, counting only its answers (callgrind_control zeroes the
    counters before them and dumps them after)."""
    env = server.bench_env(args.db, "small" if args.small else "full")
    server.python_for_django(env)
    from django.test import Client

    from bench.run import people, resolve

    me = str(os.getpid())
    for place, page in enumerate(_pages()):
        if args.pages and place > 1 and page.name not in args.pages:  # the baseline and floor always
            continue
        user = people(page.who, 1)[0]
        paths = resolve(page, [user])
        if isinstance(paths, str):
            continue
        client = Client(headers={"X-Forwarded-Proto": "https", **page.headers}, HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for _ in range(2):  # warm: a running worker's caches are full
            client.get(paths[0], secure=True)
        # Each page starts from an empty collector: the process's first full collection (all of
        # Django's and the app's objects, ~90 ms here) lands soon after start-up, and without
        # this it is counted to whichever page is answering then (the floor: 4 times its cost).
        gc.collect()
        _control("--zero", me)
        for _ in range(args.answers):
            assert client.get(paths[0], secure=True).status_code == 200, page.name
        _control(f"--dump=page{place}", me)  # one word: callgrind's name for the dump
    return 0


def _control(option: str, pid: str) -> None:
    subprocess.run(["callgrind_control", option, pid], check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    raise SystemExit(main())
