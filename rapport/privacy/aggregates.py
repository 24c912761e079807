"""Numbers about coaching records, never the records: the door for counts.

A coach's trust indicators and a leader's report count records (sessions held,
cycles completed, appreciations sent) across relationships, the coach's private
records included, because a number says nothing a person wrote. Those counts are
read through here. What comes back is rows of ids, dates, choices and numbers:
asking for an encrypted field, or for a number computed from one, is refused, so
no free text can leave by this door. Small or all-alike groups are the report's
business (rapport/insights/reports.py hides them); this module only guarantees
that no text is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Model, Q, QuerySet

from rapport.privacy.fields import EncryptedTextField

# Whether a field is filled in is not its text: the lookups an encrypted field allows.
PRESENCE_LOOKUPS = ("__isnull", "__isblank")


class TextRefused(ValueError):
    """An aggregate asked for free text, which this door never returns."""


def rows(queryset: QuerySet[Any], *fields: str, **measures: Any) -> list[dict[str, Any]]:
    """One row per group of ``fields`` with its ``measures`` (default: how many records)."""
    _refuse_text(queryset, fields, measures.values())
    return list(queryset.values(*fields).annotate(**(measures or {"n": Count("pk")})).order_by())


def values(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    """The ``fields`` of each record, none of them free text (ids, dates, choices, numbers)."""
    _refuse_text(queryset, fields, ())
    return list(queryset.values(*fields))


def count(queryset: QuerySet[Any]) -> int:
    return queryset.count()


def _refuse_text(queryset: QuerySet[Any], fields: Iterable[str], expressions: Iterable[Any]) -> None:
    names = [*fields, *(name for expression in expressions for name in _referenced(expression))]
    for annotation in queryset.query.annotations.values():
        names += _referenced(annotation)
    for name in names:
        if _is_text(queryset.model, name):
            raise TextRefused(
                f"{queryset.model.__name__}.{name} is free text; aggregates return numbers only"
            )


def _referenced(expression: Any) -> list[str]:
    """The field names an expression reads, its filter included."""
    if isinstance(expression, F):
        return [expression.name]
    if isinstance(expression, Q):
        found: list[str] = []
        for child in expression.children:
            if isinstance(child, Q):
                found += _referenced(child)
                continue
            lookup: str = cast("tuple[str, Any]", child)[0]  # a Q's other children are (lookup, value)
            if not lookup.endswith(PRESENCE_LOOKUPS):
                found.append(lookup.split("__")[0])
        return found
    found = []
    for source in getattr(expression, "get_source_expressions", list)():
        found += _referenced(source)
    condition = getattr(expression, "filter", None)
    if condition is not None:
        found += _referenced(condition)
    return found


def _is_text(model: type[Model], name: str) -> bool:
    """Whether a field path ends on an encrypted field; names the model does not have are annotations."""
    for part in name.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if isinstance(field, EncryptedTextField):
            return True
        related = field.related_model
        if not field.is_relation or related is None or isinstance(related, str):  # str: not resolved yet
            return False
        model = related
    return False
