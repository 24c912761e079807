"""Rules about the shape of the code base that a reviewer should not have to remember."""

from __future__ import annotations

import ast
import re
from importlib import metadata
from pathlib import Path

import pytest

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


def _imports_of_tests(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        found += [
            f"{name}:{node.lineno}: imports {module}" for module in modules if module.split(".")[0] == "tests"
        ]
    return found


@pytest.mark.parametrize("folder", ["rapport", "bench"])
def test_what_ships_and_the_bench_never_import_the_tests(folder):
    """Issue 21: the test suite is not part of Rapport; what both need lives under rapport/ or bench/."""
    paths = sorted((ROOT / folder).rglob("*.py"))

    found = [
        problem
        for path in paths
        for problem in _imports_of_tests(path.read_text(), str(path.relative_to(ROOT)))
    ]
    # Nor does it read the suite's files: development data lives in bench/data/.
    found += [
        f"{path.relative_to(ROOT)}: reads the tests' files"
        for path in paths
        if '"tests"' in path.read_text() or "tests/data" in path.read_text()
    ]

    assert found == []


def test_the_check_finds_an_import_of_the_tests():
    source = "import json\nfrom tests.people import roster_files\nimport tests.factories as factories\n"

    assert _imports_of_tests(source, "bench/x.py") == [
        "bench/x.py:2: imports tests.people",
        "bench/x.py:3: imports tests.factories",
    ]


# --- Layers -------------------------------------------------------------------------------------
# Each app may import only from the layers below it. privacy is the base layer of everything that
# touches coaching records: it knows who people are (people) and how the service runs
# (operations, core) and nothing of any feature. Every import counts: at module level, inside a
# function, or under TYPE_CHECKING.
LAYERS = [
    {"core", "operations"},
    {"people"},
    {"privacy"},
    {"relationships"},
    {"coaching"},
    {"conversations", "insights", "resources"},
    {"search"},
    {"roster", "web"},
    {"api", "demo"},
]


def _layer_of(app: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if app in layer)


def app_imports(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> where, for every import of one rapport app by another."""
    found: dict[tuple[str, str], list[str]] = {}
    for source in sorted((root / "rapport").rglob("*.py")):
        parts = source.relative_to(root / "rapport").parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                names = module.split(".")
                if (
                    names[0] == "rapport"
                    and len(names) > 1
                    and names[1] != app
                    and (root / "rapport" / names[1]).is_dir()
                ):
                    found.setdefault((app, names[1]), []).append(f"{source.relative_to(root)}:{node.lineno}")
    return found


def test_every_app_has_a_layer():
    apps = {
        path.name
        for path in (ROOT / "rapport").iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    }
    assert apps <= set().union(*LAYERS), f"put {sorted(apps - set().union(*LAYERS))} in LAYERS"


def test_apps_import_only_from_the_layers_below():
    upward = {
        f"{importer} imports {imported}": where
        for (importer, imported), where in app_imports().items()
        if _layer_of(imported) >= _layer_of(importer) and importer != imported
    }
    assert upward == {}


def test_privacy_imports_no_feature_app():
    imported = {imported for (importer, imported) in app_imports() if importer == "privacy"}
    assert imported <= {"core", "operations", "people"}


def test_the_layer_check_finds_an_import_inside_a_function(tmp_path):
    (tmp_path / "rapport" / "privacy").mkdir(parents=True)
    (tmp_path / "rapport" / "coaching").mkdir()
    (tmp_path / "rapport" / "privacy" / "policy.py").write_text(
        "def rule():\n    from rapport.coaching.models import Session\n    return Session\n"
    )
    assert app_imports(tmp_path) == {("privacy", "coaching"): ["rapport/privacy/policy.py:2"]}
