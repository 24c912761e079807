"""Model fields whose contents are encrypted before they reach the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType  # SQL and its parameters, in django-stubs only

from rapport.privacy import encryption


# TextField and Lookup are generic only in django-stubs: subscripting them fails at run time.
class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest. Cannot be searched or ordered by in SQL, by design.

    Every field of this class is confidential: the sentinel test finds them all
    and proves that none of them leaks.
    """

    description = "Encrypted text"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return encryption.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(value)

    def get_lookup(self, lookup_name: str) -> type[models.Lookup[Any]] | None:
        # Only presence tests make sense on ciphertext; anything else would
        # silently compare against tokens and always miss.
        if lookup_name not in ("isnull", "isblank"):
            return None
        return super().get_lookup(lookup_name)


@EncryptedTextField.register_lookup
class IsBlank(models.Lookup):  # type: ignore[type-arg]
    """``field__isblank=True``: the field is empty. An empty value is stored as is, never encrypted."""

    lookup_name = "isblank"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> _AsSqlType:
        return "%s", []

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        column, params = compiler.compile(self.lhs)
        operator = "=" if self.rhs else "<>"
        return f"COALESCE({column}, '') {operator} ''", params


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted field of every installed model."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def encrypted_fields_except(model: type[models.Model], *shown: str) -> list[str]:
    """The names of the model's encrypted fields, but for ``shown``: what a page that lists records
    without their text (a session's time, a visit's date) defers, so that it decrypts only what it
    shows."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.name not in shown
    ]
