"""The vocabulary of the authorization matrix.

Each app declares, in ``tests/<app>/authz.py``, a ``ROUTES`` list: for every
URL pattern it adds, what each principal gets (see tests/world.py for who the
principals are). ``tests/test_authorization_matrix.py`` enumerates every URL
pattern of the project and fails for any pattern without a declaration.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.world import PRINCIPALS, World

OK = 200
LOGIN = "login"  # redirected to the sign-in page
ADMIN_LOGIN = "admin-login"  # redirected to the administration's sign-in page
REDIRECT = 302
BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405

Expect = int | str


def _no_kwargs(world: World) -> dict[str, Any]:
    return {}


def _no_data(world: World) -> dict[str, Any]:
    return {}


@dataclass
class Route:
    """What each principal gets from one URL pattern.

    ``get`` and ``post`` map a principal's name (or ``"*"`` for everyone not
    named) to an expectation; the insider, not named, gets the site
    administrator's. ``post`` is for routes that change things; it is
    sent with ``post_data`` and each principal starts from a fresh world.
    """

    name: str
    get: dict[str, Expect]
    kwargs: Callable[[World], dict[str, Any]] = _no_kwargs
    post: dict[str, Expect] | None = None
    post_data: Callable[[World], dict[str, Any]] = _no_data
    query: str = ""
    notes: str = field(default="", repr=False)

    def expectation(self, method: str, principal: str) -> Expect:
        table = self.get if method == "get" else self.post
        assert table is not None
        if principal in table:
            return table[principal]
        if principal == "insider" and "site_admin" in table:
            return table["site_admin"]  # a site administrator too (tests/world.py)
        if "*" in table:
            return table["*"]
        raise AssertionError(f"{self.name}: no {method.upper()} expectation for {principal}")


def everyone(expect: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {"*": expect, **overrides}


def signed_in(expect: Expect, **overrides: Expect) -> dict[str, Expect]:
    """Anonymous visitors are sent to sign in; everyone else gets ``expect``."""
    return {"anonymous": LOGIN, "*": expect, **overrides}


def all_routes() -> list[Route]:
    import tests

    routes: list[Route] = []
    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if module_info.name.endswith(".authz") and module_info.name != "tests.authz":
            routes.extend(importlib.import_module(module_info.name).ROUTES)
    return routes


def check_principals(route: Route) -> None:
    for method, table in (("get", route.get), ("post", route.post)):
        if table is None:
            continue
        unknown = set(table) - {*PRINCIPALS, "*"}
        assert not unknown, f"{route.name}: unknown principals {unknown}"
        for principal in PRINCIPALS:
            route.expectation(method, principal)
