"""Run daily (cron, or any scheduler): export files are deleted after their retention time."""

from django.core.management.base import BaseCommand

from rapport.insights.actions import delete_expired_exports


class Command(BaseCommand):
    help = "Delete export files older than RAPPORT_EXPORT_RETENTION_HOURS."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Deleted {delete_expired_exports()} expired export(s).")
