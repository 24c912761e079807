"""The teacher's home, "what needs me": per coach, what to acknowledge, the next meeting, the goal,
what each of the two has promised, and what the coach shared lately.

A teacher has one coach or a few (peer coaching adds one per peer), so the page reads a bounded
slice of each relationship through the access policy, as the relationship page does, and logs
those reads like any other (purpose: the teacher's own space).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.briefs import CoachingPanel, coaching_panel
from rapport.coaching.models import Commitment, SentSummary, Side, Visit
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships.models import Appreciation, Note, Relationship

PURPOSE = Purpose.TEACHER_SPACE
# "Recently" on the home page: what the other person shared in the last four weeks.
RECENT_WINDOW = datetime.timedelta(days=28)
RECENT_SHOWN = 5


@dataclass(frozen=True)
class SharedItem:
    """One thing the other member shared: a note, a summary, an appreciation or a visit's notes."""

    kind: str
    at: datetime.datetime
    record: object
    url: str
    other: object  # who shared it
    preview: str = ""  # the first words, when the record's text is a message to the teacher


@dataclass
class CoachingWithMe:
    """One relationship as the teacher (or a peer) sees it on their home page."""

    relationship: Relationship
    other: object  # the coach, or the other peer
    panel: CoachingPanel
    shared_recently: list[SharedItem] = field(default_factory=list)

    @property
    def needs_acknowledgement(self) -> bool:
        return self.panel.agreement.needs_acknowledgement_from(self.me)

    @property
    def me(self):
        return self.relationship.other_member(self.other)

    @property
    def next_session(self):
        return self.panel.upcoming[0] if self.panel.upcoming else None

    @property
    def my_side(self) -> str:
        return Side.TEACHER if self.relationship.teacher_id == self.me.pk else Side.COACH

    @property
    def my_commitments(self) -> list[Commitment]:
        return [c for c in self.panel.commitments if c.owner == self.my_side]

    @property
    def their_commitments(self) -> list[Commitment]:
        return [c for c in self.panel.commitments if c.owner != self.my_side]


@dataclass
class WhatNeedsMe:
    today: datetime.date
    coaching: list[CoachingWithMe]

    @property
    def to_acknowledge(self) -> list[CoachingWithMe]:
        return [item for item in self.coaching if item.needs_acknowledgement]

    @property
    def shared_recently(self) -> list[SharedItem]:
        items = (shared for item in self.coaching for shared in item.shared_recently)
        return sorted(items, key=lambda shared: shared.at, reverse=True)[:RECENT_SHOWN]


def _shared_recently(user, relationship: Relationship, other) -> list[SharedItem]:
    """What the other member shared with this person in the last weeks, newest first."""
    since = timezone.now() - RECENT_WINDOW

    def read(queryset):
        return policy.read_records(
            user, queryset.filter(author=other), PURPOSE, limit=RECENT_SHOWN, relationship=relationship
        )

    shared = Q(visibility__in=policy.VISIBLE_TO_MEMBERS)
    notes = read(Note.objects.filter(shared, created_at__gte=since).order_by("-created_at"))
    summaries = read(SentSummary.objects.filter(sent_at__gte=since).order_by("-sent_at"))
    appreciations = read(Appreciation.objects.filter(sent_at__gte=since).order_by("-sent_at"))
    visits = read(Visit.objects.filter(shared, visited_at__gte=since).order_by("-visited_at"))
    page = reverse("relationship_detail", args=[relationship.pk])
    items = chain(
        (SharedItem("A note", n.created_at, n, page, other, n.body) for n in notes),
        (
            SharedItem(
                "The summary of a session",
                s.sent_at,
                s,
                reverse("session_detail", args=[relationship.pk, s.session_id]),
                other,
            )
            for s in summaries
        ),
        (SharedItem("An appreciation", a.sent_at, a, page, other, a.message) for a in appreciations),
        (
            SharedItem(
                "What they noticed in your classroom",
                v.visited_at,
                v,
                reverse("visit_detail", args=[relationship.pk, v.pk]),
                other,
            )
            for v in visits
        ),
    )
    return sorted(items, key=lambda item: item.at, reverse=True)[:RECENT_SHOWN]


def what_needs_me(user) -> WhatNeedsMe:
    relationships = (
        policy.coached_in(user)
        .active()
        .select_related("coach", "teacher", "school")
        .order_by("started_on", "pk")
    )
    coaching = []
    for relationship in relationships:
        other = relationship.other_member(user)
        coaching.append(
            CoachingWithMe(
                relationship=relationship,
                other=other,
                panel=coaching_panel(user, relationship, purpose=PURPOSE),
                shared_recently=_shared_recently(user, relationship, other),
            )
        )
    return WhatNeedsMe(today=timezone.localdate(), coaching=coaching)
