"""Signing in and loading the signed-in person on every request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest

from rapport.people.models import Role, User


class _CommaList(Aggregate):
    """The values of a column joined with commas (GROUP_CONCAT; STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Sequence[Any]]:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


class RolesWithUserBackend(ModelBackend):
    """Loads the person together with their role kinds, in one query.

    Every page asks for the roles (navigation, home); without this each request
    made a second query for them. The roles are still read fresh on every
    request, so a role taken away counts at once.

    The query is the same on every request but for the id, and building it with
    the ORM cost more than running it (about 0.5 ms a request), so its SQL is
    built once per database and run as a raw query.
    """

    _sql_by_database: dict[tuple[str, str], str] = {}  # (alias, vendor): GROUP_CONCAT or STRING_AGG

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # With password sign-in off, no form anywhere (the administration's included) takes one.
        if not settings.RAPPORT_PASSWORD_SIGN_IN:
            return None
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id: Any) -> User | None:
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        database = router.db_for_read(User)
        user = next(iter(User._default_manager.raw(self._sql(database), [user_id]).using(database)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        # role_kind_list is the raw query's extra column (_sql below), unknown to the model.
        role_kind_list: str | None = getattr(user, "role_kind_list", None)
        user.__dict__["role_kinds"] = frozenset(filter(None, (role_kind_list or "").split(",")))
        return user

    @classmethod
    def _sql(cls, database: str) -> str:
        key = (database, connections[database].vendor)
        if key not in cls._sql_by_database:
            kinds = (
                Role.objects.filter(user=OuterRef("pk"))
                .order_by()
                .values("user")
                .annotate(kinds=_CommaList("kind"))
                .values("kinds")
            )
            query = (
                User._default_manager.using(database)
                .annotate(role_kind_list=Subquery(kinds))
                .filter(pk=_ANY_ID)
                .order_by()
            )
            sql, params = query.query.sql_with_params()
            if tuple(params) != (_ANY_ID,):  # the id must be the query's only parameter
                raise ImproperlyConfigured(f"Unexpected parameters in the user query: {params!r}")
            cls._sql_by_database[key] = sql
        return cls._sql_by_database[key]


_ANY_ID = -7351  # stands for the id while the SQL is built; never a real user's
