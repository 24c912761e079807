"""Exports (files made in the background for one person) and the coach's own reflection.

An export file holds confidential text, so it is stored encrypted with the same
keys as every confidential field, is downloadable by its owner only, and is
deleted after ``settings.RAPPORT_EXPORT_RETENTION_HOURS``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.privacy.fields import EncryptedTextField
from rapport.relationships.models import RelationshipRecord


def _expiry():
    return timezone.now() + timedelta(hours=settings.RAPPORT_EXPORT_RETENTION_HOURS)


class ExportQuerySet(models.QuerySet):
    def live(self) -> ExportQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> ExportQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class Export(models.Model):
    class Kind(models.TextChoices):
        MY_DATA = "my-data", "Everything Rapport keeps about me (ZIP)"
        CASELOAD_CSV = "caseload-csv", "My caseload (CSV)"
        CASELOAD_XLSX = "caseload-xlsx", "My caseload (Excel)"
        REPORT_CSV = "report-csv", "Coaching report (CSV)"
        REPORT_XLSX = "report-xlsx", "Coaching report (Excel)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Ids and dates only (a report's unit and months): never confidential text.
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When it was handed to the job queue: still waiting long after, no worker has picked it up.
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_expiry)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.kind}) for {self.owner_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def waiting_for_a_worker(self) -> bool:
        """Queued a while ago and still not started: no background worker has picked it up."""
        from rapport.operations.workers import waiting_too_long

        return self.status == self.Status.QUEUED and waiting_too_long(self.queued_at)


class TrustReflection(RelationshipRecord):
    """A coach's self-reflection on one relationship: the relational-trust checklist.

    Filled in from time to time; every one is kept, so the coach sees how it
    changed. Private to the coach (and, like every record, in the teacher's own
    data export).
    """

    checked = models.JSONField(default=list, help_text="Keys of the statements the coach ticked.")
    reflection = EncryptedTextField(blank=True)

    record_label = "trust reflection"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["relationship", "-created_at"])]

    def __str__(self) -> str:
        return self.access_label()
