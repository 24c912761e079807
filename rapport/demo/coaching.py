"""Demo history for coaching cycles, deterministic and in our own words.

Every relationship gets an agreement, cycles with evidence and decisions,
sessions every two to three weeks (some cancelled by the coach, some by the
teacher), a next step per session, and brief visits. Built with
``bulk_create`` so thousands of teachers over years stay quick.
coach@example.org meets teacher@example.org later today (or tomorrow morning
if the day is nearly over), so the prep brief and the live view are ready to try.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from rapport.coaching.actions import starter_agreement
from rapport.coaching.models import (
    Agreement,
    AgreementAcknowledgement,
    AgreementRevision,
    Commitment,
    Cycle,
    Decision,
    EvidencePoint,
    SentSummary,
    Session,
    SessionSeries,
    Side,
    Visit,
)
from rapport.demo.district import DemoDistrict, history_builder
from rapport.privacy import aggregates
from rapport.relationships.models import Relationship, Visibility

BATCH = 2000
MEETING_PLACES = ["Room 12", "The library", "Their classroom", "The coaching office", "Video call"]
MEETINGS = [
    "Every other Tuesday at 3:15, in {place}, for 40 minutes.",
    "Thursdays during planning period, in {place}, for 30 minutes.",
    "Every two weeks on Monday after school, in {place}, for 45 minutes.",
]
FEEDBACK = [
    "In writing first, then a short talk the next day.",
    "Straight away and in person, with one thing to try.",
    "Questions before suggestions; examples help.",
]
GOALS = [
    ("Students ask each other questions during discussions.", "Student-to-student questions in ten minutes"),
    ("Students explain their reasoning in full sentences.", "Share of students who explain a step aloud"),
    ("Students start independent work within two minutes.", "Share of students started after two minutes"),
    ("Students use the word wall while writing.", "Share of drafts using two or more new words"),
    ("Students give each other specific feedback on drafts.", "Share of peer comments that name a next step"),
]
MOVES = [
    "Sentence stems on the table",
    "Think time before any hands",
    "Turn-and-talk with a job for each partner",
    "A visible timer for transitions",
    "Modelling a question with a student",
]
OPTIONS = [
    "Try question stems for one week.",
    "Film a discussion and watch it together.",
    "Visit a colleague's room during a discussion.",
    "Co-plan one lesson around partner talk.",
]
AGENDAS = [
    "Look at the latest student work together; choose one next move.",
    "Debrief the visit; decide what to try this week.",
    "Check the goal chart; plan the next data point.",
    "Plan a lesson together for Thursday.",
]
SESSION_NOTES = [
    "Students used the stems more than last time. Next: fewer stems, more wait time.",
    "Talked through the video. The teacher picked partner roles as the next move.",
    "The chart is moving. We agreed to count again in two weeks.",
    "A short meeting; the teacher had a parent call. We kept to the one decision.",
]
CANCEL_REASONS = {
    Side.COACH: ["A district meeting was moved onto this slot.", "I was out sick."],
    Side.TEACHER: ["A parent conference came up.", "Covering a colleague's class."],
}
NEXT_STEPS = [
    (Side.COACH, "Send the question-stem cards", "https://example.org/resources/question-stems"),
    (Side.TEACHER, "Try partner roles in two lessons", ""),
    (Side.COACH, "Model the launch in period 3", ""),
    (Side.TEACHER, "Collect one set of exit tickets", ""),
    (Side.COACH, "Share the article on wait time", "https://example.org/resources/wait-time"),
]
VISIT_DOING = [
    "Students worked in pairs on a word sort and explained their choices.",
    "Small groups read the same text and marked questions in the margin.",
    "Students solved a problem two ways and compared on whiteboards.",
]
VISIT_WORKED = [
    "The timer kept the transitions short and calm.",
    "Every student had a role in the group.",
    "The anchor chart was in use without reminders.",
]
VISIT_WONDERINGS = [
    "I wonder what would happen if students chose their own partners.",
    "I wonder whether a second question would stretch the fast finishers.",
    "I wonder how the quiet group would do with a talking stick.",
]
SESSION_START = datetime.time(15, 15)


def _at(day: datetime.date, clock: datetime.time = SESSION_START) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


SESSION_MINUTES = (30, 40, 45)


def _minutes(relationship: Relationship) -> int:
    """How long this pair's sessions last: the same every time, different between pairs."""
    return SESSION_MINUTES[relationship.pk % len(SESSION_MINUTES)]


def _usual_start(demo: DemoDistrict, relationship: Relationship) -> datetime.time:
    """The start that ends a session five minutes after the wrap-up time in the teacher's profile."""
    wrap_up = demo.usual_wrap_ups.get(relationship.pk)
    if wrap_up is None:
        return SESSION_START
    ends = datetime.datetime.combine(datetime.date.min, wrap_up) + datetime.timedelta(minutes=5)
    return (ends - datetime.timedelta(minutes=_minutes(relationship))).time()


class CoachDiary:
    """Each coach's booked sessions, so that the demo never books a coach twice at once."""

    def __init__(self) -> None:
        self.booked: dict[tuple[int, datetime.date], list[tuple[datetime.time, datetime.time]]] = {}

    def first_free_day(
        self, relationship: Relationship, day: datetime.date, start: datetime.time
    ) -> datetime.date:
        """The first weekday from ``day`` on which the coach is free for a session at ``start``."""
        end = self._end(relationship, start)
        while any(
            start < taken_end and taken_start < end
            for taken_start, taken_end in self.booked.get((relationship.coach_id, day), [])
        ):
            day = _weekday(day + datetime.timedelta(days=1))
        return day

    def book(self, relationship: Relationship, day: datetime.date, start: datetime.time) -> None:
        self.booked.setdefault((relationship.coach_id, day), []).append(
            (start, self._end(relationship, start))
        )

    @staticmethod
    def _end(relationship: Relationship, start: datetime.time) -> datetime.time:
        minutes = datetime.timedelta(minutes=_minutes(relationship))
        return (datetime.datetime.combine(datetime.date.min, start) + minutes).time()


def _session(relationship: Relationship, starts_at: datetime.datetime, **fields) -> Session:
    minutes = _minutes(relationship)
    return Session(
        relationship=relationship,
        author=relationship.coach,
        visibility=Visibility.SHARED,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        wrap_up_at=starts_at + datetime.timedelta(minutes=minutes - 5),
        created_at=starts_at - datetime.timedelta(days=7),
        **fields,
    )


def _soon(usual: datetime.time) -> datetime.datetime:
    """The demo meeting: within school hours, later today if the day allows it, else tomorrow at
    the pair's usual time."""
    now = timezone.localtime()
    if now.weekday() >= 5:
        return _at(_weekday(now.date()), usual)  # the weekend: Monday
    start = (now + datetime.timedelta(minutes=90)).replace(minute=0, second=0, microsecond=0)
    if start.date() == now.date() and start.hour < usual.hour:
        return _at(now.date(), usual)  # before school: this afternoon
    if start.date() != now.date() or start.hour >= 17:
        return _at(_weekday(now.date() + datetime.timedelta(days=1)), usual)
    return start


@history_builder
def agreements_history(demo: DemoDistrict, years: int) -> None:
    """An acknowledged agreement for most relationships; a few are waiting for the teacher."""
    rng = demo.rng
    agreements, revisions, acks = [], [], []
    for relationship in demo.relationships:
        sections = starter_agreement(relationship)
        sections["meetings"] = rng.choice(MEETINGS).format(place=rng.choice(MEETING_PLACES).lower())
        sections["feedback_preferences"] = rng.choice(FEEDBACK)
        sections["focus"] = sections["focus"] or "Student talk"
        agreements.append(
            Agreement(
                relationship=relationship,
                author=relationship.coach,
                visibility=Visibility.SHARED,
                created_at=_at(relationship.started_on),
                **sections,
            )
        )
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)
    for index, agreement in enumerate(agreements):
        relationship = agreement.relationship
        revisions.append(
            AgreementRevision(
                agreement=agreement,
                version=1,
                changed_sections="All sections (first version)",
                changed_by=relationship.coach,
                changed_at=agreement.created_at,
                text=json.dumps({name: getattr(agreement, name) for name, _ in Agreement.SECTIONS}),
            )
        )
        if index % 6 == 5:
            continue  # still waiting for the teacher
        people = (
            [relationship.coach, relationship.teacher] if relationship.is_peer else [relationship.teacher]
        )
        acks += [
            AgreementAcknowledgement(
                agreement=agreement,
                version=1,
                person=person,
                acknowledged_at=agreement.created_at + datetime.timedelta(days=rng.randint(0, 3)),
                via=rng.choice(AgreementAcknowledgement.Via.values),
            )
            for person in people
        ]
    AgreementRevision.objects.bulk_create(revisions, batch_size=BATCH)
    AgreementAcknowledgement.objects.bulk_create(acks, batch_size=BATCH)


@history_builder
def cycles_history(demo: DemoDistrict, years: int) -> None:
    """A cycle about every four months; the latest is under way, earlier ones done."""
    rng = demo.rng
    today = timezone.localdate()
    cycles, points_for = [], []
    for relationship in demo.relationships:
        start = relationship.started_on + datetime.timedelta(days=rng.randint(7, 30))
        while start < today:
            end = start + datetime.timedelta(days=120)
            goal, measure = rng.choice(GOALS)
            baseline = rng.randint(10, 40)
            cycle = Cycle(
                relationship=relationship,
                author=relationship.coach,
                visibility=Visibility.SHARED,
                student_goal=goal,
                measure=measure,
                baseline=Decimal(baseline),
                target=Decimal(min(baseline + rng.randint(25, 45), 100)),
                target_date=end,
                status=Cycle.Status.DONE if end < today else rng.choice(Cycle.Status.values[:3]),
                moves="\n".join(rng.sample(MOVES, 2)),
                created_at=_at(start),
                completed_at=_at(end) if end < today else None,
            )
            cycles.append(cycle)
            points_for.append((cycle, start, min(end, today)))
            start = end + datetime.timedelta(days=rng.randint(10, 30))
    Cycle.objects.bulk_create(cycles, batch_size=BATCH)
    evidence, decisions = [], []
    for cycle, start, end in points_for:
        shared = {"relationship": cycle.relationship, "author": cycle.author, "visibility": Visibility.SHARED}
        day, value = start, float(cycle.baseline)
        step = (float(cycle.target) - value) / 6
        while day <= end:
            evidence.append(
                EvidencePoint(
                    **shared,
                    cycle=cycle,
                    measured_on=day,
                    value=Decimal(round(value, 1)).quantize(Decimal("0.1")),
                    source=rng.choice(EvidencePoint.Source.values),
                )
            )
            value = min(value + step * rng.uniform(0.4, 1.4), 100)
            day += datetime.timedelta(days=rng.randint(14, 24))
        for n, option in enumerate(rng.sample(OPTIONS, 2)):
            decisions.append(
                Decision(
                    **shared,
                    cycle=cycle,
                    option=option,
                    proposed_by=Side.TEACHER if n else Side.COACH,
                    teacher_choice=Decision.Choice.CHOSEN if n == 0 else Decision.Choice.SET_ASIDE,
                    created_at=_at(start + datetime.timedelta(days=10)),
                )
            )
    EvidencePoint.objects.bulk_create(evidence, batch_size=BATCH)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)


@history_builder
def sessions_history(demo: DemoDistrict, years: int) -> None:
    """Sessions every two to three weeks; about one in ten cancelled, mostly by the teacher."""
    rng = demo.rng
    today = timezone.localdate()
    sessions: list[Session] = []
    diary = CoachDiary()
    demo_pair = demo.relationships[0]  # coach@example.org and teacher@example.org
    # The demo pair meets every other week: a series of four, the first of them soon.
    soon = _soon(_usual_start(demo, demo_pair))
    series_starts = [soon + datetime.timedelta(days=14 * n) for n in range(4)]
    for starts_at in series_starts:
        diary.book(demo_pair, timezone.localtime(starts_at).date(), timezone.localtime(starts_at).time())
    for relationship in demo.relationships:
        clock = _usual_start(demo, relationship)
        day = _weekday(relationship.started_on + datetime.timedelta(days=rng.randint(3, 10)))
        while (day := diary.first_free_day(relationship, day, clock)) < today:
            diary.book(relationship, day, clock)
            fields: dict[str, Any] = {"place": rng.choice(MEETING_PLACES), "agenda": rng.choice(AGENDAS)}
            roll = rng.random()
            if roll < 0.04:
                fields |= {"status": Session.Status.CANCELLED, "cancelled_by": Side.COACH}
            elif roll < 0.1:
                fields |= {"status": Session.Status.CANCELLED, "cancelled_by": Side.TEACHER}
            else:
                fields |= {"status": Session.Status.HELD, "notes": rng.choice(SESSION_NOTES)}
            if fields["status"] == Session.Status.CANCELLED:
                fields["cancel_reason"] = rng.choice(CANCEL_REASONS[fields["cancelled_by"]])
            session = _session(relationship, _at(day, clock), **fields)
            if session.status == Session.Status.HELD:
                session.held_at = session.ends_at
            sessions.append(session)
            day = _weekday(day + datetime.timedelta(days=rng.randint(14, 21)))
        upcoming = _weekday(today + datetime.timedelta(days=rng.randint(1, 12)))
        if relationship == demo_pair:
            continue  # its coming sessions are the series below
        upcoming = diary.first_free_day(relationship, upcoming, clock)
        diary.book(relationship, upcoming, clock)
        sessions.append(_session(relationship, _at(upcoming, clock), place=rng.choice(MEETING_PLACES)))
    series = SessionSeries.objects.create(
        relationship=demo_pair,
        author=demo_pair.coach,
        visibility=Visibility.SHARED,
        cadence=SessionSeries.Cadence.FORTNIGHTLY,
        occurrences=len(series_starts),
    )
    for n, starts_at in enumerate(series_starts):
        agenda = "Open with a win; look at the partner-talk chart." if n == 0 else ""
        sessions.append(_session(demo_pair, starts_at, place="Room 12", agenda=agenda, series=series))
    Session.objects.bulk_create(sessions, batch_size=BATCH)

    commitments = []
    for session in sessions:
        if session.status != Session.Status.HELD:
            continue
        owner, what, url = rng.choice(NEXT_STEPS)
        met = session.starts_at.date()
        due = met + datetime.timedelta(days=7)
        roll = rng.random()
        recent = (today - due).days < 21
        if recent and roll < 0.3:
            done = None  # still open; overdue if its date has passed
        elif roll < 0.85:
            done = due - datetime.timedelta(days=rng.randint(0, 4))
        else:
            done = due + datetime.timedelta(days=rng.randint(1, 6))
        commitments.append(
            Commitment(
                relationship=session.relationship,
                author=session.author,
                visibility=Visibility.SHARED,
                owner=owner,
                what=what,
                due_on=due,
                done_on=min(done, today) if done else None,
                resource_title=what if url else "",
                resource_url=url,
                session=session,
                created_at=session.ends_at,
            )
        )
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    _summaries_sent(demo, commitments)


def _summaries_sent(demo: DemoDistrict, next_steps: list[Commitment]) -> None:
    """Most coaches send the follow-up summary after a meeting, usually the same afternoon."""
    rng = demo.rng
    summaries = []
    for step in next_steps:
        if rng.random() >= 0.8:
            continue
        session = step.session
        if session is None:  # every next step here was agreed in a session
            continue
        teacher = session.relationship.teacher
        whose = "Your next step" if step.owner == Side.TEACHER else "My next step"
        summaries.append(
            SentSummary(
                relationship=session.relationship,
                author=session.author,
                visibility=Visibility.SHARED,
                session=session,
                body=f"Thanks for meeting today, {teacher.get_short_name()}.\n\n{whose}: {step.what} "
                f"(by {step.due_on:%b} {step.due_on.day}).",
                sent_to=teacher.email,
                sent_at=session.ends_at + datetime.timedelta(hours=rng.randint(1, 5)),
            )
        )
    SentSummary.objects.bulk_create(summaries, batch_size=BATCH)


@history_builder
def visits_history(demo: DemoDistrict, years: int) -> None:
    """A brief visit about every six weeks; most are shared with the teacher after a day or two."""
    rng = demo.rng
    today = timezone.localdate()
    visits = []
    for relationship in demo.relationships:
        day = _weekday(relationship.started_on + datetime.timedelta(days=rng.randint(10, 40)))
        while day < today:
            at = _at(day, datetime.time(rng.choice([8, 9, 10, 13]), rng.choice([0, 15, 30])))
            visits.append(
                Visit(
                    relationship=relationship,
                    author=relationship.coach,
                    visibility=Visibility.SHARED if rng.random() < 0.7 else Visibility.PRIVATE,
                    visited_at=at,
                    minutes=rng.choice([10, 15, 15, 15]),
                    students_doing=rng.choice(VISIT_DOING),
                    what_worked=rng.choice(VISIT_WORKED),
                    wonderings=rng.choice(VISIT_WONDERINGS),
                    created_at=at,
                )
            )
            day = _weekday(day + datetime.timedelta(days=rng.randint(35, 49)))
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    _record_contacts(demo)


def _record_contacts(demo: DemoDistrict) -> None:
    """Held sessions and visits are contact: keep ``last_contact_at`` as record_contact would."""
    latest: dict[int, datetime.datetime] = {}
    held = aggregates.rows(
        Session.objects.filter(status=Session.Status.HELD), "relationship_id", at=Max("starts_at")
    )
    visited = aggregates.rows(Visit.objects.all(), "relationship_id", at=Max("visited_at"))
    for row in [*held, *visited]:
        if row["at"] > latest.get(row["relationship_id"], row["at"] - datetime.timedelta(seconds=1)):
            latest[row["relationship_id"]] = row["at"]
    changed = []
    for relationship in demo.relationships:
        at = latest.get(relationship.pk)
        if at and (relationship.last_contact_at is None or at > relationship.last_contact_at):
            relationship.last_contact_at = at
            changed.append(relationship)
    Relationship.objects.bulk_update(changed, ["last_contact_at"], batch_size=BATCH)
