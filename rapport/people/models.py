"""People, the schools they work in, and the roles they hold there.

A person may hold several roles (a coach lead who also coaches; a coach who
serves two schools). Roles never grant access to coaching content by
themselves: only membership of a relationship does (see rapport.privacy.policy).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class District(models.Model):
    name = models.CharField(max_length=200)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="school_name_unique_in_district")
        ]

    def __str__(self) -> str:
        return self.name


def short_name(full_name: str, email: str) -> str:
    """What a page calls a person in a sentence: their first name, or their email when they gave no name."""
    return full_name.split(" ")[0] if full_name else email


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: coaches, teachers, leaders, administrators."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    sourced_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, help_text="Identifier from the roster source."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the site administration.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return short_name(self.full_name, self.email)

    @cached_property
    def role_kinds(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("kind", flat=True))

    def has_role(self, kind: str) -> bool:
        return kind in self.role_kinds

    @property
    def is_coach(self) -> bool:
        return Role.Kind.COACH in self.role_kinds

    @property
    def is_teacher(self) -> bool:
        return Role.Kind.TEACHER in self.role_kinds

    @property
    def is_leader(self) -> bool:
        return bool({Role.Kind.SCHOOL_LEADER, Role.Kind.DISTRICT_LEADER} & self.role_kinds)

    @property
    def is_coach_lead(self) -> bool:
        return Role.Kind.COACH_LEAD in self.role_kinds

    @property
    def is_site_admin(self) -> bool:
        return Role.Kind.SITE_ADMIN in self.role_kinds


class Role(models.Model):
    class Kind(models.TextChoices):
        COACH = "coach", "Coach"
        TEACHER = "teacher", "Teacher"
        SCHOOL_LEADER = "school_leader", "School leader"
        DISTRICT_LEADER = "district_leader", "District leader"
        COACH_LEAD = "coach_lead", "Coach lead"
        SITE_ADMIN = "site_admin", "Site administrator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="roles")
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "school"],
                condition=models.Q(school__isnull=False),
                name="role_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "district"],
                condition=models.Q(school__isnull=True),
                name="role_unique_per_district",
            ),
        ]

    def __str__(self) -> str:
        where = self.school or self.district
        return f"{self.get_kind_display()} at {where}"


# Roles held across a whole district: they carry no school.
DISTRICT_WIDE_KINDS = frozenset({Role.Kind.DISTRICT_LEADER, Role.Kind.COACH_LEAD, Role.Kind.SITE_ADMIN})


class CoachLeadAssignment(models.Model):
    """A coach lead coaches this coach (never evaluates them)."""

    coach_lead = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coaches_led")
    coach = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coach_lead_assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_lead", "coach"], name="coach_lead_unique")]

    def __str__(self) -> str:
        return f"{self.coach_lead} leads {self.coach}"


class ImportRun(models.Model):
    """One roster upload and what became of it, for the run page and the history.

    An upload is first previewed (queued, running, previewed): nothing is written
    until an administrator confirms it (``confirmed``), when it runs again and
    imports (succeeded or failed), or discards it (discarded). The uploaded
    file's bytes wait in ``upload`` only until then, and are dropped: a roster is
    not coaching content, but there is no reason to keep a copy of it.
    """

    class Format(models.TextChoices):
        ONEROSTER = "oneroster", "OneRoster CSV"
        CSV = "csv", "Plain CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PREVIEWED = "previewed", "Ready to import"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the job queue (the preview, then the import once confirmed).
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    format = models.CharField(
        max_length=10, choices=Format.choices, blank=True, help_text="Empty until detected from the file."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    confirmed = models.BooleanField(default=False, help_text="The administrator asked to import the preview.")
    stage = models.CharField(max_length=10, blank=True, help_text="What a running import is doing.")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    upload = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        """Still queued or running: the run page keeps polling."""
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def waiting_for_a_worker(self) -> bool:
        """Queued a while ago and still not started: no background worker has picked it up."""
        from rapport.operations.workers import waiting_too_long

        return self.status == self.Status.QUEUED and waiting_too_long(self.queued_at)
