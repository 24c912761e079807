"""The teacher's home, "what needs me": per coach, what to acknowledge, the next meeting, the goal,
what each of the two has promised, and what the coach shared lately.

A teacher has one coach or a few (peer coaching adds one per peer), so the page reads a bounded
slice of each relationship through the access policy, as the relationship page does; what was
shared lately is read for all of them together, one query per kind. Every read is logged like
any other (purpose: the teacher's own space).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from rapport.coaching.briefs import CoachingPanel, coaching_panels
from rapport.coaching.models import Commitment, SentSummary, Side, Visit
from rapport.conversations.models import Conversation
from rapport.core.links import reverse
from rapport.people.models import User
from rapport.privacy import policy
from rapport.privacy.models import Purpose, TeacherConsent
from rapport.relationships.models import Appreciation, Note, Relationship
from rapport.resources.models import ResourceShare

PURPOSE = Purpose.TEACHER_SPACE
# "Recently" on the home page: what the other person shared in the last four weeks.
RECENT_WINDOW = datetime.timedelta(days=28)
RECENT_SHOWN = 5


@dataclass(frozen=True)
class SharedItem:
    """One thing the other member shared: a note, a summary, an appreciation, a visit's notes or a
    resource from the library."""

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
    other: User  # the coach, or the other peer
    panel: CoachingPanel

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


@dataclass(frozen=True)
class ConsentAsk:
    """A coach asks to share a conversation with their coach lead (or was allowed to)."""

    consent: TeacherConsent
    conversation: Conversation


@dataclass
class WhatNeedsMe:
    today: datetime.date
    coaching: list[CoachingWithMe]
    shared_recently: list[SharedItem]
    consent_asks: list[ConsentAsk] = field(default_factory=list)

    @property
    def to_acknowledge(self) -> list[CoachingWithMe]:
        return [item for item in self.coaching if item.needs_acknowledgement]


# What may appear under "Shared with you lately": each kind of record and the field that dates it.
_DATE_OF: dict[type, str] = {
    Note: "created_at",
    SentSummary: "sent_at",
    Appreciation: "sent_at",
    Visit: "visited_at",
    ResourceShare: "created_at",
}


def _shared_item(record, other) -> SharedItem:
    relationship_pk = record.relationship_id
    page = reverse("relationship_detail", args=[relationship_pk])
    if isinstance(record, Note):
        return SharedItem("A note", record.created_at, record, page, other, record.body)
    if isinstance(record, SentSummary):
        url = reverse("session_detail", args=[relationship_pk, record.session_id])
        return SharedItem("The summary of a session", record.sent_at, record, url, other)
    if isinstance(record, Appreciation):
        return SharedItem("An appreciation", record.sent_at, record, page, other, record.message)
    if isinstance(record, Visit):
        url = reverse("visit_detail", args=[relationship_pk, record.pk])
        return SharedItem("What they noticed in your classroom", record.visited_at, record, url, other)
    url = reverse("shared_resources", args=[relationship_pk])
    return SharedItem(
        f"A resource: {record.resource.title}", record.created_at, record, url, other, record.note
    )


def _when_shared(record) -> datetime.datetime:
    return getattr(record, _DATE_OF[type(record)])


def _shared_recently(user, coaching: list[CoachingWithMe]) -> list[SharedItem]:
    """The newest few things the person's coaches (or peers) shared with them in the last weeks,
    read and logged through ``policy.read_newest``: only what the list shows is logged."""
    since = timezone.now() - RECENT_WINDOW
    to_members = Q(visibility__in=policy.VISIBLE_TO_MEMBERS)  # not what the coach kept private
    kinds = [
        Note.objects.filter(to_members),
        SentSummary.objects.all(),
        Appreciation.objects.all(),
        Visit.objects.filter(to_members),
        ResourceShare.objects.select_related("resource"),
    ]
    # What the other member shared (only members write a relationship's records, and who they
    # are never changes), across the person's relationships: one query per kind.
    sources = [
        kind.filter(**{f"{_DATE_OF[kind.model]}__gte": since})
        .exclude(author=user)
        .order_by(f"-{_DATE_OF[kind.model]}")
        for kind in kinds
    ]
    others = {item.relationship.pk: item.other for item in coaching}
    relationships = [item.relationship for item in coaching]
    shown = policy.read_newest(user, sources, PURPOSE, RECENT_SHOWN, _when_shared, relationships)
    return [_shared_item(record, others[record.relationship_id]) for record in shown]


def what_needs_me(user) -> WhatNeedsMe:
    relationships = list(
        policy.coached_in(user)
        .active()
        .select_related("coach", "teacher", "school")
        .order_by("started_on", "pk")
    )
    # The home page shows no visits: they are neither read nor logged here.
    panels = coaching_panels(user, relationships, PURPOSE, visits=0)
    coaching = [
        CoachingWithMe(
            relationship=relationship, other=relationship.other_member(user), panel=panels[relationship.pk]
        )
        for relationship in relationships
    ]
    return WhatNeedsMe(
        today=timezone.localdate(),
        coaching=coaching,
        shared_recently=_shared_recently(user, coaching),
        consent_asks=_consent_asks(user),
    )


def _consent_asks(user) -> list[ConsentAsk]:
    """Conversations the person's coaches ask to share with a coach lead, and those they allowed
    while the share lasts: the asks first, then the newest."""
    consents = list(policy.consents_asked_of(user))
    if not consents:
        return []
    ids = {consent.share.object_id for consent in consents}
    conversations = {
        conversation.pk: conversation
        for conversation in policy.read_records(user, Conversation.objects.filter(pk__in=ids), PURPOSE)
    }
    asks = [
        ConsentAsk(consent, conversations[consent.share.object_id])
        for consent in consents
        if consent.share.object_id in conversations
    ]
    return sorted(asks, key=lambda ask: (not ask.consent.is_asked, -ask.consent.asked_at.timestamp()))
