"""manage.py backup PATH: a consistent archive of the database and media (never the keys)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.operations.backup import KEYS_WARNING, BackupError, create_backup


class Command(BaseCommand):
    help = "Write a consistent backup (database + local media) to PATH. The encryption keys are left out."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the archive, e.g. backups/rapport.tar.gz")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = "with media" if manifest["media"] else "no local media"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of the {manifest['engine']} database ({media}) written to {options['path']}."
            )
        )
        self.stderr.write(self.style.WARNING(KEYS_WARNING))
