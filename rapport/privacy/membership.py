"""Who belongs to a relationship, and whose a record is, are fixed in the database too.

The models refuse such a change (``models.FixedFields``); these triggers refuse it for
whatever writes to the database without them: raw SQL, a shell, a future bug. On SQLite and
PostgreSQL an UPDATE that changes a relationship's coach, teacher or kind, or a record's
relationship or author, fails with an integrity error.

The triggers are made by the migration ``relationships.0006_membership_is_fixed`` and made
again after every ``migrate`` (``ensure_triggers``, on ``post_migrate``): SQLite drops a table's
triggers when a later migration rebuilds that table, and a record model added later gets its
trigger without anyone remembering to write one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db import models as django_models
from django.db.backends.base.base import BaseDatabaseWrapper

RELATIONSHIP_TABLE = "relationships_relationship"
RELATIONSHIP_COLUMNS = ("coach_id", "teacher_id", "kind")
RECORD_COLUMNS = ("relationship_id", "author_id")
RELATIONSHIP_MESSAGE = "a relationship's coach, teacher and kind cannot change: end it and start a new one"
RECORD_MESSAGE = "a coaching record's relationship and author cannot change"
# PostgreSQL: one function per message, shared by every table's trigger.
PG_FUNCTIONS = {
    RELATIONSHIP_TABLE: ("rapport_relationship_members_fixed", RELATIONSHIP_COLUMNS, RELATIONSHIP_MESSAGE),
    "record": ("rapport_record_owner_fixed", RECORD_COLUMNS, RECORD_MESSAGE),
}


def trigger_name(table: str) -> str:
    return f"{table}_fixed_members"


def _changed(columns: Iterable[str], distinct: str) -> str:
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


def _quote(message: str) -> str:
    return "'" + message.replace("'", "''") + "'"


def sqlite_statements(table: str, columns: tuple[str, ...], message: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(table)}" BEFORE UPDATE ON "{table}" FOR EACH ROW '
        f"WHEN {_changed(columns, 'IS NOT')} BEGIN SELECT RAISE(ABORT, {_quote(message)}); END"
    ]


def postgresql_function(name: str, columns: tuple[str, ...], message: str) -> str:
    # SQLSTATE 23000 (integrity_constraint_violation): Django raises IntegrityError, as on SQLite.
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF {_changed(columns, 'IS DISTINCT FROM')} THEN "
        f"RAISE EXCEPTION {_quote(message)} USING ERRCODE = '23000'; END IF; RETURN NEW; END $$"
    )


def postgresql_statements(table: str, function: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"',
        f'CREATE TRIGGER "{trigger_name(table)}" BEFORE UPDATE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def statements(vendor: str, record_tables: Iterable[str]) -> list[str]:
    """The SQL that fixes membership on the relationship table and on each record table."""
    tables = [(RELATIONSHIP_TABLE, RELATIONSHIP_TABLE), *((table, "record") for table in record_tables)]
    if vendor == "sqlite":
        return [
            sql
            for table, kind in tables
            for sql in sqlite_statements(table, PG_FUNCTIONS[kind][1], PG_FUNCTIONS[kind][2])
        ]
    if vendor == "postgresql":
        functions = [postgresql_function(*spec) for spec in PG_FUNCTIONS.values()]
        return functions + [
            sql for table, kind in tables for sql in postgresql_statements(table, PG_FUNCTIONS[kind][0])
        ]
    return []  # another database: the models still refuse the change


def drop_statements(vendor: str, record_tables: Iterable[str]) -> list[str]:
    tables = [RELATIONSHIP_TABLE, *record_tables]
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{trigger_name(table)}"' for table in tables]
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"' for table in tables] + [
            f"DROP FUNCTION IF EXISTS {name}()" for name, _, _ in PG_FUNCTIONS.values()
        ]
    return []


def record_tables(models: Iterable[type[django_models.Model]]) -> list[str]:
    """The tables of the concrete coaching-record models among ``models``.

    Historical models (in a migration) keep no abstract base, so a record model is
    recognised by what every record has: a relationship, an author and a visibility.
    """
    tables = []
    for model in models:
        names = {field.name for field in model._meta.concrete_fields}
        if {"relationship", "author", "visibility"} <= names and model._meta.db_table != RELATIONSHIP_TABLE:
            tables.append(model._meta.db_table)
    return sorted(tables)


def install(connection: BaseDatabaseWrapper, models: Iterable[type[django_models.Model]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, record_tables(models)):
            cursor.execute(sql)


def ensure_triggers(
    sender: AppConfig, using: str = "default", apps: Apps | None = None, **kwargs: Any
) -> None:
    """``post_migrate``: (re)make every trigger, once, after the relationships app migrated."""
    from django.db import connections

    if sender.label != "relationships" or apps is None:
        return
    try:
        apps.get_model("relationships", "Relationship")
    except LookupError:
        return  # migrated backwards past the relationships app
    install(connections[using], apps.get_models())
