"""App code and benchmarks stand on their own: nothing under rapport/ or bench/ imports from
tests/ or reads its files (development data lives in bench/data/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Moves its generator into bench/ on its own branch (issue 17); drop this line once it lands.
NOT_YET = {"bench/roster_import.py"}
SOURCES = sorted(
    path
    for folder in ("rapport", "bench")
    for path in (ROOT / folder).rglob("*.py")
    if str(path.relative_to(ROOT)) not in NOT_YET
)


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_nothing_imports_or_reads_tests(path):
    source = path.read_text(encoding="utf-8")
    assert not [name for name in _imports(ast.parse(source)) if name == "tests" or name.startswith("tests.")]
    assert '"tests"' not in source
    assert "tests/data" not in source
