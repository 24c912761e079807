"""Trust indicators: what a coach's own behaviour says about each relationship.

Three dimensions of trust, each counted from what happened, never from what
anyone wrote (no confidential text is read here; only dates, statuses and
counts). The definitions below are shown beside every number, so a coach can
see exactly how it is made. Indicators are for the coach: no view shows them to
a leader, per teacher or otherwise. A coach may choose to show their coach lead
the aggregates of their own practice (``practice_indicators``), never a
per-teacher figure.

Every number covers the current school year (from August 1st).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rapport.coaching.models import (
    Agreement,
    AgreementAcknowledgement,
    Commitment,
    SentSummary,
    Session,
    Side,
)
from rapport.people.models import User
from rapport.privacy import aggregates
from rapport.relationships.coverage import days_between
from rapport.relationships.models import (
    Appreciation,
    CoachSettings,
    Noticing,
    Relationship,
    Touchpoint,
)

# Without contact for this many days, a relationship shows as thin on the dashboard.
QUIET_DAYS = 21
# Below this share of promises kept on time, reliability shows as thin.
ON_TIME_FLOOR = 0.8

DEFINITIONS = {
    "agreement": "Your coaching agreement exists and the teacher has acknowledged its current version.",
    "summaries": "Of the sessions held, how many had a follow-up summary sent afterwards.",
    "wins": "Good things you noticed and wrote down: what you can open a meeting with.",
    "touchpoints": "Informal contacts you logged: hallway, lunch, drop-ins.",
    "appreciations": "Specific appreciation messages you sent.",
    "days_since_contact": (
        "Days since the last contact of any kind (session, visit, touchpoint, appreciation)."
    ),
    "on_time": "Of your own commitments that fell due, how many you kept by the due date.",
    "sessions": (
        "Sessions held, and sessions you (not the teacher) cancelled: a cancellation is a broken promise."
    ),
    "resources": "Commitments of yours that delivered a resource and are done.",
}


def school_year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 8 else today.year - 1, 8, 1)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class Indicators:
    relationship: Relationship
    agreement_in_place: bool = False
    agreement_acknowledged: bool = False
    sessions_held: int = 0
    summaries_sent: int = 0
    wins_noticed: int = 0
    touchpoints: int = 0
    appreciations: int = 0
    days_since_contact: int | None = None
    commitments_due: int = 0
    commitments_on_time: int = 0
    coach_cancellations: int = 0
    resources_delivered: int = 0
    thin: list[str] = field(default_factory=list)
    # The other member, as the person reading the dashboard names them (set by the view).
    other: User = field(init=False, repr=False, compare=False)

    @property
    def on_time_rate(self) -> float | None:
        return self.commitments_on_time / self.commitments_due if self.commitments_due else None

    @property
    def summary_rate(self) -> float | None:
        return (
            min(self.summaries_sent, self.sessions_held) / self.sessions_held if self.sessions_held else None
        )

    def find_thin_places(self) -> None:
        """Where trust looks thin, each with what to do next."""
        self.thin = []
        if not self.agreement_in_place:
            self.thin.append("No coaching agreement yet: draft one together at your next meeting.")
        elif not self.agreement_acknowledged:
            self.thin.append("The agreement is not acknowledged: ask the teacher to read and acknowledge it.")
        if self.days_since_contact is None or self.days_since_contact > QUIET_DAYS:
            self.thin.append("It has been a while: stop by, or send a quick note to say hello.")
        if self.sessions_held and self.summaries_sent < self.sessions_held:
            self.thin.append("Some sessions had no follow-up summary: send one after the next meeting.")
        if self.on_time_rate is not None and self.on_time_rate < ON_TIME_FLOOR:
            self.thin.append("Some of your promises ran late: close the open ones or agree new dates.")
        if self.coach_cancellations:
            self.thin.append("You cancelled a session: protect the next one, and say so.")
        if not self.appreciations and not self.wins_noticed:
            self.thin.append("No wins noticed yet: look for one thing that works and name it.")


def _counts(queryset, date_field: str, since: datetime.date, **filters) -> dict[int, int]:
    rows = aggregates.rows(queryset.filter(**{f"{date_field}__gte": since}, **filters), "relationship_id")
    return {row["relationship_id"]: row["n"] for row in rows}


def caseload_indicators(
    relationships: list[Relationship], today: datetime.date | None = None
) -> list[Indicators]:
    """Indicators for each relationship, in a fixed number of queries whatever the caseload size."""
    today = today or timezone.localdate()
    since_day = school_year_start(today)
    since = _moment(since_day)
    ids = [r.pk for r in relationships]
    within = {"relationship_id__in": ids}

    agreements = {
        row["relationship_id"]: row["version"]
        for row in aggregates.values(Agreement.objects.filter(**within), "relationship_id", "version")
    }
    acknowledged = set(
        AgreementAcknowledgement.objects.filter(
            agreement__relationship_id__in=ids,
            version=F("agreement__version"),
            person_id=F("agreement__relationship__teacher_id"),
        ).values_list("agreement__relationship_id", flat=True)
    )
    held = _counts(Session.objects.filter(**within), "starts_at", since, status=Session.Status.HELD)
    cancelled = _counts(
        Session.objects.filter(**within),
        "starts_at",
        since,
        status=Session.Status.CANCELLED,
        cancelled_by=Side.COACH,
    )
    summary_rows = aggregates.rows(
        SentSummary.objects.filter(
            **within, session__starts_at__gte=since, session__status=Session.Status.HELD
        ),
        "relationship_id",
        n=Count("session_id", distinct=True),
    )
    summaries = {row["relationship_id"]: row["n"] for row in summary_rows}
    wins = _counts(Noticing.objects.filter(**within), "noticed_on", since_day)
    touchpoints = _counts(Touchpoint.objects.filter(**within), "happened_at", since)
    appreciations = _counts(Appreciation.objects.filter(**within), "sent_at", since)
    # The same rule as CommitmentQuerySet.on_time_rate, grouped by relationship.
    commitment_rows = aggregates.rows(
        Commitment.objects.filter(**within, owner=Side.COACH, due_on__gte=since_day).filter(
            Q(done_on__isnull=False) | Q(due_on__lt=today)
        ),
        "relationship_id",
        due=Count("pk"),
        on_time=Count("pk", filter=Q(done_on__lte=F("due_on"))),
    )
    commitments = {row["relationship_id"]: row for row in commitment_rows}
    # Whether a resource was named, never which: the title stays encrypted and unread.
    resources = {
        row["relationship_id"]: row["n"]
        for row in aggregates.rows(
            Commitment.objects.filter(**within, owner=Side.COACH, done_on__gte=since_day),
            "relationship_id",
            n=Count("pk", filter=Q(resource_title__isblank=False)),
        )
    }

    now = timezone.now()
    result = []
    for relationship in relationships:
        pk = relationship.pk
        indicators = Indicators(
            relationship=relationship,
            agreement_in_place=pk in agreements,
            agreement_acknowledged=pk in acknowledged,
            sessions_held=held.get(pk, 0),
            summaries_sent=summaries.get(pk, 0),
            wins_noticed=wins.get(pk, 0),
            touchpoints=touchpoints.get(pk, 0),
            appreciations=appreciations.get(pk, 0),
            days_since_contact=days_between(relationship.last_contact_at, now),
            commitments_due=commitments.get(pk, {}).get("due", 0),
            commitments_on_time=commitments.get(pk, {}).get("on_time", 0),
            coach_cancellations=cancelled.get(pk, 0),
            resources_delivered=resources.get(pk, 0),
        )
        indicators.find_thin_places()
        result.append(indicators)
    return result


# Series labels of the monthly trend, in the coach's own voice and in the coach lead's.
COACH_SERIES = (
    "Communicative: follow-up summaries sent",
    "Relational: touchpoints, appreciations and wins",
    "Competence: your commitments kept on time",
    "Sessions you cancelled",
)
LEAD_SERIES = (
    "Follow-up summaries sent",
    "Touchpoints, appreciations and wins",
    "Commitments kept on time",
    "Sessions the coach cancelled",
)


def _school_year_months(today: datetime.date) -> list[datetime.date]:
    months = []
    day = school_year_start(today)
    while day <= today:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def _monthly_trends(
    group: str, within: dict, keys: list[int], labels: tuple[str, ...], today: datetime.date
) -> dict[int, dict]:
    """One chart per key (a relationship, or a coach): month by month over the school year.

    ``group`` names the field the counts are grouped by (``relationship_id`` or
    ``relationship__coach_id``), so any number of keys costs the same five queries.
    """
    months = _school_year_months(today)
    since = _moment(months[0])

    def by_month(queryset, date_field: str) -> dict[tuple[int, datetime.date], int]:
        rows = aggregates.rows(
            queryset.filter(**within, **{f"{date_field}__gte": since}).annotate(
                key=F(group), month=TruncMonth(date_field)
            ),
            "key",
            "month",
        )
        return {(row["key"], _as_date(row["month"])): row["n"] for row in rows}

    communicative = by_month(SentSummary.objects.all(), "sent_at")
    relational: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for counts in (
        by_month(Touchpoint.objects.all(), "happened_at"),
        by_month(Appreciation.objects.all(), "sent_at"),
        by_month(Noticing.objects.all(), "noticed_on"),
    ):
        for key_month, n in counts.items():
            relational[key_month] += n
    competence = by_month(Commitment.objects.filter(owner=Side.COACH, done_on__lte=F("due_on")), "done_on")
    broken = by_month(
        Session.objects.filter(status=Session.Status.CANCELLED, cancelled_by=Side.COACH), "starts_at"
    )
    return {
        key: {
            "labels": [month.strftime("%b %Y") for month in months],
            "series": [
                {"label": label, "data": [counts.get((key, m), 0) for m in months]}
                for label, counts in zip(labels, (communicative, relational, competence, broken), strict=True)
            ],
        }
        for key in keys
    }


def monthly_trend(relationship: Relationship, today: datetime.date | None = None) -> dict:
    """Month by month over the school year: one series per dimension, for the chart and its table."""
    trends = _monthly_trends(
        "relationship_id",
        {"relationship": relationship},
        [relationship.pk],
        COACH_SERIES,
        today or timezone.localdate(),
    )
    return trends[relationship.pk]


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# --- A coach's own practice, for their coach lead ---------------------------------------------
# Aggregates of the per-relationship indicators above, summed over a coach's caseload. They
# reach a coach lead only for coaches who chose to share them (policy.coaches_sharing_practice_with)
# and never carry a teacher's name, a record or a per-teacher figure.

PRACTICE_DEFINITIONS = {
    "sessions": (
        "Of the sessions that were held or that the coach cancelled, the share that was held. "
        "Sessions a teacher cancelled do not count."
    ),
    "on_time": "Of the coach's own commitments that fell due, the share kept by the due date.",
    "summaries": "Of the sessions held, the share that had a follow-up summary sent afterwards.",
    "appreciations": (
        "Specific appreciation messages sent, per week since August 1st, beside the weekly target "
        "the coach set for themselves."
    ),
    "coverage": (
        "Of the teachers on the caseload, the share the coach had contact with within the number "
        "of days the coach chose (any contact: session, visit, touchpoint, appreciation)."
    ),
    "agreements": (
        "Of the teachers on the caseload, the share who acknowledged the current coaching agreement."
    ),
}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Practice:
    """One coach's practice over the school year, summed across the caseload."""

    coach: User
    teachers: int = 0
    sessions_held: int = 0
    coach_cancellations: int = 0
    summaries_sent: int = 0
    commitments_due: int = 0
    commitments_on_time: int = 0
    appreciations: int = 0
    weeks: float = 1.0
    weekly_target: int = CoachSettings.DEFAULT_WEEKLY_APPRECIATIONS
    coverage_days: int = CoachSettings.DEFAULT_COVERAGE_DAYS
    contacted_in_time: int = 0
    agreements_acknowledged: int = 0
    trend: dict = field(default_factory=dict)

    @property
    def held_rate(self) -> float | None:
        return _share(self.sessions_held, self.sessions_held + self.coach_cancellations)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.commitments_on_time, self.commitments_due)

    @property
    def summary_rate(self) -> float | None:
        return _share(self.summaries_sent, self.sessions_held)

    @property
    def appreciations_per_week(self) -> float:
        return self.appreciations / self.weeks

    @property
    def coverage_rate(self) -> float | None:
        return _share(self.contacted_in_time, self.teachers)

    @property
    def acknowledged_rate(self) -> float | None:
        return _share(self.agreements_acknowledged, self.teachers)


def practice_relationships(coach_ids: list[int]) -> QuerySet[Relationship]:
    """The caseloads the practice indicators sum over: active coaching relationships, not peers."""
    return Relationship.objects.filter(coach_id__in=coach_ids, kind=Relationship.Kind.COACHING).active()


def practice_indicators(coaches: list, today: datetime.date | None = None) -> list[Practice]:
    """Each coach's practice, in a fixed number of queries whatever the number of coaches.

    Built from ``caseload_indicators`` over the coaches' active coaching
    relationships, so every number means exactly what it means on the coach's own
    trust dashboard. Only dates, statuses and counts are read.
    """
    today = today or timezone.localdate()
    coach_ids = [coach.pk for coach in coaches]
    relationships = list(practice_relationships(coach_ids))
    own_settings = {s.coach_id: s for s in CoachSettings.objects.filter(coach_id__in=coach_ids)}
    weeks = max((today - school_year_start(today)).days / 7, 1.0)
    practices = {}
    for coach in coaches:
        chosen = own_settings.get(coach.pk) or CoachSettings(coach_id=coach.pk)
        practices[coach.pk] = Practice(
            coach=coach,
            weeks=weeks,
            weekly_target=chosen.weekly_appreciation_target,
            coverage_days=chosen.coverage_threshold_days,
        )
    now = timezone.now()
    for row in caseload_indicators(relationships, today):
        practice = practices[row.relationship.coach_id]
        days = days_between(row.relationship.last_contact_at, now)
        practice.teachers += 1
        practice.sessions_held += row.sessions_held
        practice.coach_cancellations += row.coach_cancellations
        practice.summaries_sent += min(row.summaries_sent, row.sessions_held)
        practice.commitments_due += row.commitments_due
        practice.commitments_on_time += row.commitments_on_time
        practice.appreciations += row.appreciations
        # The coverage page's rule: at the threshold or beyond, a teacher counts as not seen.
        practice.contacted_in_time += days is not None and days < practice.coverage_days
        practice.agreements_acknowledged += row.agreement_acknowledged
    trends = _monthly_trends(
        "relationship__coach_id", {"relationship__in": relationships}, coach_ids, LEAD_SERIES, today
    )
    for pk, practice in practices.items():
        practice.trend = trends[pk]
    return list(practices.values())
