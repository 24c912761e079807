"""The access log as the person it is about reads it: one line per visit, in plain words.

The log itself has one entry per record read ("Note #22 · Viewed the relationship page"); a
page view writes several at the same moment. Here consecutive entries by the same person for
the same reason, close together in time, become one visit: "Maya Okafor opened your page and
read 4 notes and your coaching agreement — Dec 4, 9:38". The records are named for the person
the log is about (they are theirs), never with their content: entries carry none.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps

from rapport.privacy import policy
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.privacy.types import Person

# Reads by the same person for the same reason within this gap of each other are one visit.
VISIT_GAP = datetime.timedelta(minutes=15)
# Entries read per page of the log; a visit cut by the page's end moves whole to the next page.
ENTRIES_PER_PAGE = 400

# What the reader did, by why-code; "{records}" becomes "4 notes and your coaching agreement".
DOINGS: dict[str, str] = {
    Purpose.RELATIONSHIP_PAGE: "opened your page and read {records}",
    Purpose.TEACHER_SPACE: "read {records} on their own page",
    Purpose.RELEASED_TO_LEADER: "read {records} you released to them",
    Purpose.RELEASE: "opened {records} to release it",
    Purpose.EXPORT: "included {records} in a data export",
    Purpose.API: "read {records} through the API",
    Purpose.SHARED_WITH_COACH_LEAD: "read {records} shared with them as coach lead",
    Purpose.SEARCH: "found {records} in a search",
    Purpose.CONSENT: "opened {records} to decide whether a coach lead may read it",
}
# Records that exist once per relationship read best as "your …".
ONE_OF_A_KIND = {"coaching agreement", "teacher profile", "readiness profile"}


@cache
def kind_of(record_type: str, record_label: str) -> str:
    """ "note" for a "relationships.note" entry; the entry's own label ("note #22") without
    its number if the model no longer exists."""
    try:
        label: str = apps.get_model(record_type).record_label
        return label
    except (LookupError, ValueError, AttributeError):
        return record_label.split(" #")[0]


def plural(label: str, count: int) -> str:
    if count == 1:
        if label in ONE_OF_A_KIND:
            return f"your {label}"
        return f"an {label}" if label[0] in "aeiou" else f"a {label}"
    if label.endswith("y") and label[-2:-1] not in "aeiou":
        return f"{count} {label[:-1]}ies"
    return f"{count} {label}s"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class Visit:
    """Consecutive reads by one person for one reason: one line of the readable log."""

    reader: Person
    purpose: str
    first_at: datetime.datetime
    last_at: datetime.datetime
    labels: Counter[str]

    @property
    def record_count(self) -> int:
        return sum(self.labels.values())

    @property
    def records(self) -> str:
        # Most-read kinds first; ties in the order the model names them (stable for a page).
        kinds = sorted(self.labels.items(), key=lambda item: (-item[1], item[0]))
        return _and([plural(label, count) for label, count in kinds])

    @property
    def what(self) -> str:
        doing = DOINGS.get(self.purpose, "read {records}")
        return doing.format(records=self.records)

    def takes(self, entry: AccessLogEntry) -> bool:
        """Whether the entry (older than every entry here) belongs to this visit."""
        return (
            entry.accessor_id == self.reader.pk
            and entry.purpose == self.purpose
            and self.first_at - entry.at <= VISIT_GAP
        )

    def add(self, entry: AccessLogEntry) -> None:
        self.first_at = min(self.first_at, entry.at)
        self.labels[kind_of(entry.record_type, entry.record_label)] += 1


def visits_of(entries: Iterable[AccessLogEntry]) -> list[Visit]:
    """Group entries, newest first, into visits, newest first."""
    visits: list[Visit] = []
    for entry in entries:
        if visits and visits[-1].takes(entry):
            visits[-1].add(entry)
            continue
        visits.append(
            Visit(
                reader=entry.accessor,
                purpose=entry.purpose,
                first_at=entry.at,
                last_at=entry.at,
                labels=Counter({kind_of(entry.record_type, entry.record_label): 1}),
            )
        )
    return visits


@dataclass
class LogPage:
    visits: list[Visit]
    older_than: int | None  # the sequence number the next (older) page starts below, if any


def log_page(person: Person, before: int | None = None, size: int | None = None) -> LogPage:
    """One page of visits of the log about ``person`` (``policy.newest_access_log_for``), newest first.

    Paged by sequence number, not by offset: a new read while someone pages never shifts what
    they see. The page's last visit may continue on the next page; it is moved there whole,
    unless it alone fills the page (an export of hundreds of records), which is then split.
    """
    size = size or ENTRIES_PER_PAGE
    rows = policy.newest_access_log_for(person, size + 1, before)
    more = len(rows) > size
    rows = rows[:size]
    visits = visits_of(rows)
    if not more:
        return LogPage(visits=visits, older_than=None)
    if len(visits) > 1:
        cut = visits.pop()
        last_kept = rows[len(rows) - cut.record_count - 1]
        return LogPage(visits=visits, older_than=last_kept.seq)
    return LogPage(visits=visits, older_than=rows[-1].seq)
