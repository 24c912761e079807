"""Releases of records to leaders, shares with named coach leads, and the append-only access log."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Purpose(models.TextChoices):
    """Why a record was read: the why-code of an access-log entry."""

    RELATIONSHIP_PAGE = "relationship-page", "Viewed the relationship page"
    TEACHER_SPACE = "teacher-space", "Viewed in the teacher's own space"
    RELEASED_TO_LEADER = "released-to-leader", "Read by a leader it was released to"
    RELEASE = "release", "Opened to release it to a leader"
    EXPORT = "export", "Included in an export"
    API = "api", "Read through the API"
    SHARED_WITH_COACH_LEAD = "coach-lead", "Read by the coach lead it was shared with"
    SEARCH = "search", "Found in a search"
    CONSENT = "consent", "Opened to decide whether a coach lead may read it"


class ReleaseQuerySet(models.QuerySet["Release"]):
    def active(self) -> ReleaseQuerySet:
        return self.filter(revoked_at__isnull=True)


class Release(models.Model):
    """A teacher's decision to let one named leader read one shared record. Revocable."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="releases"
    )
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["leader", "content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "leader"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_release_per_leader",
            )
        ]

    def __str__(self) -> str:
        return f"release of {self.content_type.model} #{self.object_id} to {self.leader}"


class ShareEnded(models.TextChoices):
    """Why a share with a coach lead ended."""

    BY_COACH = "coach", "The coach stopped sharing"
    NO_LONGER_LEAD = "no-longer-lead", "No longer the coach's coach lead"
    TEACHER_DECLINED = "teacher-declined", "The teacher did not agree"
    TEACHER_WITHDREW = "teacher-withdrew", "The teacher withdrew their consent"


_Share = TypeVar("_Share", bound="SharedWithCoachLead")


class ShareQuerySet(models.QuerySet[_Share]):
    def open(self) -> ShareQuerySet[_Share]:
        """The shares that let their coach lead read now: the one definition the policy uses."""
        return self.filter(ended_at__isnull=True)

    def end(self, because: str) -> int:
        """End these shares for good; sharing again is a new share."""
        return self.open().update(ended_at=timezone.now(), ended_because=because)


class SharedWithCoachLead(models.Model):
    """Something a coach shares with one named coach lead, from ``shared_at`` until ``ended_at``.

    Access goes to the person in ``coach_lead``, chosen by name among the coach's coach leads
    when the coach shared; nothing is ever resolved from a role or an assignment when it is
    read. A coach-lead assignment made later never extends a share, and the end of an
    assignment ends the share for good (``privacy.signals``): adding the assignment back
    restores nothing. Ended shares are kept: they are the history the coach sees.
    """

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    coach_lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_because = models.CharField(max_length=20, choices=ShareEnded.choices, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["shared_at", "pk"]

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


def _share_constraints(*who: str, prefix: str) -> list[models.BaseConstraint]:
    """At most one open share of the same thing with the same person; an ended share says why."""
    return [
        models.UniqueConstraint(
            fields=[*who, "coach_lead"], condition=models.Q(ended_at__isnull=True), name=f"{prefix}_one_open"
        ),
        models.CheckConstraint(
            condition=models.Q(ended_at__isnull=True, ended_because="")
            | (models.Q(ended_at__isnull=False) & ~models.Q(ended_because="")),
            name=f"{prefix}_ended_with_a_reason",
        ),
    ]


class CoachLeadShare(SharedWithCoachLead):
    """One record (a coaching conversation) shared by its author with one named coach lead.

    One row per record and person, so each can be ended on its own and the coach sees exactly
    who reads. An open share lets its coach lead read only once the teacher in the record has
    agreed (``TeacherConsent``); until then it waits, and the teacher declining or withdrawing
    ends it with a reason of its own.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="coach_lead_shares"
    )

    class Meta(SharedWithCoachLead.Meta):
        indexes = [models.Index(fields=["coach_lead", "content_type", "object_id"])]
        constraints = _share_constraints("content_type", "object_id", prefix="coach_lead_share")

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} shared with {self.coach_lead}"


class ConsentState(models.TextChoices):
    ASKED = "asked", "Asked, not answered yet"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TeacherConsentQuerySet(models.QuerySet["TeacherConsent"]):
    def agreed(self) -> TeacherConsentQuerySet:
        return self.filter(state=ConsentState.AGREED)


class TeacherConsent(models.Model):
    """The teacher's answer to "may my coach share this conversation with this coach lead?".

    One per share (``CoachLeadShare``): the teacher agrees to a named person, as the coach
    shared with a named person. The coach lead reads the record only once the teacher agreed
    (``privacy.policy``); declining or withdrawing ends the share for good. ``named``: the
    teacher also lets the coach lead see their name; until then the lead reads "the teacher".
    An emailed link answers the ask once: it is refused once the consent is no longer asked.
    """

    share = models.OneToOneField(CoachLeadShare, on_delete=models.CASCADE, related_name="consent")
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="teacher_consents"
    )
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=ConsentState.choices, default=ConsentState.ASKED)
    named = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TeacherConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["teacher", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="asked", answered_at__isnull=True)
                | (~models.Q(state="asked") & models.Q(answered_at__isnull=False)),
                name="consent_answered_unless_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk} for share #{self.share_id}: {self.state}"

    @property
    def is_agreed(self) -> bool:
        return self.state == ConsentState.AGREED

    @property
    def is_asked(self) -> bool:
        return self.state == ConsentState.ASKED


class PracticeShare(SharedWithCoachLead):
    """A coach's own practice indicators (aggregates over their caseload, never per teacher)
    shared with one named coach lead."""

    class Meta(SharedWithCoachLead.Meta):
        constraints = _share_constraints("coach", prefix="practice_share")

    def __str__(self) -> str:
        return f"practice of {self.coach} shared with {self.coach_lead}"


class AppendOnlyError(Exception):
    pass


_Row = TypeVar("_Row", bound="AppendOnly")


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    """Rows are added, never changed nor deleted, not even in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")


class AppendOnly(models.Model):
    """A log row: saved once, then never changed nor deleted through Django."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")


class AccessLogEntry(AppendOnly):
    """One read of one record by someone other than its author.

    Entries are chained: each stores the MAC of the one before it, and its own MAC covers its
    contents and that link (``privacy.accesslog``). The MAC is keyed with a key derived from the
    encryption keys, which are never in the database, so someone who can only write to the
    database can neither change, delete nor rewrite entries without `manage.py
    verify_access_log` noticing. Ids are plain integers, not foreign keys, so that deleting a
    record or a relationship never deletes its history.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    accessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    relationship_id = models.PositiveBigIntegerField()
    record_type = models.CharField(max_length=100)
    record_id = models.PositiveBigIntegerField()
    record_label = models.CharField(max_length=100)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    # HMAC-SHA256 of the entry before (``GENESIS_HASH`` for the first) and of this one.
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "access log entries"
        indexes = [
            # Who read a relationship's records (a teacher's "who read your records"), without going
            # through the person's own reads (policy.access_log_for, policy.newest_access_log_for).
            models.Index(
                fields=["relationship_id", "accessor", "-seq"], name="accesslog_relationship_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq}: {self.record_label} read ({self.purpose})"


class AccessLogHead(models.Model):
    """The chain's last sequence number and MAC, locked while appending.

    ``head_mac`` authenticates the pair, so deleting entries at the end and moving the head back
    needs the key too.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    head_mac = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"access log head at #{self.last_seq}"


class AdministrativeChange(models.TextChoices):
    """What an administrator (or the roster import) changed about who can reach coaching records."""

    RELATIONSHIP_STARTED = "relationship-started", "Relationship started"
    RELATIONSHIP_ENDED = "relationship-ended", "Relationship ended"
    RELATIONSHIP_REOPENED = "relationship-reopened", "Relationship reopened"
    RELATIONSHIP_MOVED = "relationship-moved", "Relationship moved to another school"
    RELATIONSHIP_DELETED = "relationship-deleted", "Relationship deleted"
    ROLE_ADDED = "role-added", "Role added"
    ROLE_CHANGED = "role-changed", "Role changed"
    ROLE_REMOVED = "role-removed", "Role removed"
    COACH_LEAD_ASSIGNED = "coach-lead-assigned", "Coach lead assigned"
    COACH_LEAD_UNASSIGNED = "coach-lead-unassigned", "Coach lead no longer assigned"
    PERSON_DEACTIVATED = "person-deactivated", "Account deactivated"
    PERSON_REACTIVATED = "person-reactivated", "Account reactivated"
    SCHOOL_MOVED = "school-moved", "School moved to another district"


class AdministrationLogEntry(AppendOnly):
    """One administrative change that alters who can reach coaching records: who, what, when.

    Written by ``privacy.adminlog`` from the models' signals (and by the roster import for
    what it writes in bulk), so every path writes it: the administration site, the import,
    a shell. ``actor_label`` is who made it, as they were named then ("Roster import",
    "System" for code run outside any request). Ids are plain integers, not foreign keys,
    so that deleting a person or a relationship never deletes its history. The description
    names people, schools and roles; never anything of a coaching record.
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    change = models.CharField(max_length=30, choices=AdministrativeChange.choices)
    description = models.CharField(max_length=500)
    # Whom it concerns, who read it on their own page: both members of a relationship, the
    # coach and the coach lead of an assignment, the person whose role or account it is.
    person_id = models.PositiveBigIntegerField(null=True, db_index=True)
    other_person_id = models.PositiveBigIntegerField(null=True, db_index=True)
    relationship_id = models.PositiveBigIntegerField(null=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "administration log entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.description}"
