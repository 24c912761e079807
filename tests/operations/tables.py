"""A fingerprint of every model table: row count and a hash of the rows' stored bytes."""

from __future__ import annotations

import hashlib

from django.db import connection

from rapport.operations.backup import model_tables


def table_fingerprints() -> dict[str, tuple[int, str]]:
    fingerprints = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            fingerprints[table] = (len(rows), digest)
    return fingerprints
