"""The pages the benchmark measures. Edit this list when a capability adds a key page.

Each page names a URL (by its Django name), who opens it, and how to find the
URL's arguments for that person. A page whose URL name does not exist yet, or
whose data the district lacks, is skipped with a printed note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q


def _relationship(user) -> dict[str, Any]:
    from rapport.privacy import policy

    relationship = policy.caseload_for(user).order_by("pk").first()
    if relationship is None:
        raise LookupError(f"{user} has no caseload")
    return {"pk": relationship.pk}


def _own_relationship(user) -> dict[str, Any]:
    """The teacher's relationship with their coach with the most notes shared with them (what a
    teacher reads is logged). A coach's, not a peer's: a peer also sees the coach's cards, so the
    page would change with whichever the district made busiest."""
    from django.db.models import Count

    from rapport.privacy import policy
    from rapport.relationships.models import Note, Relationship, Visibility

    coaching = policy.coached_in(user).filter(kind=Relationship.Kind.COACHING)
    busiest = (
        Note.objects.filter(relationship__in=coaching, visibility=Visibility.SHARED)
        .exclude(author=user)
        .values("relationship")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "relationship")
        .first()
    )
    if busiest is None:
        raise LookupError(f"{user} has no shared notes")
    return {"pk": busiest["relationship"]}


def _next_session(user) -> dict[str, Any]:
    session_model = apps.get_model("coaching", "Session")
    session = (
        session_model.objects.filter(Q(relationship__coach=user))
        .order_by("-pk")
        .only("pk", "relationship")
        .first()
    )
    if session is None:
        raise LookupError(f"{user} has no sessions")
    return {"pk": session.relationship_id, "session_pk": session.pk}


def _none(user) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    who: str  # "coach", "teacher" or "leader": which demo people the clients sign in as
    kwargs: Callable[[Any], dict[str, Any]] = _none
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)


BASELINE = Page("trivial view (baseline)", "bench_trivial", "coach")

# The cheapest page a signed-in person can open (a static text in the site's layout: the session,
# the person, the navigation, base.html). Issue 20's targets: it reaches at least 60 % of the
# trivial view's throughput, and every page of PAGES at least 25 % of its own.
SIGNED_IN_FLOOR = Page("signed-in floor (privacy page)", "privacy_promise", "coach")

PAGES = [
    Page("coach home", "home", "coach"),  # the coach's "Today"
    # A teacher's "home" redirects here; the bench counts only the page the redirect leads to.
    Page("teacher home", "teacher_space", "teacher"),
    # A word in thousands of the demo district's records (bench/search.py), as a coach types it.
    Page("search", "search", "coach", query="?q=students"),
    Page("relationship page", "relationship_detail", "coach", _relationship),
    Page("relationship page, as the teacher", "relationship_detail", "teacher", _own_relationship),
    Page("prep brief", "session_prep", "coach", _next_session),
    Page("coverage", "coverage", "coach"),
    Page("leader report", "leader_report", "leader"),
    Page("API list", "api:api_relationships", "coach", headers={"Accept": "application/json"}),
]
