"""manage.py backup PATH: a consistent archive of the database and media (never the keys)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.operations.backup import (
    KEYS_WARNING,
    MEDIA_IN_BUCKET_NOTICE,
    BackupError,
    create_backup,
    local_media_root,
)


class Command(BaseCommand):
    help = "Write a consistent backup (database + local media) to PATH. The encryption keys are left out."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the archive, e.g. backups/rapport.tar.gz")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        in_bucket = local_media_root() is None
        media = "media in the bucket, not in the archive" if in_bucket else "with media"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of the {manifest['engine']} database ({media}) written to {options['path']}."
            )
        )
        if in_bucket:
            self.stderr.write(self.style.WARNING(MEDIA_IN_BUCKET_NOTICE))
        self.stderr.write(self.style.WARNING(KEYS_WARNING))
