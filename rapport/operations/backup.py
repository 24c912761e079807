"""Consistent backups of a Rapport installation, and bringing one back.

An archive is a gzipped tar with:

* ``manifest.json``: format version, database engine, when, Rapport's migrations;
* the database: on SQLite a copy made with SQLite's online backup API
  (``database.sqlite3``, a consistent snapshot even while requests write); on
  PostgreSQL a ``pg_dump`` custom-format dump (``database.pgdump``; pg_dump
  reads in one repeatable-read snapshot);
* ``media/``: uploaded files, when media are on the local disk. Media on
  S3-compatible storage are backed up by the bucket's own versioning.

The encryption keys are deliberately **not** in the archive: confidential text in
a backup stays unreadable without them, so keys are kept (and backed up)
separately. Restore refuses to overwrite a database that holds any rows unless
forced.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEYS_WARNING = (
    "The encryption keys (RAPPORT_ENCRYPTION_KEYS) are NOT in this backup, on purpose. "
    "Keep them somewhere else: without them the confidential text in the backup cannot be read."
)
MEDIA_IN_BUCKET_NOTICE = (
    "Media files are NOT in this backup: they are in the S3-compatible bucket (RAPPORT_MEDIA_BUCKET). "
    "Keep versioning on for that bucket: its versions are the media backup."
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason in words."""


@dataclass
class RestoreResult:
    engine: str
    media_files: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _run_pg_tool(name: str, *args: str) -> None:
    # Arguments are the configured database's own settings and our temporary paths.
    result = subprocess.run(  # noqa: S603
        [_pg_tool(name), *args], env=_pg_env(), check=False, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()}")


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    return [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
    ]


def local_media_root() -> Path | None:
    """The media folder, or None when media are in an S3-compatible bucket (not backed up here)."""
    from django.core.files.storage import FileSystemStorage, default_storage

    if isinstance(default_storage, FileSystemStorage):
        return Path(settings.MEDIA_ROOT)
    return None


def _dump_database(engine: str, folder: Path) -> Path:
    if engine == "sqlite":
        target = folder / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return target
    target = folder / PG_FILE
    _run_pg_tool(
        "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *_pg_args()
    )
    return target


def _migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def create_backup(path: Path) -> dict:
    """Write the archive at ``path``; returns its manifest."""
    engine = _engine()
    manifest = {
        "format": FORMAT_VERSION,
        "engine": engine,
        "created_at": timezone.now().isoformat(),
        "migrations": _migrations(),
        "media": False,
        "keys_included": False,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = _dump_database(engine, folder)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database, arcname=database.name)
            media_root = local_media_root()
            if media_root is not None and media_root.is_dir():
                archive.add(media_root, arcname="media")
                manifest["media"] = True
            manifest_file = folder / "manifest.json"
            manifest_file.write_text(json.dumps(manifest, indent=2))
            archive.add(manifest_file, arcname="manifest.json")
        # Only a complete archive gets the name: a backup interrupted halfway never looks finished.
        partial.replace(path)
    path.chmod(0o600)
    return manifest


def model_tables() -> list[str]:
    """Every table of an installed model (auto-created many-to-many tables included)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    existing = set(connection.introspection.table_names())
    return sorted(tables & existing)


# Tables that `migrate` fills by itself: a freshly migrated database has rows only there.
FILLED_BY_MIGRATE = {"django_content_type", "auth_permission"}


def database_is_empty() -> bool:
    """No row in any model table but those `migrate` fills (a freshly migrated database is empty)."""
    with connection.cursor() as cursor:
        for table in sorted(set(model_tables()) - FILLED_BY_MIGRATE):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return False
    return True


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds an unexpected entry: {member.name}")
    return members


def restore_backup(path: Path, *, force: bool = False) -> RestoreResult:
    """Bring the archive at ``path`` back into the configured database and media folder."""
    engine = _engine()
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if not force and not database_is_empty():
        raise BackupError("The database is not empty. Restoring would replace it: pass --force to do so.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as archive:
        folder = Path(tmp)
        archive.extractall(folder, members=_safe_members(archive), filter="data")
        manifest_file = folder / "manifest.json"
        if not manifest_file.is_file():
            raise BackupError("This is not a Rapport backup (no manifest.json).")
        manifest = json.loads(manifest_file.read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; the configured one is {engine}."
            )
        _load_database(engine, folder)
        # Content-type ids now come from the backup; forget the ones cached before.
        ContentType.objects.clear_cache()
        media_files = _restore_media(folder / "media") if manifest.get("media") else 0
    return RestoreResult(engine=engine, media_files=media_files)


def _load_database(engine: str, folder: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(folder / SQLITE_FILE)
        try:
            # The backup API replaces every page of the live database in one step.
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()
    with connection.cursor() as cursor:
        # pg_restore --clean drops only what the dump holds; tables of newer migrations go too.
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    _run_pg_tool(
        "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *_pg_args(), str(folder / PG_FILE)
    )


def _restore_media(source: Path) -> int:
    """Put the archive's media back: on local disk, or into the bucket when media are there
    now (an installation moving from one to the other keeps its files under the same names)."""
    if not source.is_dir():
        return 0
    media_root = local_media_root()
    count = 0
    for file in source.rglob("*"):
        if not file.is_file():
            continue
        name = file.relative_to(source).as_posix()
        if media_root is not None:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.read_bytes())
        else:
            from django.core.files import File
            from django.core.files.storage import default_storage

            if default_storage.exists(name):  # names are random: the same name is the same file
                continue
            with file.open("rb") as content:
                default_storage.save(name, File(content))
        count += 1
    return count
