"""Rules about the shape of the code base that a reviewer should not have to remember."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pinned packages that are never imported by name: servers, drivers and hashers that Django or
# the Makefile loads by a setting or a command, and the binary build of psycopg.
USED_WITHOUT_AN_IMPORT = {
    "argon2-cffi": "PASSWORD_HASHERS (Argon2PasswordHasher)",
    "gunicorn": "the production server (docs/deploy.md, make serve)",
    "psycopg-binary": "psycopg's compiled implementation",
    "tzdata": "time zones where the system has none",
    "django-tasks-rq": "TASKS backend in settings.py",
}


def _pins(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            names.append(re.split(r"[=<>\[ ]", line, maxsplit=1)[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements_of(name: str) -> set[str]:
    requires = metadata.requires(name) or []
    return {_normal(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0]) for requirement in requires}


def _imported_modules() -> set[str]:
    found = set()
    for folder in ("rapport", "bench", "scripts", "tests"):
        for source in (ROOT / folder).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            found |= set(re.findall(r"^\s*(?:from|import)\s+([A-Za-z_][A-Za-z0-9_]*)", text, re.M))
            found |= set(re.findall(r"[\"']([A-Za-z_][A-Za-z0-9_]*)[.\"']", text))  # dotted paths in settings
    return found


def test_every_pinned_package_is_used():
    """A pin that nothing imports and nothing needs is dead weight in every install."""
    pins = [_normal(name) for name in _pins(ROOT / "requirements.txt")]
    needed_by_another = set().union(*(_requirements_of(name) for name in pins))
    modules = _imported_modules()
    top_level = metadata.packages_distributions()
    imported_dists = {_normal(dist) for module in modules for dist in top_level.get(module, [])}
    unused = [
        name
        for name in pins
        if name not in needed_by_another and name not in imported_dists and name not in USED_WITHOUT_AN_IMPORT
    ]
    assert not unused, f"pinned in requirements.txt but never used: {unused}"


def test_templates_live_in_one_place():
    """rapport/templates/<app>/: a newcomer finds every page's template in one folder."""
    elsewhere = [
        str(path.relative_to(ROOT)) for path in (ROOT / "rapport").glob("*/templates/**/*") if path.is_file()
    ]
    assert not elsewhere, f"templates outside rapport/templates/: {elsewhere}"
