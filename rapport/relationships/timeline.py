"""A relationship's history as one timeline, built from sources each capability registers.

A source is a function ``(user, relationship) -> iterable of TimelineEntry``
that reads its records through the access policy. This app registers its own
sources below (touchpoints, noticings, appreciations, follow-ups); another app
adds its own (sessions, visits) by decorating functions with
``@timeline_source`` in ``rapport/<app>/timeline.py``, which is discovered on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.module_loading import autodiscover_modules
from django.utils.timezone import localdate

from rapport.core.links import reverse
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships.models import Appreciation, Note, Noticing, Relationship, Touchpoint


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # what happened, in a word or two ("Touchpoint", "Session")
    text: str  # may be confidential: only ever rendered to someone the source let read it
    at: datetime | None = None
    url: str = ""
    edit_url: str = ""  # for its author, while the relationship lasts: correct or delete it

    @property
    def sort_key(self) -> tuple[date, float]:
        return (self.day, self.at.timestamp() if self.at else 0.0)


TimelineSource = Callable[[object, Relationship], Iterable[TimelineEntry]]
SOURCES: list[TimelineSource] = []


def timeline_source(func: TimelineSource) -> TimelineSource:
    """Register a source of dated entries for a relationship's timeline."""
    SOURCES.append(func)
    return func


def timeline_for(user, relationship: Relationship) -> list[TimelineEntry]:
    """Every registered source's entries for this relationship, newest first."""
    autodiscover_modules("timeline")
    entries = [entry for source in SOURCES for entry in source(user, relationship)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


def _read(user, queryset) -> list:
    return policy.read_records(user, queryset, Purpose.RELATIONSHIP_PAGE)


def edit_url(user, relationship: Relationship, record, name: str) -> str:
    """Where its author corrects ``record`` of ``relationship`` (URL ``<name>_edit``); "" for
    anyone else, or once the relationship has ended (``policy.can_change``)."""
    record.relationship = relationship  # already loaded: no query per record
    if not policy.can_change(user, record):
        return ""
    return reverse(f"{name}_edit", args=[record.relationship_id, record.pk])


@timeline_source
def touchpoints(user, relationship: Relationship) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            day=localdate(t.happened_at),
            at=t.happened_at,
            kind=f"Touchpoint · {t.get_kind_display()}",
            text=t.note,
            edit_url=edit_url(user, relationship, t, "touchpoint"),
        )
        for t in _read(user, Touchpoint.objects.filter(relationship=relationship))
    ]


@timeline_source
def noticings(user, relationship: Relationship) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            day=n.noticed_on,
            at=n.created_at,
            kind="Noticed something good",
            text=n.body,
            edit_url=edit_url(user, relationship, n, "noticing"),
        )
        for n in _read(user, Noticing.objects.filter(relationship=relationship))
    ]


@timeline_source
def appreciations(user, relationship: Relationship) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            day=localdate(a.sent_at),
            at=a.sent_at,
            kind="Appreciation sent" + (" (leader copied)" if a.copied_to else ""),
            text=a.message,
        )
        for a in _read(user, Appreciation.objects.filter(relationship=relationship))
    ]


@timeline_source
def follow_ups(user, relationship: Relationship) -> list[TimelineEntry]:
    notes = _read(user, Note.objects.filter(relationship=relationship, follow_up_on__isnull=False))
    return [
        TimelineEntry(
            day=note.follow_up_on,
            kind="Follow-up" + (" · done" if note.follow_up_done_at else ""),
            text=note.body,
            url=reverse("relationship_detail", args=[relationship.pk]) + f"#note-{note.pk}",
        )
        for note in notes
    ]
