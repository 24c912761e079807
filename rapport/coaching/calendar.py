"""iCalendar for sessions: a download per session and a coach's subscription feed.

Only a title naming the teacher, the place and the times go into a calendar:
calendars are synced to phones and third-party services, so no agenda, notes
or any other confidential text ever does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from rapport.coaching.models import Session

PRODID = "-//Rapport//Coaching sessions//EN"


def _event(session: Session, domain: str) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@{domain}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.calendar_title())
    event.add("location", session.place)
    if session.status == Session.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def calendar_for(sessions: Iterable[Session], domain: str, name: str = "Coaching sessions") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session, domain))
    return calendar.to_ical()
