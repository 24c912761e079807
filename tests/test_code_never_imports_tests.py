"""What ships (rapport/) and what measures it (bench/) never import the test suite."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
def test_nothing_imports_the_tests(folder):
    paths = sorted((ROOT / folder).rglob("*.py"))

    found = [
        problem
        for path in paths
        for problem in _imports_of_tests(path.read_text(), str(path.relative_to(ROOT)))
    ]

    assert found == []


def test_the_check_finds_an_import_of_the_tests():
    source = "import json\nfrom tests.people import roster_files\nimport tests.factories as factories\n"

    assert _imports_of_tests(source, "bench/x.py") == [
        "bench/x.py:2: imports tests.people",
        "bench/x.py:3: imports tests.factories",
    ]
