"""Coverage: every teacher on a caseload and how long since the coach was last with them.

Built from ``Relationship.last_contact_at`` (kept by ``actions.record_contact``
for every kind of contact), so a caseload of any size costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OrderBy
from django.utils import timezone

from rapport.people.models import short_name
from rapport.privacy import policy

SORTS: dict[str, tuple[OrderBy | str, ...]] = {
    "days": (F("last_contact_at").asc(nulls_first=True), "teacher__full_name"),
    "name": ("teacher__full_name", "coach__full_name"),
}


# What a row shows (name, focus, days since contact), read as plain values: the coach home and
# the coverage page list a whole caseload, and building a relationship and its two people for
# each row cost more than the rest of the coverage page.
ROW_VALUES = (
    "pk",
    "focus",
    "last_contact_at",
    "coach_id",
    "coach__full_name",
    "coach__email",
    "teacher__full_name",
    "teacher__email",
)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    relationship_id: int
    focus: str
    person_name: str  # the other member's: the teacher, or the other peer
    person_email: str
    days_since: int | None  # None: no contact recorded yet
    overdue: bool

    @property
    def person_short_name(self) -> str:
        return short_name(self.person_name, self.person_email)

    @property
    def contact_label(self) -> str:
        """How long since the last contact, in words ("3 days", "seen today")."""
        if self.days_since is None:
            return "no contact yet"
        if self.days_since == 0:
            return "seen today"
        return f"{self.days_since} day{'' if self.days_since == 1 else 's'}"


def days_between(then: datetime | None, now: datetime) -> int | None:
    """Whole calendar days from ``then`` to ``now``; a contact recorded later today (a session
    held before its planned start) counts as today, never as "-1 days"."""
    if then is None:
        return None
    return max(0, (timezone.localdate(now) - timezone.localdate(then)).days)


def coverage_for(user, threshold_days: int, sort: str = "days") -> list[CoverageRow]:
    """The caseload, longest without contact first (or by name), overdue ones flagged."""
    now = timezone.now()
    rows = []
    for pk, focus, last_contact_at, coach_id, *names in (
        policy.caseload_for(user).order_by(*SORTS.get(sort, SORTS["days"])).values_list(*ROW_VALUES)
    ):
        # The other member: the teacher, or for a peer coaching the person, the peer who coaches.
        person_name, person_email = names[2:] if coach_id == user.pk else names[:2]
        days = days_between(last_contact_at, now)
        rows.append(
            CoverageRow(
                relationship_id=pk,
                focus=focus,
                person_name=person_name,
                person_email=person_email,
                days_since=days,
                overdue=days is None or days >= threshold_days,
            )
        )
    return rows
