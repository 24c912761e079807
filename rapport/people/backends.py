"""Signing in and loading the signed-in person on every request."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from rapport.people.models import Role, User


class _CommaList(Aggregate):
    """The values of a column joined with commas (GROUP_CONCAT; STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


class RolesWithUserBackend(ModelBackend):
    """Loads the person together with their role kinds, in one query.

    Every page asks for the roles (navigation, home); without this each request
    made a second query for them. The roles are still read fresh on every
    request, so a role taken away counts at once.
    """

    def get_user(self, user_id):
        kinds = (
            Role.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(kinds=_CommaList("kind"))
            .values("kinds")
        )
        user = User._default_manager.annotate(role_kind_list=Subquery(kinds)).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user.__dict__["role_kinds"] = frozenset(filter(None, (user.role_kind_list or "").split(",")))
        return user
