"""Consistent backups of a Rapport installation, and bringing one back.

An archive is a gzipped tar with:

* ``manifest.json``: format version, database engine, when, Rapport's migrations;
* the database: on SQLite a copy made with SQLite's online backup API
  (``database.sqlite3``, a consistent snapshot even while requests write); on
  PostgreSQL a ``pg_dump`` custom-format dump (``database.pgdump``; pg_dump
  reads in one repeatable-read snapshot);
* ``media/``: uploaded files, when media are on the local disk (the folder is in
  the archive even when it is empty). Media on S3-compatible storage are backed
  up by the bucket's own versioning.

The encryption keys are deliberately **not** in the archive: confidential text in
a backup stays unreadable without them, so keys are kept (and backed up)
separately.

Restore refuses to overwrite a database that holds any rows unless forced. It
replaces the database all or nothing: everything in the archive is checked and
read before the database is touched, and the replacement is one transaction
(SQLite: one step of the backup API; PostgreSQL: the dropping of the old tables
and the whole dump in one ``psql --single-transaction``), so a restore that
fails leaves the database as it was. Then the local media folder is made to
hold exactly the archive's files: files the archive lacks are removed, so
nothing uploaded after the backup outlives the rows that pointed at it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_FOLDER = "media"
KEYS_WARNING = (
    "The encryption keys (RAPPORT_ENCRYPTION_KEYS) are NOT in this backup, on purpose. "
    "Keep them somewhere else: without them the confidential text in the backup cannot be read."
)
MEDIA_IN_BUCKET_NOTICE = (
    "Media files are NOT in this backup: they are in the S3-compatible bucket (RAPPORT_MEDIA_BUCKET). "
    "Keep versioning on for that bucket: its versions are the media backup."
)
UNCHANGED = "The database was not changed."


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason in words."""


@dataclass
class RestoreResult:
    engine: str
    media_files: int
    media_removed: int
    migrations_to_apply: int  # this version's migrations the backup predates


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


def _run_pg_tool(name: str, *args: str, failed: str = "") -> None:
    """Run a PostgreSQL client tool; if it fails, raise ``failed`` (or "<name> failed") and its words."""
    # Arguments are the configured database's own settings and our temporary paths.
    result = subprocess.run(  # noqa: S603
        [_pg_tool(name), *args], env=_pg_env(), check=False, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{failed or f'{name} failed.'} {name} said: {result.stderr.strip()}")


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
    # Uncompressed: the archive is gzipped as a whole, compressing the dump first only costs time.
    _run_pg_tool(
        "pg_dump",
        "--format=custom",
        "--compress=0",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(target),
        *_pg_args(),
    )
    return target


def _migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _code_migrations() -> set[str]:
    """Every migration this version of Rapport (and the apps it installs) ships."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _refuse_a_newer_schema(manifest: dict) -> None:
    """A backup made by a newer Rapport has tables and columns this version does not know."""
    newer = sorted(set(manifest.get("migrations", [])) - _code_migrations())
    if newer:
        shown = ", ".join(newer[:5]) + (f" and {len(newer) - 5} more" if len(newer) > 5 else "")
        raise BackupError(
            f"This backup was made by a newer version of Rapport: its database has migrations this "
            f"version does not know ({shown}). Install that version or a later one, then restore. "
            + UNCHANGED
        )


def _migrations_to_apply() -> int:
    """This version's migrations the (restored) database has not had: ``migrate`` applies them."""
    return len(_code_migrations() - set(_migrations()))


def _add_media(archive: tarfile.TarFile, media_root: Path) -> None:
    if media_root.is_dir():
        archive.add(media_root, arcname=MEDIA_FOLDER)
        return
    # No folder yet means no media: the archive still says so, and a restore empties the folder.
    empty = tarfile.TarInfo(MEDIA_FOLDER)
    empty.type = tarfile.DIRTYPE
    empty.mode = 0o755
    archive.addfile(empty)


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
            if media_root is not None:
                _add_media(archive, media_root)
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


def _extract(path: Path, folder: Path) -> None:
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(folder, members=_safe_members(archive), filter="data")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{path} cannot be read: it is damaged or not a backup ({error}).") from error


def _read_manifest(folder: Path, engine: str) -> dict:
    manifest_file = folder / "manifest.json"
    if not manifest_file.is_file():
        raise BackupError("This is not a Rapport backup (no manifest.json).")
    try:
        manifest = json.loads(manifest_file.read_text())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"The backup's manifest.json is damaged ({error}).") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if manifest.get("engine") != engine:
        raise BackupError(
            f"This backup is of a {manifest.get('engine')} database; the configured one is {engine}."
        )
    database = folder / (SQLITE_FILE if engine == "sqlite" else PG_FILE)
    if not database.is_file():
        raise BackupError(f"The backup holds no database ({database.name} is missing).")
    if manifest.get("media") and not (folder / MEDIA_FOLDER).is_dir():
        raise BackupError(f"The backup's manifest lists media, but it holds no {MEDIA_FOLDER}/ folder.")
    return manifest


def _check_media_root(media_root: Path, archive: Path) -> None:
    """Restore removes what the archive lacks from the media folder: it must be a folder of its own."""
    if not str(settings.MEDIA_ROOT):
        raise BackupError(f"MEDIA_ROOT is not set, so there is no media folder to restore into. {UNCHANGED}")
    root = media_root.resolve()
    code = Path(settings.BASE_DIR).resolve()
    if root == code or root in code.parents:
        raise BackupError(
            f"The media folder {root} holds Rapport's own code. Restore makes the media folder hold "
            f"exactly the backup's files, so it must be a folder of its own (MEDIA_ROOT). {UNCHANGED}"
        )
    if root in archive.resolve().parents:
        raise BackupError(
            f"The backup is inside the media folder {root}, which restore replaces: move it out first. "
            + UNCHANGED
        )


def restore_backup(path: Path, *, force: bool = False) -> RestoreResult:
    """Bring the archive at ``path`` back into the configured database and media folder.

    The database is replaced all or nothing (see the module's docstring). Then, when the archive
    holds media (it does whenever they were on the local disk) and media are on the local disk,
    the media folder (MEDIA_ROOT, and nothing outside it) is made to hold exactly the archive's
    files and folders: files uploaded after the backup are removed, as the rows that named them
    are gone. With media in a bucket now, the archive's files are added and nothing is removed:
    the bucket's versions are its backup, and restore never deletes there.
    """
    engine = _engine()
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if not force and not database_is_empty():
        raise BackupError("The database is not empty. Restoring would replace it: pass --force to do so.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _extract(path, folder)
        manifest = _read_manifest(folder, engine)
        _refuse_a_newer_schema(manifest)
        media_root = local_media_root()
        if manifest.get("media") and media_root is not None:
            _check_media_root(media_root, path)
        _load_database(engine, folder)
        migrations_to_apply = _migrations_to_apply()
        # Content-type ids now come from the backup; forget the ones cached before.
        ContentType.objects.clear_cache()
        copied, removed = (
            _restore_media(folder / MEDIA_FOLDER, media_root) if manifest.get("media") else (0, 0)
        )
    return RestoreResult(
        engine=engine, media_files=copied, media_removed=removed, migrations_to_apply=migrations_to_apply
    )


def _restore_media(source: Path, media_root: Path | None) -> tuple[int, int]:
    """Files copied and files removed."""
    try:
        if media_root is not None:
            return _mirror_media(source, media_root)
        return _add_media_to_bucket(source), 0
    except OSError as error:
        raise BackupError(
            f"The database was restored, but putting the media files back failed: {error}. "
            "Restore again (with --force) once that is fixed."
        ) from error


def _load_database(engine: str, folder: Path) -> None:
    if engine == "sqlite":
        _load_sqlite(folder / SQLITE_FILE)
    else:
        _load_postgresql(folder / PG_FILE, folder)


def _load_sqlite(database: Path) -> None:
    source = sqlite3.connect(database)
    try:
        # The backup API copies pages as they are, damaged or not: check them first.
        found = "\n".join(row[0] for row in source.execute("PRAGMA quick_check"))
        if found != "ok":
            first = "; ".join(found.splitlines()[:3])
            raise BackupError(f"The database in the backup is damaged (SQLite found: {first}). {UNCHANGED}")
        connection.ensure_connection()
        # One step of the backup API replaces every page of the live database in one write
        # transaction; if it fails, SQLite rolls that transaction back and the old database stays.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The backup's database could not be restored ({error}). {UNCHANGED}") from error
    finally:
        source.close()


def _load_postgresql(dump: Path, folder: Path) -> None:
    # The whole dump becomes an SQL script first: a damaged dump fails here, before anything changes.
    script = folder / "restore.sql"
    _run_pg_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--file",
        str(script),
        str(dump),
        failed=f"The database dump in the backup cannot be read. {UNCHANGED}",
    )
    # pg_restore --clean drops only what the dump holds; tables of newer migrations must go too.
    drops = folder / "drop.sql"
    tables = [connection.ops.quote_name(table) for table in connection.introspection.table_names()]
    drops.write_text(
        "SET client_min_messages = warning;\n"
        + "".join(f"DROP TABLE IF EXISTS {table} CASCADE;\n" for table in tables)
    )
    connection.close()
    # One transaction for the drops and the whole script: on any error psql rolls it all back.
    _run_pg_tool(
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set",
        "ON_ERROR_STOP=1",
        "--file",
        str(drops),
        "--file",
        str(script),
        *_pg_args(),
        failed=f"The restore failed and was rolled back. {UNCHANGED}",
    )


def _mirror_media(source: Path, media_root: Path) -> tuple[int, int]:
    """Make ``media_root`` hold exactly the files and folders under ``source``.

    Returns how many files were copied and how many were removed. Only paths inside
    ``media_root`` are removed; a symbolic link there is removed as a link, never followed.
    """
    files = {path.relative_to(source) for path in source.rglob("*") if path.is_file()}
    folders = {path.relative_to(source) for path in source.rglob("*") if path.is_dir()}
    media_root.mkdir(parents=True, exist_ok=True)
    removed = 0
    # Bottom-up, so a folder is empty of what the archive lacks by the time it is looked at.
    for here, subfolders, names in os.walk(media_root, topdown=False):
        for name in names:
            path = Path(here, name)
            if path.relative_to(media_root) not in files:
                path.unlink()
                removed += 1
        for name in subfolders:
            path = Path(here, name)
            if path.relative_to(media_root) in folders:
                continue
            if path.is_symlink():
                path.unlink()
                removed += 1
            else:
                path.rmdir()
    for folder in sorted(folders):
        (media_root / folder).mkdir(parents=True, exist_ok=True)
    for relative in files:
        shutil.copyfile(source / relative, media_root / relative)
    return len(files), removed


def _add_media_to_bucket(source: Path) -> int:
    """Put the archive's media into the bucket, when media are there now (an installation moving
    from local disk to a bucket keeps its files under the same names)."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    count = 0
    for file in source.rglob("*"):
        if not file.is_file():
            continue
        name = file.relative_to(source).as_posix()
        if default_storage.exists(name):  # names are random: the same name is the same file
            continue
        with file.open("rb") as content:
            default_storage.save(name, File(content))
        count += 1
    return count
