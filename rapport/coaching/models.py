"""Coaching cycles: agreements, student-centred goals with evidence, sessions, commitments, visits.

Every record here belongs to one relationship (``RelationshipRecord``) and is
read through ``rapport.privacy.policy``. Confidential text is encrypted; dates,
times, numbers and statuses stay plain so that they can be filtered and
ordered in SQL (and so that a calendar feed can be built without any of the
text).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from rapport.privacy.fields import EncryptedTextField
from rapport.relationships.models import RelationshipRecord, Visibility


class Side(models.TextChoices):
    """Which member of the relationship: the coach or the teacher (in peer coaching, the two peers)."""

    COACH = "coach", "Coach"
    TEACHER = "teacher", "Teacher"


# --- The coaching agreement ---------------------------------------------------------

# Our own starter norms, which the pair edits together.
STARTER_NORMS = "\n".join(
    [
        "We start on time and finish when we said we would.",
        "We stay with the agenda we set together, and park anything else for next time.",
        "The teacher decides what we work on and what to try next.",
        "We talk about what students are doing and learning, never about scores.",
        "Either of us can say 'let's pause' when something is not working.",
    ]
)
STARTER_CONFIDENTIALITY = (
    "What we talk about stays between the two of us. The coach does not report on the teacher "
    "to school leaders; anything that leaves this relationship does so only because the teacher "
    "chose to share it."
)
STARTER_PEER_CONFIDENTIALITY = (
    "What we talk about stays between the two of us. Neither of us reports on the other to school "
    "leaders; anything that leaves this partnership does so only because the one it is about chose "
    "to share it."
)


class Agreement(RelationshipRecord):
    """The pair's working agreement: one per relationship, versioned, acknowledged per version."""

    SECTIONS = (
        ("roles", "Our roles"),
        ("confidentiality", "Confidentiality"),
        ("norms", "Our norms"),
        ("meetings", "Where, when and how long we meet"),
        ("focus", "Our focus"),
        ("feedback_preferences", "How the teacher best receives feedback"),
        ("coach_commitments", "What the coach commits to"),
        ("teacher_commitments", "What the teacher commits to"),
    )

    roles = EncryptedTextField()
    confidentiality = EncryptedTextField()
    norms = EncryptedTextField(help_text="One norm per line.")
    meetings = EncryptedTextField()
    focus = EncryptedTextField()
    feedback_preferences = EncryptedTextField()
    coach_commitments = EncryptedTextField()
    teacher_commitments = EncryptedTextField()
    version = models.PositiveIntegerField(default=1)

    record_label = "coaching agreement"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship"], name="one_agreement_per_relationship")
        ]

    def __str__(self) -> str:
        return f"{self.access_label()} v{self.version}"

    def norm_list(self) -> list[str]:
        return [line.strip() for line in self.norms.splitlines() if line.strip()]

    @classmethod
    def section_labels(cls, relationship) -> dict[str, str]:
        """Each section's heading; in peer coaching the two sides are the two peers, by name."""
        labels = dict(cls.SECTIONS)
        if relationship.is_peer:
            labels["feedback_preferences"] = "How each of us best receives feedback"
            labels["coach_commitments"] = f"What {relationship.coach.get_short_name()} commits to"
            labels["teacher_commitments"] = f"What {relationship.teacher.get_short_name()} commits to"
        return labels

    def sections(self) -> list[tuple[str, str]]:
        labels = self.section_labels(self.relationship)
        return [(labels[name], getattr(self, name)) for name, _ in self.SECTIONS]


def normalise_section(text: str) -> str:
    """A section as it is kept and compared: one kind of line ending (browsers send CRLF), no
    spaces at line ends, none before or after. The same words read the same, however typed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


class AgreementRevision(models.Model):
    """One version of an agreement: which sections changed, when, by whom, and its text.

    The text (every section, as JSON, encrypted like the agreement) lets both members open an
    earlier version and compare two. Versions saved before it was kept have none.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    changed_sections = models.CharField(max_length=300, help_text="Section names only, never content.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField(blank=True, default="", help_text="Every section of this version, as JSON.")

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"agreement #{self.agreement_id} v{self.version}"

    @property
    def has_text(self) -> bool:
        return bool(self.text)

    def section_texts(self) -> dict[str, str]:
        """Each section's text in this version ({} when it was not kept)."""
        return json.loads(self.text) if self.text else {}

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) as ``Agreement.sections`` gives them, for this version."""
        labels = Agreement.section_labels(self.agreement.relationship)
        texts = self.section_texts()
        return [(labels[name], texts.get(name, "")) for name, _ in Agreement.SECTIONS]


class AgreementAcknowledgement(models.Model):
    """A member's acknowledgement of one version of the agreement."""

    class Via(models.TextChoices):
        SIGNED_IN = "signed-in", "while signed in"
        EMAIL_LINK = "email-link", "through the emailed link"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acknowledgements")
    version = models.PositiveIntegerField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=12, choices=Via.choices)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version", "person"], name="one_ack_per_version")
        ]

    def __str__(self) -> str:
        return f"agreement #{self.agreement_id} v{self.version} acknowledged by {self.person}"


# --- Cycles, goals, evidence, decisions ----------------------------------------------


class Cycle(RelationshipRecord):
    """A coaching cycle around one student-centred goal."""

    class Status(models.TextChoices):
        IDENTIFY = "identify", "Identify"
        LEARN = "learn", "Learn"
        IMPROVE = "improve", "Improve"
        DONE = "done", "Done"

    student_goal = EncryptedTextField(help_text="What students will do.")
    measure = EncryptedTextField(help_text="How we will know: what we count or look for.")
    baseline = models.DecimalField(max_digits=8, decimal_places=2)
    target = models.DecimalField(max_digits=8, decimal_places=2)
    target_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDENTIFY)
    moves = EncryptedTextField(blank=True, help_text="Instructional moves tried, one per line.")
    # When it was marked done (kept by save()): reports count a cycle in the month it ended,
    # however often it is looked at or corrected afterwards.
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    record_label = "coaching cycle"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["relationship", "-created_at"])]

    def __str__(self) -> str:
        return self.access_label()

    def save(self, *args, **kwargs) -> None:
        if self.status == self.Status.DONE:
            self.completed_at = self.completed_at or timezone.now()
        else:
            self.completed_at = None  # taken up again: it ends when it is marked done again
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "completed_at"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE


class EvidencePoint(RelationshipRecord):
    """One measurement towards a cycle's goal."""

    class Source(models.TextChoices):
        VISIT = "visit", "A classroom visit"
        TEACHER_DATA = "teacher-data", "The teacher's own data"
        STUDENT_WORK = "student-work", "Student work"
        OTHER = "other", "Something else"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="evidence")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=8, decimal_places=2)
    source = models.CharField(max_length=14, choices=Source.choices)
    note = EncryptedTextField(blank=True)

    record_label = "evidence point"

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self) -> str:
        return self.access_label()


class Decision(RelationshipRecord):
    """An option someone proposed, and what the teacher chose to do with it."""

    class Choice(models.TextChoices):
        OPEN = "open", "Still thinking"
        CHOSEN = "chosen", "The teacher chose this"
        SET_ASIDE = "set-aside", "The teacher set this aside"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="decisions")
    option = EncryptedTextField()
    proposed_by = models.CharField(max_length=10, choices=Side.choices)
    teacher_choice = models.CharField(max_length=10, choices=Choice.choices, default=Choice.OPEN)

    record_label = "cycle decision"

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.access_label()


# --- Sessions --------------------------------------------------------------------------


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime | None = None) -> SessionQuerySet:
        now = now or timezone.now()
        return self.filter(status=Session.Status.SCHEDULED, ends_at__gte=now).order_by("starts_at")

    def starting_on(self, day: datetime.date) -> SessionQuerySet:
        """Sessions whose start falls on ``day`` in the site's time zone."""
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return self.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))


class SessionSeries(RelationshipRecord):
    """Sessions scheduled together at a regular interval ("every other Tuesday").

    The series only remembers how it was made: each occurrence is an ordinary ``Session``
    that can be held, moved or cancelled on its own. Cancelling "this and the rest" cancels
    the series' scheduled sessions from one date on.
    """

    class Cadence(models.IntegerChoices):
        WEEKLY = 7, "Every week"
        FORTNIGHTLY = 14, "Every other week"

    # The most sessions one series makes: a school year of weekly meetings.
    MAX_OCCURRENCES = 40

    cadence = models.PositiveSmallIntegerField(choices=Cadence.choices)
    ends_on = models.DateField(null=True, blank=True)
    occurrences = models.PositiveSmallIntegerField(null=True, blank=True)

    record_label = "session series"

    class Meta:
        verbose_name_plural = "session series"

    def __str__(self) -> str:
        return self.access_label()

    @property
    def cadence_label(self) -> str:
        return self.Cadence(self.cadence).label


class Session(RelationshipRecord):
    """A scheduled coaching meeting; held, cancelled (by whom) or rescheduled."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Rescheduled"

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    wrap_up_at = models.DateTimeField(help_text="When the teacher must wrap up.")
    # Encrypted like the rest: free text, though it appears in the members' own calendar feeds.
    place = EncryptedTextField(max_length=120, help_text="Shown in calendars; keep it to a room or a place.")
    agenda = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_by = models.CharField(max_length=10, choices=Side.choices, blank=True)
    cancel_reason = EncryptedTextField(blank=True)
    rescheduled_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_from"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Which reminder job is sending it, and since when (coaching.tasks.send_session_reminder).
    reminder_claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    reminder_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # One occurrence of a recurring series; a moved occurrence stays in its series.
    series = models.ForeignKey(
        SessionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )

    objects = SessionQuerySet.as_manager()

    record_label = "coaching session"

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["relationship", "starts_at"]),
            # One relationship's upcoming or last held session, and a caseload's week (the coach's
            # agenda): each relationship's few sessions. An index on (status, starts_at) alone made
            # both planners walk every scheduled session of the district's week instead (future
            # sessions are the scheduled ones, which neither planner knows), so there is none.
            models.Index(fields=["relationship", "status", "starts_at"], name="session_rel_status_starts"),
            # The day's reminders across the district (coaching.tasks.enqueue_reminders): only the
            # sessions still owed one.
            models.Index(
                fields=["starts_at"],
                condition=Q(status="scheduled", reminder_sent_at__isnull=True),
                name="session_reminder_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(wrap_up_at__gte=models.F("starts_at")) & Q(wrap_up_at__lte=models.F("ends_at")),
                name="session_wrap_up_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.access_label()

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    def calendar_title(self) -> str:
        """The only words about a session that reach a calendar: no agenda, no notes."""
        return f"Coaching: {self.relationship.teacher.full_name}"


class SentSummary(RelationshipRecord):
    """The follow-up summary as it was sent to the teacher after a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="summaries")
    body = EncryptedTextField()
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    record_label = "session summary"

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.access_label()


# --- Commitments ---------------------------------------------------------------------


class CommitmentQuerySet(models.QuerySet):
    def open(self) -> CommitmentQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> CommitmentQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def on_time_rate(self, today: datetime.date | None = None) -> float | None:
        """Share of commitments that fell due and were done by their due date (None if none fell due)."""
        return self.tally(today).on_time_rate

    def tally(self, today: datetime.date | None = None) -> CommitmentTally:
        """How many are open, overdue, fell due, and were kept on time, in one query.

        A commitment falls due once it is done or once its due date has passed; one still open
        before its due date has not had its chance yet.
        """
        return CommitmentTally(**self.aggregate(**_tally_counts(today or timezone.localdate())))

    def tallies(self, today: datetime.date | None = None) -> dict[int, CommitmentTally]:
        """``tally`` for each relationship, in one query (a relationship with none is absent)."""
        rows = (
            self.order_by().values("relationship_id").annotate(**_tally_counts(today or timezone.localdate()))
        )
        return {row.pop("relationship_id"): CommitmentTally(**row) for row in rows}


def _tally_counts(today: datetime.date) -> dict[str, Count]:
    fell_due = Q(done_on__isnull=False) | Q(due_on__lt=today)
    return {
        "open": Count("pk", filter=Q(done_on__isnull=True)),
        "overdue": Count("pk", filter=Q(done_on__isnull=True, due_on__lt=today)),
        "fell_due": Count("pk", filter=fell_due),
        "on_time": Count("pk", filter=fell_due & Q(done_on__lte=models.F("due_on"))),
    }


@dataclass(frozen=True)
class CommitmentTally:
    open: int
    overdue: int
    fell_due: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.fell_due if self.fell_due else None


NO_COMMITMENTS = CommitmentTally(open=0, overdue=0, fell_due=0, on_time=0)


class Commitment(RelationshipRecord):
    """A promise one member made, with a due date and (once kept) a done date."""

    owner = models.CharField(max_length=10, choices=Side.choices)
    what = EncryptedTextField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    resource_title = EncryptedTextField(blank=True)
    resource_url = EncryptedTextField(blank=True)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="next_steps"
    )

    objects = CommitmentQuerySet.as_manager()

    record_label = "commitment"

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["relationship", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.access_label()

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


# --- Classroom visits ------------------------------------------------------------------


class Visit(RelationshipRecord):
    """A brief, non-evaluative classroom visit: noticings and wonderings, never scores."""

    visited_at = models.DateTimeField(default=timezone.now)
    minutes = models.PositiveSmallIntegerField(default=15)
    students_doing = EncryptedTextField(help_text="What students were doing and learning.")
    what_worked = EncryptedTextField(blank=True)
    wonderings = EncryptedTextField(blank=True)

    record_label = "classroom visit"

    class Meta:
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["relationship", "-visited_at"])]

    def __str__(self) -> str:
        return self.access_label()

    @property
    def is_shared(self) -> bool:
        return self.visibility != Visibility.PRIVATE


# --- Calendar subscription -------------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A coach's secret calendar subscription. Only the token's hash is stored."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.owner}"
