import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from rapport.coaching.tasks import enqueue_reminders


class Command(BaseCommand):
    help = "Enqueue reminder emails for tomorrow's sessions (safe to run as often as you like)."

    def handle(self, *args, **options):
        count = len(enqueue_reminders(timezone.localdate() + datetime.timedelta(days=1)))
        self.stdout.write(f"Enqueued {count} session reminder{'' if count == 1 else 's'}.")
