from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.people.models import ImportRun
from rapport.roster import importer


class Command(BaseCommand):
    help = (
        "Import people, schools and roles from a OneRoster 1.1 or 1.2 CSV folder or zip, or from a plain CSV "
        "(docs/roster-import.md). Rows that cannot be used are skipped and listed; --dry-run writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A OneRoster folder or .zip, or a plain .csv file.")
        parser.add_argument(
            "--format",
            choices=ImportRun.Format.values,
            default="",
            help="Default: a folder or zip is OneRoster, a .csv file is a plain CSV.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created, updated, deactivated and skipped, and write nothing.",
        )

    def handle(self, *args, path: Path, format: str, dry_run: bool, **options):
        try:
            summary = importer.import_roster(importer.source_from_path(path), format, dry_run=dry_run)
        except importer.RosterInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            count = len(invalid.errors)
            raise CommandError(f"Nothing was imported: {count} problem{'s' if count != 1 else ''}.") from None
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(f"{verb} {path.name} ({summary.described}).")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        for title, groups in (("Good to know", summary.notes), ("Skipped", summary.skipped)):
            if groups:
                self.stdout.write(f"{title}:")
            for group in groups:
                lines = importer.group_lines(group, shown=len(group["lines"]))
                self.stdout.write(f"  {lines}: {group['reason']}")
        if dry_run:
            self.stdout.write("Nothing was written (--dry-run).")
