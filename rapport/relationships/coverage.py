"""Coverage: every teacher on a caseload and how long since the coach was last with them.

Built from ``Relationship.last_contact_at`` (kept by ``actions.record_contact``
for every kind of contact), so a caseload of any size costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OrderBy
from django.utils import timezone

from rapport.privacy import policy
from rapport.relationships.models import Relationship

SORTS: dict[str, tuple[OrderBy | str, ...]] = {
    "days": (F("last_contact_at").asc(nulls_first=True), "teacher__full_name"),
    "name": ("teacher__full_name", "coach__full_name"),
}


# What a row shows (name, focus, days since contact): the coach home and the coverage
# page list a whole caseload, and loading only this halves the cost of reading it.
ROW_FIELDS = (
    "kind",
    "focus",
    "last_contact_at",
    "coach__full_name",
    "coach__email",
    "teacher__full_name",
    "teacher__email",
)


@dataclass(frozen=True)
class CoverageRow:
    relationship: Relationship
    person: object  # the other member: the teacher, or the other peer
    days_since: int | None  # None: no contact recorded yet
    overdue: bool

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
    relationships = (
        policy.caseload_for(user)
        .select_related("teacher", "coach")
        .only(*ROW_FIELDS)
        .order_by(*SORTS.get(sort, SORTS["days"]))
    )
    rows = []
    for relationship in relationships:
        days = days_between(relationship.last_contact_at, now)
        rows.append(
            CoverageRow(
                relationship=relationship,
                person=relationship.other_member(user),
                days_since=days,
                overdue=days is None or days >= threshold_days,
            )
        )
    return rows
