"""The one door, checked: no code reads a coaching record except through the access policy.

Every concrete ``RelationshipRecord`` (notes, sessions, conversations, …) must be
read through ``rapport/privacy/policy.py``, and written through an app's
``actions.py``. This check walks the source of ``rapport/`` and reports each
place that reaches a record model's manager directly (``Note.objects…``,
``Note._default_manager…``, ``Note._base_manager…``) anywhere else.

A few places have a reason to do so (a migration-free maintenance job that must
see every row, say). They are listed in ``scripts/one_door_exceptions.toml`` by
file, function and model, each with the reason; an entry that no longer matches
anything is reported too, so the list never outlives its code.

Run: ``python scripts/check_one_door.py`` (``make lint`` does). Exit status 1 on
any finding.
"""

from __future__ import annotations

import ast
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

ROOT = Path(__file__).resolve().parent.parent
EXCEPTIONS = ROOT / "scripts" / "one_door_exceptions.toml"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Manager methods that write or read nothing: writes have their own door (actions), not this check.
NOT_READS = {"create", "bulk_create", "update", "bulk_update", "delete", "none"}
# The doors themselves: the policy reads, the actions write.
DOORS = ("rapport/privacy/policy.py", "rapport/privacy/aggregates.py")
DOOR_NAMES = ("actions.py",)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    function: str
    model: str

    def key(self) -> tuple[str, str, str]:
        return (self.path, self.function, self.model)

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.model}.objects read in {self.function or '<module>'} — "
            "read coaching records through rapport.privacy.policy"
        )


def record_model_names() -> set[str]:
    """The class names of every concrete coaching record, asked of Django itself."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings_test")
    import django

    django.setup()
    from rapport.privacy.policy import record_models

    return {model.__name__ for model in record_models()}


def is_door(relative: str) -> bool:
    return relative in DOORS or relative.endswith(DOOR_NAMES)


def policy_functions(root: Path = ROOT) -> set[str]:
    """The public functions of the doors: a queryset handed to one of them goes through the policy."""
    return {
        node.name
        for door in DOORS
        for node in ast.parse((root / door).read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


def _own_nodes(scope: Scope) -> Iterator[ast.AST]:
    """The nodes of one function (or the module), without those of functions defined inside it."""
    stack = list(reversed(list(ast.iter_child_nodes(scope))))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _door_calls(scope: Scope, doors: set[str]) -> list[ast.Call]:
    return [node for node in _own_nodes(scope) if isinstance(node, ast.Call) and _name_of(node.func) in doors]


def _arguments(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *(keyword.value for keyword in call.keywords)]


def _names_in(nodes: Iterable[ast.AST]) -> set[str]:
    return {node.id for tree in nodes for node in ast.walk(tree) if isinstance(node, ast.Name)}


def wrapping_doors(trees: list[ast.Module], doors: set[str]) -> set[str]:
    """The policy's functions, and every function that hands a parameter on to one of them.

    A helper such as ``page_of(user, queryset, …)`` that passes its queryset to
    ``policy.read_records`` is a door too: its callers' querysets reach the policy.
    """
    doors = set(doors)
    functions = [
        node
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    grew = True
    while grew:
        grew = False
        for function in functions:
            if function.name in doors:
                continue
            parameters = {
                argument.arg for argument in ast.walk(function.args) if isinstance(argument, ast.arg)
            }
            handed = _names_in([arg for call in _door_calls(function, doors) for arg in _arguments(call)])
            if parameters & handed:
                doors.add(function.name)
                grew = True
    return doors


class _Scope:
    """The manager reads of one function, and whether each reaches a door before it is used."""

    def __init__(self, scope: Scope, qualname: str, path: str, models: set[str], doors: set[str]):
        self.scope, self.qualname, self.path = scope, qualname, path
        self.models, self.doors = models, doors

    def _is_read(self, node: ast.AST) -> TypeGuard[ast.Attribute]:
        return (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name | ast.Attribute)
            and _name_of(node.value) in self.models
        )

    def _ends_in_a_write(self, node: ast.AST) -> bool:
        """``Note.objects.filter(…).update(…)``: the chain's methods include a write (or ``none``)."""
        while node in self.parents:
            parent = self.parents[node]
            if isinstance(parent, ast.Attribute) and parent.value is node:
                if parent.attr in NOT_READS:
                    return True
            elif not (isinstance(parent, ast.Call) and parent.func is node):
                return False
            node = parent
        return False

    def findings(self) -> list[Finding]:
        self.parents = {
            child: node for node in _own_nodes(self.scope) for child in ast.iter_child_nodes(node)
        }
        writes = {
            id(node) for node in _own_nodes(self.scope) if self._is_read(node) and self._ends_in_a_write(node)
        }
        wrapped: set[int] = set()  # reads written inside a door call's arguments
        calls = _door_calls(self.scope, self.doors)
        for call in calls:
            wrapped |= {id(node) for arg in _arguments(call) for node in ast.walk(arg) if self._is_read(node)}
        carried: dict[str, set[int]] = {}  # a variable -> the reads its value came from
        held: set[int] = set()
        reads: dict[int, ast.Attribute] = {}
        for node in _own_nodes(self.scope):
            if self._is_read(node):
                reads[id(node)] = node
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                inside = {id(n) for n in ast.walk(node.value) if self._is_read(n)} - wrapped
                for name in _names_in([node.value]):
                    inside |= carried.get(name, set())
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for name in _names_in(targets):
                    carried[name] = carried.get(name, set()) | inside
                held |= inside
        cleared = set(wrapped)
        for name in _names_in([arg for call in calls for arg in _arguments(call)]):
            cleared |= carried.get(name, set())
        return [
            Finding(self.path, node.lineno, self.qualname, _name_of(node.value))
            for key, node in reads.items()
            if key not in cleared and key not in writes
        ]


def reads_in(source: str, path: str, models: set[str], doors: set[str]) -> list[Finding]:
    """Each read of a record model's manager in one module's source that never reaches a door."""
    tree = ast.parse(source, filename=path)
    doors = wrapping_doors([tree], doors)
    scopes: list[tuple[Scope, str]] = [(tree, "")]

    def collect(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}" if prefix else child.name
                if not isinstance(child, ast.ClassDef):
                    scopes.append((child, name))
                collect(child, name)
            else:
                collect(child, prefix)

    collect(tree, "")
    found: list[Finding] = []
    for scope, qualname in scopes:
        found += _Scope(scope, qualname, path, models, doors).findings()
    return sorted(found, key=lambda finding: finding.line)


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted((root / "rapport").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/migrations/" in relative or is_door(relative):
            continue
        yield relative, path


def load_exceptions(path: Path = EXCEPTIONS) -> dict[tuple[str, str, str], str]:
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("exception", [])
    return {(entry["path"], entry["function"], entry["model"]): entry["reason"] for entry in entries}


def check(root: Path, models: set[str], exceptions: dict[tuple[str, str, str], str]) -> list[str]:
    """The problems: reads outside the doors with no listed reason, and stale exceptions."""
    problems: list[str] = []
    used: set[tuple[str, str, str]] = set()
    sources = {relative: path.read_text(encoding="utf-8") for relative, path in modules(root)}
    doors = wrapping_doors([ast.parse(source) for source in sources.values()], policy_functions(root))
    for relative, source in sources.items():
        for finding in reads_in(source, relative, models, doors):
            if finding.key() in exceptions:
                used.add(finding.key())
            else:
                problems.append(str(finding))
    for key in sorted(set(exceptions) - used):
        problems.append(f"{EXCEPTIONS.name}: the exception {key} matches no code any more; remove it")
    return problems


def main() -> int:
    problems = check(ROOT, record_model_names(), load_exceptions())
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} read(s) of coaching records outside the access policy.")
        return 1
    print("One door: every read of a coaching record goes through the access policy.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
