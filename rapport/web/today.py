"""The coach's "Today": what needs them now, across the whole caseload, in a fixed number of queries.

Sessions of today and the coming days (with their prep briefs), follow-ups due, overdue
commitments, the people not seen lately, the week's appreciations. Everything confidential is
read through the access policy, bounded, and logged like any other read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.utils import timezone

from rapport.coaching.briefs import WHO_FIELDS, overdue_on_caseload
from rapport.coaching.models import Commitment, Session
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.relationships.actions import week_start
from rapport.relationships.coverage import CoverageRow, coverage_for
from rapport.relationships.models import Appreciation, CoachSettings, Note, Noticing, Relationship

PURPOSE = Purpose.RELATIONSHIP_PAGE
RELATED = ("relationship__teacher", "relationship__coach")
# The agenda looks a week ahead: on a Friday the coach sees next week's first days too.
AGENDA_DAYS = 7
AGENDA_SHOWN = 40
# The oldest follow-ups first, and this many; "show all" lists every one.
FOLLOW_UPS_SHOWN = 10
NOT_SEEN_SHOWN = 6
NOTICINGS_SHOWN = 4


@dataclass(frozen=True)
class AgendaItem:
    session: Session
    person: object  # the teacher, or the other peer

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.session.starts_at)


@dataclass(frozen=True)
class AgendaDay:
    day: datetime.date
    items: list[AgendaItem]


@dataclass
class Today:
    today: datetime.date
    sessions_today: list[AgendaItem]
    coming_days: list[AgendaDay]
    follow_ups: list[Note]
    more_follow_ups: bool
    overdue: list[Commitment]
    not_seen: list[CoverageRow]
    not_seen_count: int
    caseload_size: int
    settings: CoachSettings
    sent_this_week: int
    recent_noticings: list[Noticing] = field(default_factory=list)
    # The coach's own spaces with their coach leads (there the coach is the one coached).
    coach_lead_spaces: list[Relationship] = field(default_factory=list)

    @property
    def appreciation_target_met(self) -> bool:
        return self.sent_this_week >= self.settings.weekly_appreciation_target


def agenda(user, today: datetime.date) -> list[AgendaItem]:
    """Scheduled sessions across the caseload from the start of today for a week, in order."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    sessions = (
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=start + datetime.timedelta(days=AGENDA_DAYS),
        )
        .select_related(*RELATED, "series")
        # A row shows with whom, when and where, and how often it repeats: nothing else of the
        # session (its agenda, notes and reasons stay encrypted) nor of the two people is read.
        .only(*WHO_FIELDS, "starts_at", "ends_at", "wrap_up_at", "place", "series__cadence")
        .order_by("starts_at", "pk")
    )
    found = policy.read_records(user, sessions, PURPOSE, limit=AGENDA_SHOWN, caseload=True)
    return [AgendaItem(session=session, person=session.relationship.other_member(user)) for session in found]


def today_for(user, *, all_follow_ups: bool = False) -> Today:
    today = timezone.localdate()
    settings = CoachSettings.for_coach(user)
    items = agenda(user, today)
    by_day = [
        AgendaDay(day=day, items=list(group))
        for day, group in groupby(items, key=lambda item: item.local_start.date())
    ]
    sessions_today = by_day[0].items if by_day and by_day[0].day == today else []
    coming_days = [agenda_day for agenda_day in by_day if agenda_day.day != today]

    due = Note.objects.follow_ups_due(today)
    follow_ups = policy.read_records(  # one more than shown tells whether there are more
        user,
        due.select_related(*RELATED).only(*WHO_FIELDS, "body", "follow_up_on").order_by("follow_up_on", "pk"),
        PURPOSE,
        limit=None if all_follow_ups else FOLLOW_UPS_SHOWN + 1,
        own=True,
    )
    more_follow_ups = not all_follow_ups and len(follow_ups) > FOLLOW_UPS_SHOWN

    rows = coverage_for(user, settings.coverage_threshold_days)
    not_seen = [row for row in rows if row.overdue]
    sent_this_week = (
        policy.visible_records(user, Appreciation.objects.all(), own=True)
        .sent_since(week_start(today))
        .count()
    )
    noticings = Noticing.objects.select_related(*RELATED).only(*WHO_FIELDS, "body", "noticed_on")
    return Today(
        coach_lead_spaces=list(policy.coach_lead_spaces_with(user).select_related("coach")),
        today=today,
        sessions_today=sessions_today,
        coming_days=coming_days,
        follow_ups=follow_ups[:FOLLOW_UPS_SHOWN] if not all_follow_ups else follow_ups,
        more_follow_ups=more_follow_ups,
        overdue=overdue_on_caseload(user),
        not_seen=not_seen[:NOT_SEEN_SHOWN],
        not_seen_count=len(not_seen),
        caseload_size=len(rows),
        settings=settings,
        sent_this_week=sent_this_week,
        recent_noticings=policy.read_records(user, noticings, PURPOSE, limit=NOTICINGS_SHOWN, own=True),
    )
