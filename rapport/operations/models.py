"""What the operations of a district installation keep in the database."""

from __future__ import annotations

from django.db import models


class CompletedJob(models.Model):
    """A background job that has done its work, by its unique key.

    Redis may deliver a job twice (a worker killed after the work but before
    it acknowledged the job is re-run). A task wraps its work in
    ``rapport.operations.jobs.run_once`` with a key naming what it does
    (``"followup-email:session:42"``); the key is written in the same
    transaction as the work, so the second delivery finds it and does nothing.
    """

    key = models.CharField(max_length=200, unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return self.key
