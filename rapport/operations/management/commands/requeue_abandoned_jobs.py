"""manage.py requeue_abandoned_jobs: after a crash, put back the jobs killed workers had taken."""

import django_rq
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from rapport.operations.jobs import requeue_abandoned


class Command(BaseCommand):
    help = (
        "Put back on the queue the jobs that killed workers had taken (started, or taken off the "
        "queue and not yet started). Safe while other workers run; every job does its work once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers-stopped",
            action="store_true",
            help="No worker is running: every started or taken job is abandoned, without waiting "
            "for heartbeats to run out.",
        )
        parser.add_argument("--queue", action="append", dest="queues", help="Queue name (default: all).")

    def handle(self, *args, **options):
        if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
            raise CommandError(
                "Jobs run inline here (RAPPORT_TASKS is not rq): there is no queue to look at."
            )
        for name in options["queues"] or list(settings.RQ_QUEUES):
            try:
                requeued = requeue_abandoned(
                    django_rq.get_queue(name), workers_stopped=options["workers_stopped"]
                )
            except RedisError as error:
                raise CommandError(f"Redis could not be reached for the queue {name!r}: {error}") from error
            self.stdout.write(f"{name}: {len(requeued)} abandoned job(s) put back on the queue.")
            for job in requeued:
                # The task's name and its record ids, never text: jobs carry no confidential text.
                self.stdout.write(f"  {job.id} {job.func_name}")
