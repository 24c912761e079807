"""Coaching relationships and the records that belong to them.

A relationship is one coach and one teacher (or two peers). It is the unit of
confidentiality: every coaching record belongs to exactly one relationship and
carries a visibility. Who may read what is decided in rapport.privacy.policy,
never here and never in a view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.privacy.fields import EncryptedTextField


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private — only the author"
    SHARED = "shared", "Shared — both of us"
    RELEASED = "released", "Released — the teacher released it to named leaders"


class RelationshipQuerySet(models.QuerySet):
    def active(self) -> RelationshipQuerySet:
        return self.filter(ended_on__isnull=True)


class Relationship(models.Model):
    class Kind(models.TextChoices):
        COACHING = "coaching", "Coaching"
        PEER = "peer", "Peer coaching"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COACHING)
    # In a peer relationship both people are teachers with the same rights; the
    # fields keep their names and the policy treats both sides alike.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_relationships"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coachee_relationships"
    )
    school = models.ForeignKey("people.School", on_delete=models.PROTECT, related_name="relationships")
    focus = models.CharField(
        max_length=100, blank=True, help_text="What this coaching is about, e.g. literacy or math."
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    last_contact_at = models.DateTimeField(
        null=True, blank=True, help_text="Kept up to date by every kind of contact, for coverage."
    )

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["teacher__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "teacher", "focus"],
                condition=models.Q(ended_on__isnull=True),
                name="one_active_relationship_per_focus",
            ),
            models.CheckConstraint(condition=~models.Q(coach=models.F("teacher")), name="no_self_coaching"),
        ]

    def __str__(self) -> str:
        return f"{self.coach} & {self.teacher}" + (f" ({self.focus})" if self.focus else "")

    @property
    def is_peer(self) -> bool:
        return self.kind == self.Kind.PEER

    def member_ids(self) -> set[int]:
        return {self.coach_id, self.teacher_id}

    def is_member(self, user) -> bool:
        return user.pk in self.member_ids()

    def acts_as_coach(self, user) -> bool:
        """May write coach-side records (private notes about the other person)."""
        return user.pk == self.coach_id or (self.is_peer and user.pk == self.teacher_id)

    def acts_as_teacher(self, user) -> bool:
        """Is the person the records are about: may release them, sees the access log."""
        return user.pk == self.teacher_id or (self.is_peer and user.pk == self.coach_id)

    def other_member(self, user):
        return self.teacher if user.pk == self.coach_id else self.coach


class RelationshipRecord(models.Model):
    """Base of every confidential record: it belongs to a relationship and has a visibility."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Shown in the access log instead of any content: a label must never carry
    # confidential text.
    record_label = "record"

    class Meta:
        abstract = True

    def access_label(self) -> str:
        return f"{self.record_label} #{self.pk}"


class Note(RelationshipRecord):
    """A note a coach writes about the teacher: private unless shared with them."""

    body = EncryptedTextField()

    record_label = "note"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["relationship", "-created_at"])]

    def __str__(self) -> str:
        # Never the body: a record's string form can end up in logs and admin pages.
        return self.access_label()
