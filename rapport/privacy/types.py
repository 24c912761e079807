"""The types the access policy speaks in: who asks, and the request they ask with.

They are for annotations; mypy checks them (``make lint``). The policy answers questions about a
``Person`` (the signed-in user model, ``AUTH_USER_MODEL``); a view behind ``login_required``
takes an ``AuthenticatedHttpRequest``, whose ``user`` is a ``Person`` and never anonymous; a
question that may come from a page open to anyone is about ``Anyone``.
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from rapport.people.models import User

Person: TypeAlias = User

# Whoever a policy question may be asked about: a ``Person``, or the anonymous visitor of a page
# that needs no sign-in. The policy answers "nothing" for the visitor (and for a deactivated
# account): no relationship, no record, no right.
Anyone: TypeAlias = Person | AnonymousUser

# A queryset of records, given back as it came: filtered by the policy (``visible_records``), it
# keeps its own model and its own methods (``.sent_since(…)``).
Records = TypeVar("Records", bound="QuerySet[Any]")


class AuthenticatedHttpRequest(HttpRequest):
    """A request from someone signed in. Never made: Django makes the request, the view says what
    it knows of it (``login_required`` lets no anonymous visitor through)."""

    user: Person
    htmx: HtmxDetails  # django-htmx's middleware sets it on every request
