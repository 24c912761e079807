"""The vocabulary of the sentinel test.

Each app declares, in ``tests/<app>/sentinels.py``, a ``WRITERS`` list: for
each confidential (encrypted) field, a function that writes a given unique
string into it *through the real forms*, as the person who would write it.
``tests/test_sentinel.py`` then proves the string is stored encrypted and
reaches nobody outside the relationship. An encrypted field that no writer
covers fails the test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client

from tests.world import World

# write(world, client_for, sentinel) -> URLs of the written record's own pages,
# which outsiders are then shown to be unable to open.
WriteFunction = Callable[[World, Callable[..., Client], str], list[str]]


@dataclass
class SentinelWriter:
    name: str
    covers: set[str]  # "app_label.ModelName.field"
    write: WriteFunction
    # URL names of a member's own secret link (a calendar feed) that shows this text by design:
    # whoever holds the link is, for Rapport, that member.
    shown_by_secret_link: frozenset[str] = field(default_factory=frozenset)


def all_writers() -> list[SentinelWriter]:
    import tests

    writers: list[SentinelWriter] = []
    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if module_info.name.endswith(".sentinels"):
            writers.extend(importlib.import_module(module_info.name).WRITERS)
    return writers


def assert_posted(response, where: str) -> None:
    """A writer's form post must have been accepted (a redirect), not re-rendered with errors."""
    assert response.status_code in (200, 302, 303), f"{where}: {response.status_code}"
    if response.status_code == 200 and response.context and response.context.get("form") is not None:
        raise AssertionError(f"{where}: the form was refused: {response.context['form'].errors.as_text()}")
