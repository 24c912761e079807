import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from redis.exceptions import RedisError

from rapport.coaching.tasks import enqueue_reminders


class Command(BaseCommand):
    help = "Enqueue reminder emails for tomorrow's sessions (safe to run as often as you like)."

    def handle(self, *args, **options):
        try:
            count = len(enqueue_reminders(timezone.localdate() + datetime.timedelta(days=1)))
        except RedisError as error:
            raise CommandError(
                f"The job queue could not be reached ({error}). Run this again once it answers: "
                "reminders already queued are not sent twice."
            ) from error
        self.stdout.write(f"Enqueued {count} session reminder{'' if count == 1 else 's'}.")
