"""The administration log: every change that alters who can reach coaching records.

Relationships started, ended, reopened, moved or deleted (peer pairs included), roles added,
changed or removed, coach-lead assignments made or ended, accounts deactivated or reactivated,
schools moved to another district. The receivers below write an entry whichever path makes
the change (the administration site, a shell, the API); the roster import, which writes in
bulk without signals, calls the same functions for what it creates and changes.

Who made the change comes from ``acting``: the signed-in person of the request
(``privacy.middleware.AdministrativeActorMiddleware``), the roster import (``roster.tasks``,
the ``import_roster`` command), else "System".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from rapport.people.models import CoachLeadAssignment, Role, School, User
from rapport.privacy.models import AdministrationLogEntry, AdministrativeChange
from rapport.privacy.relationships import Relationship

SYSTEM = "System"
ROSTER_IMPORT = "Roster import"


@dataclass(frozen=True)
class Actor:
    label: str
    user: User | None = None


_actor: ContextVar[Actor | User | AnonymousUser | None] = ContextVar(
    "rapport_administrative_actor", default=None
)


@contextmanager
def acting(who: User | AnonymousUser | str, user: User | None = None) -> Iterator[None]:
    """Changes made inside are made by ``who``: a signed-in person (possibly not resolved yet),
    or a label such as ``ROSTER_IMPORT``, with the person who started it."""
    # type(), not isinstance(): isinstance() asks a lazy request.user for its class, which
    # loads the session and the person on every request.
    token = _actor.set(Actor(who, user) if type(who) is str else cast(User | AnonymousUser, who))
    try:
        yield
    finally:
        _actor.reset(token)


def _current_actor() -> Actor:
    actor = _actor.get()
    if isinstance(actor, Actor):
        if actor.user is not None:
            return Actor(f"{actor.label} started by {actor.user.full_name or actor.user.email}", actor.user)
        return actor
    if actor is not None and actor.is_authenticated:
        return Actor(actor.full_name or actor.email, actor)
    return Actor(SYSTEM)


def entry(
    change: str,
    description: str,
    *,
    person_id: int | None = None,
    other_person_id: int | None = None,
    relationship_id: int | None = None,
) -> AdministrationLogEntry:
    """An entry made now by whoever is acting, not saved yet (``write``)."""
    actor = _current_actor()
    return AdministrationLogEntry(
        actor=actor.user,
        actor_label=actor.label[:200],
        change=change,
        description=description[:500],
        person_id=person_id,
        other_person_id=other_person_id,
        relationship_id=relationship_id,
    )


def write(entries: list[AdministrationLogEntry]) -> None:
    """Append entries in one query (the roster import writes thousands at once)."""
    AdministrationLogEntry.objects.bulk_create(entries)


def record(change: str, description: str, **concerns: int | None) -> None:
    entry(change, description, **concerns).save()


# --- What each change says --------------------------------------------------------------------


def _pair(relationship: Relationship) -> str:
    focus = f" ({relationship.focus})" if relationship.focus else ""
    if relationship.is_peer:
        return f"peer coaching of {relationship.coach} and {relationship.teacher}{focus}"
    return f"{relationship.coach} coaching {relationship.teacher}{focus}"


def _members(relationship: Relationship) -> dict[str, int | None]:
    return {
        "person_id": relationship.coach_id,
        "other_person_id": relationship.teacher_id,
        "relationship_id": relationship.pk,
    }


def relationship_started(relationship: Relationship) -> AdministrationLogEntry:
    return entry(
        AdministrativeChange.RELATIONSHIP_STARTED,
        f"Started {_pair(relationship)} at {relationship.school}.",
        **_members(relationship),
    )


def _role_words(role: Role) -> str:
    return f"{role.get_kind_display()} at {role.school or role.district}"


def role_added(role: Role) -> AdministrationLogEntry:
    return entry(
        AdministrativeChange.ROLE_ADDED,
        f"{role.user} became {_role_words(role)}.",
        person_id=role.user_id,
    )


def active_changed(user: User) -> AdministrationLogEntry:
    if user.is_active:
        return entry(AdministrativeChange.PERSON_REACTIVATED, f"{user} can sign in again.", person_id=user.pk)
    return entry(AdministrativeChange.PERSON_DEACTIVATED, f"{user} can no longer sign in.", person_id=user.pk)


def school_moved(school: School) -> AdministrationLogEntry:
    return entry(AdministrativeChange.SCHOOL_MOVED, f"{school} moved to the district {school.district}.")


# --- Receivers: every save and delete, whoever makes it ------------------------------------------


def _stored(sender: type[Model], instance: Model, *fields: str) -> dict[str, Any] | None:
    if instance.pk is None or instance._state.adding:
        return None
    row: dict[str, Any] | None = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    return row


# What a pre_save receiver read from the database, for its post_save receiver to compare with.
_BEFORE = "_before_admin_change"


def _keep_before(instance: Model, stored: dict[str, Any] | None) -> None:
    setattr(instance, _BEFORE, stored)


def _before(instance: Model) -> dict[str, Any] | None:
    stored: dict[str, Any] | None = getattr(instance, _BEFORE, None)
    return stored


@receiver(pre_save, sender=Relationship)
def _relationship_before(
    sender: type[Relationship], instance: Relationship, raw: bool, **kwargs: Any
) -> None:
    _keep_before(instance, None if raw else _stored(sender, instance, "ended_on", "school_id"))


@receiver(post_save, sender=Relationship)
def _relationship_saved(
    sender: type[Relationship], instance: Relationship, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        relationship_started(instance).save()
        return
    before = _before(instance) or {}
    if "ended_on" in before and before["ended_on"] != instance.ended_on:
        if instance.ended_on is None:
            record(
                AdministrativeChange.RELATIONSHIP_REOPENED,
                f"Reopened {_pair(instance)}.",
                **_members(instance),
            )
        else:
            record(
                AdministrativeChange.RELATIONSHIP_ENDED,
                f"Ended {_pair(instance)} on {instance.ended_on.day} {instance.ended_on:%B %Y}.",
                **_members(instance),
            )
    if "school_id" in before and before["school_id"] != instance.school_id:
        record(
            AdministrativeChange.RELATIONSHIP_MOVED,
            f"Moved {_pair(instance)} to {instance.school}.",
            **_members(instance),
        )


@receiver(post_delete, sender=Relationship)
def _relationship_deleted(sender: type[Relationship], instance: Relationship, **kwargs: Any) -> None:
    record(
        AdministrativeChange.RELATIONSHIP_DELETED,
        f"Deleted {_pair(instance)}, and every record in it.",
        **_members(instance),
    )


@receiver(pre_save, sender=Role)
def _role_before(sender: type[Role], instance: Role, raw: bool, **kwargs: Any) -> None:
    _keep_before(instance, None if raw else _stored(sender, instance, "kind", "school_id", "district_id"))


@receiver(post_save, sender=Role)
def _role_saved(sender: type[Role], instance: Role, created: bool, raw: bool, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        role_added(instance).save()
        return
    before = _before(instance)
    now = {"kind": instance.kind, "school_id": instance.school_id, "district_id": instance.district_id}
    if before and before != now:
        was = Role(kind=before["kind"], school_id=before["school_id"], district_id=before["district_id"])
        record(
            AdministrativeChange.ROLE_CHANGED,
            f"{instance.user} was {_role_words(was)}, now {_role_words(instance)}.",
            person_id=instance.user_id,
        )


@receiver(post_delete, sender=Role)
def _role_deleted(sender: type[Role], instance: Role, **kwargs: Any) -> None:
    record(
        AdministrativeChange.ROLE_REMOVED,
        f"{_name(instance.user_id)} is no longer {_role_words(instance)}.",
        person_id=instance.user_id,
    )


def _name(user_id: int) -> str:
    """A person's name even while they are being deleted (their roles go first)."""
    user = User.objects.filter(pk=user_id).only("full_name", "email").first()
    return str(user) if user else f"person #{user_id}"


@receiver(pre_save, sender=CoachLeadAssignment)
def _assignment_before(
    sender: type[CoachLeadAssignment], instance: CoachLeadAssignment, raw: bool, **kwargs: Any
) -> None:
    _keep_before(instance, None if raw else _stored(sender, instance, "coach_lead_id", "coach_id"))


@receiver(post_save, sender=CoachLeadAssignment)
def _assignment_saved(
    sender: type[CoachLeadAssignment], instance: CoachLeadAssignment, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw:
        return
    before = _before(instance)
    if not created and before == {"coach_lead_id": instance.coach_lead_id, "coach_id": instance.coach_id}:
        return
    if before:
        _assignment_ended(before["coach_lead_id"], before["coach_id"])
    record(
        AdministrativeChange.COACH_LEAD_ASSIGNED,
        f"{instance.coach_lead} became coach lead of {instance.coach}. Nothing already shared "
        "opens to them: a coach shares with a coach lead by name.",
        person_id=instance.coach_id,
        other_person_id=instance.coach_lead_id,
    )


@receiver(post_delete, sender=CoachLeadAssignment)
def _assignment_deleted(
    sender: type[CoachLeadAssignment], instance: CoachLeadAssignment, **kwargs: Any
) -> None:
    _assignment_ended(instance.coach_lead_id, instance.coach_id)


def _assignment_ended(coach_lead_id: int, coach_id: int) -> None:
    record(
        AdministrativeChange.COACH_LEAD_UNASSIGNED,
        f"{_name(coach_lead_id)} is no longer coach lead of {_name(coach_id)}; what was shared with "
        "them is closed to them.",
        person_id=coach_id,
        other_person_id=coach_lead_id,
    )


@receiver(pre_save, sender=User)
def _user_before(
    sender: type[User], instance: User, raw: bool, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    watched = not raw and (update_fields is None or "is_active" in update_fields)
    _keep_before(instance, _stored(sender, instance, "is_active") if watched else None)


@receiver(post_save, sender=User)
def _user_saved(sender: type[User], instance: User, created: bool, raw: bool, **kwargs: Any) -> None:
    before = _before(instance)
    if not (raw or created) and before and before["is_active"] != instance.is_active:
        active_changed(instance).save()


@receiver(pre_save, sender=School)
def _school_before(sender: type[School], instance: School, raw: bool, **kwargs: Any) -> None:
    _keep_before(instance, None if raw else _stored(sender, instance, "district_id"))


@receiver(post_save, sender=School)
def _school_saved(sender: type[School], instance: School, created: bool, raw: bool, **kwargs: Any) -> None:
    before = _before(instance)
    if not (raw or created) and before and before["district_id"] != instance.district_id:
        school_moved(instance).save()
