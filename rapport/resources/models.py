"""The district's resource library, and the resources a coach shares with a teacher.

A ``Resource`` (a link or an uploaded file, with notes and tags) is not about anyone: it is the
district's shared shelf, readable by its coaches, and it never names a teacher. Sharing one with a
teacher is a ``ResourceShare``: a coaching record of the relationship like any other, read through
the access policy, logged, in the teacher's home and export, and able to fulfil a commitment.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.privacy.fields import EncryptedTextField
from rapport.relationships.models import Comfort, RelationshipRecord


class GoalArea(models.TextChoices):
    """What a coaching goal is about: the vocabulary suggestions match a teacher's goal with."""

    DISCUSSION = "discussion", "Student talk and discussion"
    QUESTIONING = "questioning", "Questioning"
    ENGAGEMENT = "engagement", "Engagement and participation"
    COMMUNITY = "community", "Classroom community and routines"
    FEEDBACK = "feedback", "Feedback and assessment"
    DIFFERENTIATION = "differentiation", "Reaching every learner"
    READING = "reading", "Reading"
    WRITING = "writing", "Writing"
    MATH_REASONING = "math-reasoning", "Mathematical reasoning"
    TECHNOLOGY = "technology", "Technology in lessons"


class ContentArea(models.TextChoices):
    ANY = "any", "Any subject"
    ELA = "ela", "English language arts"
    MATH = "math", "Mathematics"
    SCIENCE = "science", "Science"
    SOCIAL_STUDIES = "social-studies", "Social studies"
    ARTS = "arts", "Arts and music"
    LANGUAGES = "languages", "World languages"


class GradeBand(models.TextChoices):
    ANY = "any", "Any grade"
    K_2 = "k-2", "K–2"  # noqa: RUF001
    G3_5 = "3-5", "3–5"  # noqa: RUF001
    G6_8 = "6-8", "6–8"  # noqa: RUF001
    G9_12 = "9-12", "9–12"  # noqa: RUF001


def stored_file_name(resource: Resource, filename: str) -> str:
    """A random name under ``resources/``: the person's file name is never a path on disk."""
    return f"resources/{secrets.token_urlsafe(24)}{PurePath(filename).suffix.lower()}"


class ResourceQuerySet(models.QuerySet):
    def in_library(self) -> ResourceQuerySet:
        """Not removed by its owner (a removed resource stays only for those it was shared with)."""
        return self.filter(removed_at__isnull=True)


class Resource(models.Model):
    """A link or a file a coach added to the district's library, with notes and tags.

    Plain text on purpose: a library is not confidential coaching content and is searched in
    SQL. The form says it is read by every coach of the district and must not name a teacher.
    """

    district = models.ForeignKey("people.District", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    link = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=stored_file_name, max_length=200, blank=True)
    # What the file was called and what its bytes are (checked by content, resources.files).
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, help_text="How to use it, what it is good for.")
    goal_area = models.CharField(max_length=20, choices=GoalArea.choices)
    content_area = models.CharField(max_length=20, choices=ContentArea.choices, default=ContentArea.ANY)
    grade_band = models.CharField(max_length=10, choices=GradeBand.choices, default=GradeBand.ANY)
    # Who it suits best, in the readiness profile's words; empty = anyone.
    readiness = models.PositiveSmallIntegerField(choices=Comfort.choices, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["district", "goal_area"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(link="", file=""), name="resource_has_a_link_or_a_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class ResourceShare(RelationshipRecord):
    """A resource the coach shared with the teacher: both see it, and it may keep a promise.

    Always shared (the point is that the teacher has it). ``commitment`` is the coach's open
    commitment it fulfilled, if the coach picked one.
    """

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="shares")
    note = EncryptedTextField(blank=True)
    commitment = models.ForeignKey(
        "coaching.Commitment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    record_label = "shared resource"

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["relationship", "-created_at"])]

    def __str__(self) -> str:
        return self.access_label()
