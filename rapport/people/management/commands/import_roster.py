from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.people import roster
from rapport.people.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import people, schools and roles from a OneRoster 1.1 CSV folder or zip, or from a plain CSV "
        "(docs/roster-import.md). A file with any problem imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A OneRoster folder or .zip, or a plain .csv file.")
        parser.add_argument(
            "--format",
            choices=ImportRun.Format.values,
            default="",
            help="Default: a folder or zip is OneRoster, a .csv file is a plain CSV.",
        )

    def handle(self, *args, path: Path, format: str, **options):
        try:
            summary = roster.import_roster(roster.source_from_path(path), format)
        except roster.RosterInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            count = len(invalid.errors)
            raise CommandError(f"Nothing was imported: {count} problem{'s' if count != 1 else ''}.") from None
        self.stdout.write(f"Imported {path.name} ({ImportRun.Format(summary.format).label}).")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
