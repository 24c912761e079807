"""Why an action will not write what it is handed, in words for the person.

The doors of the policy keep people out of what is not theirs (a 404). Actions are the second
line: whoever calls them (a view, the API, a job, the demo), each checks what it is given
before it writes (zulip's ``check_*`` before ``do_*``) and refuses with one of these. Nothing
is written when one is raised. A view catches ``ActionRefused`` and shows its message on the
form it renders again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rapport.privacy.relationships import Relationship

if TYPE_CHECKING:
    from rapport.people.models import User


class ActionRefused(Exception):
    """An action refused what it was handed; ``str()`` says why, for the person who asked."""

    message = "This cannot be saved."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class RelationshipEnded(ActionRefused):
    """Nothing new is written in a relationship once it has ended (both still read it)."""

    message = "This coaching relationship has ended: nothing new can be written in it."


class NotAMember(ActionRefused):
    """The person is not one of the relationship's two members, or not the one who does this."""

    message = "Only the two people in this coaching relationship can write in it."


class NotTheCoach(ActionRefused):
    """Only whoever acts as coach (``Relationship.acts_as_coach``) does this; not the teacher."""

    message = "Only the coach in this relationship can do this."


class VisibilityRefused(ActionRefused):
    """A visibility this record cannot have: released only through a release, never by saving."""

    message = "This cannot be shared that way."


class NotTheirCoachLead(ActionRefused):
    """Something is shared only with the sharer's own coach leads, each named."""

    message = "You can share only with your own coach leads."


def check_open(relationship: Relationship) -> None:
    """The relationship has not ended."""
    if relationship.ended_on is not None:
        raise RelationshipEnded()


def check_writes_in(relationship: Relationship, person: User) -> None:
    """``person`` may write in ``relationship`` now: one of its members, and it has not ended."""
    if not relationship.is_member(person):
        raise NotAMember()
    check_open(relationship)


def check_writes_as_coach(relationship: Relationship, person: User) -> None:
    """As ``check_writes_in``, and ``person`` acts as coach in it (the coach; either peer)."""
    check_writes_in(relationship, person)
    if not relationship.acts_as_coach(person):
        raise NotTheCoach()


def check_visibility(visibility: str, allowed: Iterable[str]) -> None:
    if visibility not in allowed:
        raise VisibilityRefused()
