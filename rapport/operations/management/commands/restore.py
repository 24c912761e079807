"""manage.py restore PATH: bring a backup back (refuses a non-empty database without --force)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.operations.backup import KEYS_WARNING, BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database and media folder. "
        "The database is replaced all or nothing; the local media folder is left holding exactly the "
        "backup's files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds data."
        )

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["path"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        removed = (
            f" ({result.media_removed} media files not in the backup were removed)"
            if result.media_removed
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {result.engine} database and {result.media_files} media files "
                f"from {options['path']}{removed}."
            )
        )
        if result.migrations_to_apply:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup is from an earlier version of Rapport: run `manage.py migrate` now "
                    f"to apply this version's {result.migrations_to_apply} newer migrations, before "
                    "anyone signs in."
                )
            )
        self.stderr.write(
            "Reminder: " + KEYS_WARNING + " Set the same RAPPORT_ENCRYPTION_KEYS the backup was written with."
        )
