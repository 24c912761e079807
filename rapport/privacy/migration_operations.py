"""Migration operations for fields that become encrypted."""

from __future__ import annotations

from collections.abc import Callable

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from rapport.privacy import encryption

_Rewrite = Callable[[Apps, BaseDatabaseSchemaEditor], None]


def _rewrite(
    app_label: str, model_name: str, field_names: tuple[str, ...], change: Callable[[str], str]
) -> _Rewrite:
    def rewrite(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        quote = schema_editor.connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with schema_editor.connection.cursor() as cursor:
            for name in field_names:
                column = quote(model._meta.get_field(name).column)
                # Raw SQL: the historical field already decrypts, and these values are not encrypted yet.
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
                rows = [(change(value), key) for key, value in cursor.fetchall() if value is not None]
                cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", rows)  # noqa: S608
            if schema_editor.connection.vendor == "postgresql":
                # Run the deferred foreign-key checks the updates queued now: PostgreSQL refuses
                # to alter a table with checks pending (going back, the column shrinks next).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    return rewrite


def _encrypt(value: str) -> str:
    # A value already encrypted (a migration run twice by hand) is left as it is.
    return value if value.startswith(encryption.TOKEN_PREFIX) else encryption.encrypt(value)


def _decrypt(value: str) -> str:
    return encryption.decrypt(value) if value.startswith(encryption.TOKEN_PREFIX) else value


def EncryptExistingValues(app_label: str, model_name: str, *field_names: str) -> migrations.RunPython:
    """Encrypt the values stored in clear in fields that have just become ``EncryptedTextField``.

    Put it after the ``AlterField`` (tokens are longer than the old column allowed); going back,
    it decrypts them again before the column shrinks.
    """
    return migrations.RunPython(
        _rewrite(app_label, model_name, field_names, _encrypt),
        _rewrite(app_label, model_name, field_names, _decrypt),
    )
