"""The records of a coaching relationship: notes, profiles, touchpoints, noticings, appreciations.

The relationship itself, ``RelationshipRecord`` and ``Visibility`` are the base of the access
policy and live in ``rapport.privacy.relationships``. Who may read what is decided in
rapport.privacy.policy, never here and never in a view.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from rapport.privacy.fields import EncryptedTextField
from rapport.privacy.relationships import (  # noqa: F401  (the base types, importable from here too)
    FixedFields,
    FixedMembershipError,
    Relationship,
    RelationshipQuerySet,
    RelationshipRecord,
    Visibility,
)


class NoteQuerySet(models.QuerySet):
    def open_follow_ups(self) -> NoteQuerySet:
        """Notes carrying a follow-up the author has neither done nor dismissed."""
        return self.filter(
            follow_up_on__isnull=False, follow_up_done_at__isnull=True, follow_up_dismissed_at__isnull=True
        )

    def follow_ups_due(self, on: date | None = None) -> NoteQuerySet:
        """Open follow-ups whose date has come: they stay due until done or dismissed."""
        return self.open_follow_ups().filter(follow_up_on__lte=on or timezone.localdate())


class Note(RelationshipRecord):
    """A note a coach writes about the teacher: private unless shared with them.

    A note may be about something personal (``kind``), may carry a follow-up
    date ("ask how the recital went" on 3 March) that puts it on the coach's
    home from that day until it is done or dismissed, and may be the answer to a
    question from the relationship-building bank.
    """

    class Kind(models.TextChoices):
        GENERAL = "general", "General"
        FAMILY = "family", "Family"
        INTERESTS = "interests", "Interests"
        FAVOURITES = "favourites", "Favourites"
        EVENTS = "events", "Events"
        ANSWER = "answer", "Answer to a getting-to-know-you question"

    body = EncryptedTextField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    question = models.ForeignKey(
        "Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = NoteQuerySet.as_manager()

    record_label = "note"

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["relationship", "-created_at"]),
            models.Index(fields=["author", "follow_up_on"]),
        ]

    def __str__(self) -> str:
        # Never the body: a record's string form can end up in logs and admin pages.
        return self.access_label()


class QuestionQuerySet(models.QuerySet):
    def for_coach(self, coach) -> QuestionQuerySet:
        """The starter bank and the coach's own questions; never another coach's."""
        return self.filter(models.Q(owner__isnull=True) | models.Q(owner=coach))

    def for_relationship(self, relationship: Relationship) -> QuestionQuerySet:
        """The questions meant for the person coached there: a teacher, or a coach their coach
        lead supports."""
        return self.filter(audience=Question.audience_of(relationship))


class Question(models.Model):
    """A relationship-building question: the starter bank (no owner) or a coach's own.

    Questions are not about anyone, so they are plain text; a coach's own
    questions are still theirs alone (``for_coach``).
    """

    class Theme(models.TextChoices):
        FIRST_MEETING = "first-meeting", "First meetings"
        VALUES = "values", "Values"
        STRENGTHS = "strengths", "Strengths"
        VISION = "vision", "Vision"
        FEEDBACK = "feedback", "How they like feedback"
        WHY = "why", "Why this work"
        COMMITMENTS = "commitments", "What we commit to"

    class Audience(models.TextChoices):
        """Who the question is asked of: a teacher by their coach, or a coach by their coach lead."""

        TEACHER = "teacher", "Teachers"
        COACH = "coach", "Coaches"

    text = models.CharField(max_length=300)
    theme = models.CharField(max_length=15, choices=Theme.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.TEACHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["theme", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def audience_of(cls, relationship: Relationship) -> str:
        return cls.Audience.COACH if relationship.is_coach_lead_space else cls.Audience.TEACHER


class Comfort(models.IntegerChoices):
    """How at ease someone is with something: a starting point, never a rating."""

    NEW = 1, "New to it"
    WARMING_UP = 2, "Warming up to it"
    AT_EASE = 3, "At ease"
    SEEKS_IT_OUT = 4, "Seeks it out"


class TeacherProfileQuerySet(models.QuerySet):
    def about(self, relationship: Relationship, person) -> TeacherProfileQuerySet:
        """The profile about ``person``: the one the other member keeps (the coach keeps the
        teacher's; in peer coaching each peer keeps one about the other)."""
        return self.filter(relationship=relationship, author=relationship.other_member(person))


class TeacherProfile(RelationshipRecord):
    """Who the teacher is and how they like to work: shared, so the teacher sees it.

    The coach keeps one about the teacher; in peer coaching each peer keeps one about the
    other, so each sees the other's profile and their own as the other keeps it. Every text in
    it is encrypted, the short ones too: what a coach types as "grades" or "subjects" is free
    text and can say more than a label.
    """

    preferred_name = EncryptedTextField(blank=True)
    # ``max_length`` bounds the form field (TextField does not bound the column).
    grades = EncryptedTextField(max_length=60, blank=True)
    subjects = EncryptedTextField(max_length=120, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback_preferences = EncryptedTextField(blank=True)
    best_times = EncryptedTextField(blank=True)
    usual_wrap_up = models.TimeField(null=True, blank=True)

    objects = TeacherProfileQuerySet.as_manager()

    record_label = "teacher profile"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "author"], name="one_profile_per_keeper")
        ]

    def __str__(self) -> str:
        return self.access_label()


class ReadinessProfile(RelationshipRecord):
    """The coach's own sense of where the teacher is starting from: private to the coach.

    Meant for meeting a teacher where they are (what to offer first, how much
    technology to lean on), never for judging them.
    """

    comfort_with_coaching = models.PositiveSmallIntegerField(choices=Comfort.choices, null=True, blank=True)
    comfort_with_technology = models.PositiveSmallIntegerField(choices=Comfort.choices, null=True, blank=True)
    notes = EncryptedTextField(blank=True)

    record_label = "readiness profile"

    class Meta:
        constraints = [
            # Private to whoever keeps it: in peer coaching, each peer may keep their own.
            models.UniqueConstraint(fields=["relationship", "author"], name="one_readiness_per_keeper")
        ]

    def __str__(self) -> str:
        return self.access_label()


class Touchpoint(RelationshipRecord):
    """An informal contact (hallway, lunch, a drop-in): presence, logged in two taps. Private."""

    class Kind(models.TextChoices):
        HALLWAY = "hallway", "Hallway"
        LUNCH = "lunch", "Lunch"
        WELCOME = "welcome", "First-day welcome"
        EMAIL = "email", "Email"
        DROP_IN = "drop-in", "Visit drop-in"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = EncryptedTextField(blank=True)
    happened_at = models.DateTimeField(default=timezone.now)

    record_label = "touchpoint"

    class Meta:
        ordering = ["-happened_at"]
        indexes = [models.Index(fields=["relationship", "-happened_at"])]

    def __str__(self) -> str:
        return self.access_label()


class NoticingQuerySet(models.QuerySet):
    def since(self, day: date) -> NoticingQuerySet:
        """Noticed on or after ``day``: the wins to open the next meeting with."""
        return self.filter(noticed_on__gte=day)


class Noticing(RelationshipRecord):
    """Something good the coach noticed about the teacher's work. Private until appreciated.

    Captured in a few taps; one or more become an ``Appreciation`` sent to the
    teacher. The coaching app reads them for celebrations in the prep brief.
    """

    body = EncryptedTextField()
    noticed_on = models.DateField(default=timezone.localdate)

    objects = NoticingQuerySet.as_manager()

    record_label = "noticing"

    class Meta:
        ordering = ["-noticed_on", "-created_at"]
        indexes = [
            models.Index(fields=["relationship", "-noticed_on"]),
            models.Index(fields=["author", "-noticed_on"]),
        ]

    def __str__(self) -> str:
        return self.access_label()


class AppreciationQuerySet(models.QuerySet):
    def sent_since(self, moment) -> AppreciationQuerySet:
        return self.filter(sent_at__gte=moment)


class Appreciation(RelationshipRecord):
    """A specific appreciation message emailed to the teacher: shared, it is theirs too.

    Records what was sent, to whom, when, and whether the school leader was
    copied (only ever when the teacher allowed it).
    """

    message = EncryptedTextField()
    noticings = models.ManyToManyField(Noticing, blank=True, related_name="appreciations")
    sent_to = models.EmailField()
    copied_to = models.CharField(max_length=500, blank=True, help_text="Leaders copied, by email.")
    sent_at = models.DateTimeField(default=timezone.now)

    objects = AppreciationQuerySet.as_manager()

    record_label = "appreciation"

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["author", "-sent_at"])]

    def __str__(self) -> str:
        return self.access_label()


class CoachSettings(models.Model):
    """A coach's own targets: appreciations a week, and days before a teacher counts as not seen."""

    DEFAULT_WEEKLY_APPRECIATIONS = 3
    DEFAULT_COVERAGE_DAYS = 14

    coach = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekly_appreciation_target = models.PositiveSmallIntegerField(default=DEFAULT_WEEKLY_APPRECIATIONS)
    coverage_threshold_days = models.PositiveSmallIntegerField(default=DEFAULT_COVERAGE_DAYS)

    def __str__(self) -> str:
        return f"settings of {self.coach}"

    @classmethod
    def for_coach(cls, coach) -> CoachSettings:
        """The coach's settings, or unsaved defaults: reading never writes."""
        return cls.objects.filter(coach=coach).first() or cls(coach=coach)


class TeacherSettings(models.Model):
    """Choices a teacher makes in their own space, about everything their coaches send."""

    teacher = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Named people, never "whoever leads my school": a new leader gets no copy until named.
    appreciation_copies_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"settings of {self.teacher}"

    @classmethod
    def for_teacher(cls, teacher) -> TeacherSettings:
        return cls.objects.filter(teacher=teacher).first() or cls(teacher=teacher)

    @classmethod
    def leaders_named_by(cls, teacher) -> models.QuerySet:
        """The people this teacher named to receive copies of appreciations (none if no settings)."""
        return get_user_model().objects.filter(
            pk__in=cls.objects.filter(teacher=teacher).values("appreciation_copies_to")
        )
