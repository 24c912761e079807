"""The relationship and its records: the unit of confidentiality, and its fixed membership.

A relationship is one coach and one teacher (or two peers). Every coaching record belongs to
exactly one relationship (``RelationshipRecord``) and carries a ``Visibility``. Who belongs to
a relationship, and whose a record is, never changes once it exists (``FixedFields``, with
database triggers in ``privacy.membership``). Who may read what is decided in
``privacy.policy``.

These are the base of the access policy, so they live in the privacy app, which imports no
feature. The ``Relationship`` model keeps its app label, ``relationships``: its table and its
migrations stay where they have always been, and the record models of every feature point at it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Self, cast

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from rapport.privacy.types import Person


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private — only the author"
    SHARED = "shared", "Shared — both of us"
    RELEASED = "released", "Released — the teacher released it to named leaders"


class FixedMembershipError(Exception):
    """Someone tried to change who belongs to a relationship, or whose a record is.

    The database refuses the same change (``privacy.membership``): this error only says
    it earlier, in words.
    """


class FixedFields(models.Model):
    """A model whose ``fixed_fields`` never change once the row exists.

    The values loaded from the database (``from_db``) or last saved are kept, so ``save()``
    compares with them without a query; a row saved by primary key without being loaded is
    read first.
    """

    fixed_fields: tuple[str, ...] = ()
    fixed_fields_advice = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            self._refuse_a_changed_fixed_field()
        super().save(*args, **kwargs)
        self._keep_stored_fixed()

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._keep_stored_fixed()
        return instance

    def _keep_stored_fixed(self) -> None:
        self._stored_fixed = {
            name: self.__dict__[name] for name in self._fixed_attnames() if name in self.__dict__
        }

    @classmethod
    def _fixed_attnames(cls) -> list[str]:
        fields = [cls._meta.get_field(name) for name in cls.fixed_fields]
        return [cast("models.Field[Any, Any]", field).attname for field in fields]  # concrete fields

    def _refuse_a_changed_fixed_field(self) -> None:
        stored = dict(getattr(self, "_stored_fixed", {}))
        missing = [name for name in self._fixed_attnames() if name not in stored]
        if missing:
            row = type(self)._base_manager.filter(pk=self.pk).values(*missing).first()
            stored |= row or {}
        changed = [name for name in stored if getattr(self, name) != stored[name]]
        if changed:
            raise FixedMembershipError(
                f"{self._meta.verbose_name} #{self.pk}: {', '.join(changed)} cannot change once it exists"
                + self.fixed_fields_advice
            )


class RelationshipQuerySet(models.QuerySet["Relationship"]):
    def active(self) -> RelationshipQuerySet:
        return self.filter(ended_on__isnull=True)

    def update(self, **kwargs: Any) -> int:
        fixed = {*Relationship.fixed_fields, *(f"{name}_id" for name in Relationship.fixed_fields)}
        if fixed & set(kwargs):
            raise FixedMembershipError(
                "a relationship's coach, teacher and kind cannot change" + Relationship.fixed_fields_advice
            )
        return super().update(**kwargs)


class Relationship(FixedFields):
    """One coach and one teacher (or two peers), fixed for the relationship's whole life.

    Changing a coach is ending this relationship (``ended_on``) and starting a new one: the
    records stay where they were written, with the people who were there.
    """

    class Kind(models.TextChoices):
        COACHING = "coaching", "Coaching"
        PEER = "peer", "Peer coaching"
        COACH_LEAD = "coach-lead", "Coaching a coach"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COACHING)
    # In a peer relationship both people are teachers with the same rights; the
    # fields keep their names and the policy treats both sides alike. In a coach lead's
    # space with a coach (``COACH_LEAD``), ``coach`` is the coach lead and ``teacher`` the
    # coach they support: the same parts and the same rules, the coach in the teacher's place.
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

    fixed_fields = ("coach", "teacher", "kind")
    fixed_fields_advice = ": end the relationship and start a new one"

    class Meta:
        # Its table and migrations stay with the relationships app, where it began.
        app_label = "relationships"
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

    @property
    def is_coach_lead_space(self) -> bool:
        return self.kind == self.Kind.COACH_LEAD

    @property
    def teacher_side_label(self) -> str:
        """What the person the records are about is, in this relationship's words."""
        return "Coach you support" if self.is_coach_lead_space else "Teacher"

    @property
    def coach_side_label(self) -> str:
        return "Coach lead" if self.is_coach_lead_space else "Coach"

    def member_ids(self) -> set[int]:
        return {self.coach_id, self.teacher_id}

    def is_member(self, user: Person) -> bool:
        return user.pk in self.member_ids()

    def acts_as_coach(self, user: Person) -> bool:
        """May write coach-side records (private notes about the other person)."""
        return user.pk == self.coach_id or (self.is_peer and user.pk == self.teacher_id)

    def acts_as_teacher(self, user: Person) -> bool:
        """Is the person the records are about: may release them, sees the access log."""
        return user.pk == self.teacher_id or (self.is_peer and user.pk == self.coach_id)

    def other_member(self, user: Person) -> Person:
        return self.teacher if user.pk == self.coach_id else self.coach


class RelationshipRecord(FixedFields):
    """Base of every confidential record: it belongs to a relationship and has a visibility.

    Its relationship and its author are fixed: a record never moves to another relationship
    nor changes hands.
    """

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Shown in the access log instead of any content: a label must never carry
    # confidential text.
    record_label = "record"
    fixed_fields = ("relationship", "author")

    class Meta:
        abstract = True

    def access_label(self) -> str:
        return f"{self.record_label} #{self.pk}"
