"""What a web worker holds in memory from its start: a library that only a rare page uses is
imported when that page is used, not by every worker (issue 20 keeps workers under 200 MB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A worker at start: the settings, every URL (so every view module), the WSGI application.
_BOOT = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import rapport.wsgi
print(json.dumps(sorted(sys.modules)))
"""

# Imported by the one function that needs them.
ON_FIRST_USE = {"openpyxl": ("an Excel export", "rapport.insights.tabular")}


def _modules_at_start() -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _BOOT],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "rapport.settings_test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_worker_starts_without_what_only_a_rare_page_needs():
    at_start = _modules_at_start()
    for module, (used_by, user_module) in ON_FIRST_USE.items():
        assert user_module in at_start  # the code that uses it is loaded…
        assert module not in at_start, f"{module} is only for {used_by}: import it where it is used"
