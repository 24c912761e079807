"""How fast search is for a coach with a 60-teacher caseload and three years of history.

    .venv/bin/python bench/search.py [--teachers 60] [--years 3] [--repeat 15]

Builds the demo district with one coach holding every teacher (coach@example.org), three years
of history, into a scratch SQLite database (its index built as the demo builds it), then times
searches as that coach: the search itself (index lookup, the policy, decrypting and logging the
shown results) and the whole page through Django's test client. Prints the median and the 95th
percentile per query and a verdict against the target: under 300 ms. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300
QUERIES = [
    "students",  # in thousands of records
    "exit ticket",  # two words, hundreds of records
    "baby sleeping",  # a handful
    "robotics",  # a rare word
    "zanzibar",  # in nothing
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--caseload", type=int, default=60, help="teachers on the coach's caseload")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="rapport-bench-search-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'search.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    os.environ.setdefault("RAPPORT_ENV", "development")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from rapport.demo import district
    from rapport.people.models import User
    from rapport.privacy.policy import caseload_for
    from rapport.search.models import SearchTerm
    from rapport.search.query import search

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    # Some of the demo's teachers are in peer pairs or on nobody's caseload: build enough.
    district.build(schools=1, coaches=1, teachers=round(args.caseload / 0.6), years=args.years)
    built = time.perf_counter() - started
    coach = User.objects.get(email="coach@example.org")
    print(
        f"District: {caseload_for(coach).count()} teachers on coach@'s caseload, {args.years} years; "
        f"{SearchTerm.objects.count():,} index rows; built and indexed in {built:.1f} s\n"
    )
    client = Client()
    client.force_login(coach)
    print("| query | found | search median ms | p95 ms | page median ms | p95 ms | page CPU ms | verdict |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    worst = 0.0
    for query in QUERIES:
        search_ms, page_ms, cpu_ms = [], [], []
        found = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            found = len(search(coach, query))
            search_ms.append((time.perf_counter() - t) * 1000)
            t, cpu = time.perf_counter(), time.process_time()
            response = client.get(reverse("search"), {"q": query})
            page_ms.append((time.perf_counter() - t) * 1000)
            # The machine may be shared: the process's own CPU time shows what the wall time owes to others.
            cpu_ms.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
        p95 = sorted(page_ms)[int(0.95 * (len(page_ms) - 1))]
        worst = max(worst, p95)
        print(
            f"| {query} | {found} | {statistics.median(search_ms):.0f} "
            f"| {sorted(search_ms)[int(0.95 * (len(search_ms) - 1))]:.0f} "
            f"| {statistics.median(page_ms):.0f} | {p95:.0f} | {statistics.median(cpu_ms):.0f} "
            f"| {'ok' if p95 < TARGET_MS else 'TOO SLOW'} |"
        )
    verdict = "PASS" if worst < TARGET_MS else "FAIL"
    load = os.getloadavg()[0]
    print(f"\nWorst page p95: {worst:.0f} ms against a target of {TARGET_MS} ms: {verdict}")
    print(f"(load average {load:.1f} on {os.cpu_count()} cores: on a busy machine, read the CPU column)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
