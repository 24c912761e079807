"""What the coaching pages show, gathered for one person in a fixed number of queries.

The relationship page's coaching panel and the meeting prep brief read only
bounded slices (upcoming, open, latest), each through the access policy, so
their query count does not grow with years of history.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from rapport.coaching.actions import acknowledgers
from rapport.coaching.models import (
    NO_COMMITMENTS,
    Agreement,
    AgreementAcknowledgement,
    Commitment,
    Cycle,
    EvidencePoint,
    Session,
    Visit,
)
from rapport.privacy import policy
from rapport.privacy.fields import encrypted_fields_except
from rapport.privacy.models import Purpose
from rapport.relationships.models import Note, Noticing, Relationship, TeacherProfile

PURPOSE = Purpose.RELATIONSHIP_PAGE
UPCOMING_SHOWN = 3
COMMITMENTS_SHOWN = 10
VISITS_SHOWN = 3
CELEBRATIONS_SHOWN = 6
# With no earlier session to count from, wins of the last few weeks open the meeting.
CELEBRATION_WINDOW = datetime.timedelta(days=28)


@dataclass
class GoalChart:
    cycle: Cycle
    evidence: list[EvidencePoint]

    def data(self) -> dict:
        """What the chart script draws (passed through json_script, never inline)."""
        return {
            "labels": [point.measured_on.isoformat() for point in self.evidence],
            "values": [float(point.value) for point in self.evidence],
            "baseline": float(self.cycle.baseline),
            "target": float(self.cycle.target),
        }


@dataclass
class AgreementStatus:
    agreement: Agreement | None
    acknowledged_by: set[int] = field(default_factory=set)
    waiting_for: list = field(default_factory=list)

    def needs_acknowledgement_from(self, user) -> bool:
        return any(person.pk == user.pk for person in self.waiting_for)


def agreement_status(
    user, relationship: Relationship, purpose: str = PURPOSE, *, text: bool = True
) -> AgreementStatus:
    """The agreement and who has yet to acknowledge its version; without its ``text`` (its
    sections are then neither loaded nor decrypted) for a card that shows only its status."""
    return agreement_statuses(user, [relationship], purpose, text=text)[relationship.pk]


def agreement_statuses(
    user, relationships: Sequence[Relationship], purpose: str = PURPOSE, *, text: bool = True
) -> dict[int, AgreementStatus]:
    """``agreement_status`` of each relationship, in two queries however many there are."""
    queryset = (
        Agreement.objects.all() if text else Agreement.objects.defer(*encrypted_fields_except(Agreement))
    )
    found = policy.read_records_in(user, queryset, purpose, relationships)
    agreements = {relationship_pk: records[0] for relationship_pk, records in found.items() if records}
    acknowledged: dict[int, set[int]] = {agreement.pk: set() for agreement in agreements.values()}
    versions = {agreement.pk: agreement.version for agreement in agreements.values()}
    acknowledgements = AgreementAcknowledgement.objects.filter(agreement__in=list(versions)).values_list(
        "agreement_id", "version", "person_id"
    )
    for agreement_pk, version, person_pk in acknowledgements if versions else ():
        if version == versions[agreement_pk]:
            acknowledged[agreement_pk].add(person_pk)
    statuses = {}
    for relationship in relationships:
        agreement = agreements.get(relationship.pk)
        if agreement is None:
            statuses[relationship.pk] = AgreementStatus(agreement=None)
            continue
        done = acknowledged[agreement.pk]
        waiting = [person for person in acknowledgers(relationship) if person.pk not in done]
        statuses[relationship.pk] = AgreementStatus(
            agreement=agreement, acknowledged_by=done, waiting_for=waiting
        )
    return statuses


def current_goal_chart(user, relationship: Relationship) -> GoalChart | None:
    """The most recent cycle the person may see, with its evidence."""
    cycles = policy.read_records(user, Cycle.objects.all(), PURPOSE, limit=1, relationship=relationship)
    if not cycles:
        return None
    evidence = policy.read_records(
        user, EvidencePoint.objects.filter(cycle=cycles[0]), PURPOSE, relationship=relationship
    )
    return GoalChart(cycle=cycles[0], evidence=evidence)


def last_held_session(user, session: Session) -> Session | None:
    held = Session.objects.filter(status=Session.Status.HELD, starts_at__lt=session.starts_at).order_by(
        "-starts_at"
    )
    last = policy.read_records(user, held, PURPOSE, limit=1, relationship=session.relationship)
    return last[0] if last else None


def celebrations(user, session: Session, last_session: Session | None) -> list[Noticing]:
    """Wins noticed since the last meeting (the coach's own noticings), to open with."""
    since = (
        timezone.localtime(last_session.starts_at).date()
        if last_session
        else timezone.localdate() - CELEBRATION_WINDOW
    )
    noticings = Noticing.objects.since(since)
    return policy.read_records(
        user, noticings, PURPOSE, limit=CELEBRATIONS_SHOWN, relationship=session.relationship
    )


def open_and_agreed_at(
    user, relationship: Relationship, session: Session | None
) -> tuple[list[Commitment], list[Commitment]]:
    """The relationship's open commitments, and those made at ``session`` (done or not), in one
    read: a commitment in both lists is read, and logged, once."""
    made_there = Q(session=session) if session is not None else Q(pk__in=[])
    commitments = policy.read_records(
        user,
        Commitment.objects.filter(Q(done_on__isnull=True) | made_there),
        PURPOSE,
        relationship=relationship,
    )
    open_ones = [commitment for commitment in commitments if commitment.done_on is None]
    agreed = [
        commitment
        for commitment in commitments
        if session is not None and commitment.session_id == session.pk
    ]
    return open_ones, agreed


@dataclass
class CoachingPanel:
    relationship: Relationship
    agreement: AgreementStatus
    cycle: Cycle | None
    latest_evidence: EvidencePoint | None
    upcoming: list[Session]
    commitments: list[Commitment]
    open_count: int
    overdue_count: int
    on_time_rate: float | None
    visits: list[Visit]


def coaching_panel(user, relationship: Relationship, purpose: str = PURPOSE) -> CoachingPanel:
    """The coaching part of the relationship page, for coach and teacher alike."""
    return coaching_panels(user, [relationship], purpose)[relationship.pk]


def coaching_panels(
    user, relationships: Sequence[Relationship], purpose: str = PURPOSE, *, visits: int = VISITS_SHOWN
) -> dict[int, CoachingPanel]:
    """``coaching_panel`` of each of the person's relationships, each kind of record read once for
    all of them (the teacher's home shows one per coach, for its own ``purpose``; ``visits=0``
    where the visits are not shown, so they are neither read nor logged)."""

    if not relationships:
        return {}

    def read(queryset, limit: int | None = None) -> dict:
        return policy.read_records_in(user, queryset, purpose, relationships, limit)

    # The cards show when sessions and visits are and where the goal stands: the records' other
    # texts (agendas, observations, the cycle's measure and moves) are not read.
    upcoming = read(
        Session.objects.upcoming().defer(*encrypted_fields_except(Session, "place")), UPCOMING_SHOWN
    )
    seen = read(Visit.objects.defer(*encrypted_fields_except(Visit)), visits) if visits else {}
    cycles = read(Cycle.objects.defer(*encrypted_fields_except(Cycle, "student_goal")), 1)
    current = [found[0] for found in cycles.values() if found]
    latest = (
        read(
            EvidencePoint.objects.filter(cycle__in=current)
            .defer(*encrypted_fields_except(EvidencePoint))
            .order_by("-measured_on", "-pk"),
            1,
        )
        if current
        else {}
    )
    tallies = policy.visible_in(user, Commitment.objects.all(), relationships).tallies()
    agreements = agreement_statuses(user, relationships, purpose, text=False)
    # Overdue first (oldest due date first), then what is coming up.
    commitments = read(Commitment.objects.open().order_by("due_on"), COMMITMENTS_SHOWN)
    panels = {}
    for relationship in relationships:
        pk = relationship.pk
        tally = tallies.get(pk, NO_COMMITMENTS)
        panels[pk] = CoachingPanel(
            relationship=relationship,
            agreement=agreements[pk],
            cycle=cycles[pk][0] if cycles[pk] else None,
            latest_evidence=latest[pk][0] if latest.get(pk) else None,
            upcoming=upcoming[pk],
            commitments=commitments[pk],
            open_count=tally.open,
            overdue_count=tally.overdue,
            on_time_rate=tally.on_time_rate,
            visits=seen.get(pk, []),
        )
    return panels


# Answers to getting-to-know-you questions on the prep brief: the latest few.
ANSWERS_SHOWN = 6


@dataclass
class PrepBrief:
    session: Session
    follow_ups: list[Note]
    wins: list[Noticing]
    profile: TeacherProfile | None
    agreement: AgreementStatus
    chart: GoalChart | None
    commitments: list[Commitment]
    last_session: Session | None
    last_next_steps: list[Commitment]
    # What the person told this coach (or coach lead) to getting-to-know-you questions, latest first.
    answers: list[Note] = field(default_factory=list)

    @property
    def coach_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.owner == "coach"]

    @property
    def teacher_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.owner == "teacher"]


def prep_brief(user, session: Session) -> PrepBrief:
    """One page before a meeting: what to open with, what is owed, where the goal stands."""
    relationship = session.relationship
    last_session = last_held_session(user, session)
    open_commitments, next_steps = open_and_agreed_at(user, relationship, last_session)
    follow_ups = Note.objects.follow_ups_due(on=timezone.localtime(session.starts_at).date())
    # The profile of the person being met: the one this coach (or peer) keeps about them.
    about = TeacherProfile.objects.about(relationship, relationship.other_member(user))
    profiles = policy.read_records(user, about, PURPOSE, relationship=relationship)
    return PrepBrief(
        session=session,
        follow_ups=policy.read_records(
            user, follow_ups.order_by("follow_up_on"), PURPOSE, relationship=relationship
        ),
        wins=celebrations(user, session, last_session),
        profile=profiles[0] if profiles else None,
        agreement=agreement_status(user, relationship),
        chart=current_goal_chart(user, relationship),
        commitments=open_commitments,
        last_session=last_session,
        last_next_steps=next_steps,
        answers=policy.read_records(
            user,
            Note.objects.filter(kind=Note.Kind.ANSWER, author=user)
            .select_related("question")
            .order_by("-created_at"),
            PURPOSE,
            limit=ANSWERS_SHOWN,
            relationship=relationship,
        ),
    )


def overdue_on_caseload(user) -> list[Commitment]:
    """Overdue commitments across the person's caseload, oldest first, for their home page."""
    queryset = Commitment.objects.overdue().select_related("relationship__teacher", "relationship__coach")
    queryset = queryset.only(*OVERDUE_PANEL_FIELDS)
    return policy.read_records(user, queryset, PURPOSE, limit=20, caseload=True)


# What a row of the coach home shows of the record's relationship (whom it is with), and what the
# policy and the access log need of the record.
WHO_FIELDS = (
    "relationship__kind",
    "relationship__coach__full_name",
    "relationship__coach__email",
    "relationship__teacher__full_name",
    "relationship__teacher__email",
    "author_id",
    "visibility",
)
# What the home page's overdue panel shows of each commitment.
OVERDUE_PANEL_FIELDS = (*WHO_FIELDS, "owner", "what", "due_on")


def usual_wrap_up(user, relationship: Relationship) -> datetime.time | None:
    """The wrap-up time in the profile ``user`` keeps about the person they meet, to prefill a
    new session (the coach keeps the teacher's; a peer keeps the other peer's)."""
    about = TeacherProfile.objects.about(relationship, relationship.other_member(user))
    profiles = policy.read_records(user, about, PURPOSE, relationship=relationship)
    return profiles[0].usual_wrap_up if profiles else None
