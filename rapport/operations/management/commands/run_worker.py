"""``manage.py run_worker``: the background worker, started as production starts it.

django-rq's ``rqworker`` runs no system checks, so a worker started with a mail setting that
writes every email to the log (``operations.E001``) would send appreciations and summaries
there while gunicorn refused to start. This command runs the same start-up checks as
``rapport.wsgi`` first, then django-rq's worker with the job class Django's task framework
needs, on the ``default`` queue unless queues are named. Every ``rqworker`` option still works.
"""

from __future__ import annotations

from typing import Any

from django_rq.management.commands.rqworker import Command as RQWorkerCommand

from rapport.operations.checks import start_up_checks

TASKS_JOB_CLASS = "django_tasks_rq.Job"


class Command(RQWorkerCommand):
    help = "Run the background worker (after the same start-up checks as the web process)."

    def handle(self, *args: str, **options: Any) -> None:
        start_up_checks()
        options["job_class"] = options.get("job_class") or TASKS_JOB_CLASS
        super().handle(*(args or ("default",)), **options)
