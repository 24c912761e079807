"""Pages for coach leads and site administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.people.models import Role, School, User


def _require_role(user, kind: str) -> None:
    if not user.has_role(kind):
        raise PermissionDenied


@login_required
def coaches_led(request: HttpRequest) -> HttpResponse:
    """The coaches this coach lead supports, with caseload sizes only (no teacher content)."""
    _require_role(request.user, Role.Kind.COACH_LEAD)
    coaches = User.objects.filter(coach_lead_assignments__coach_lead=request.user).annotate(
        caseload_size=Count("coaching_relationships", filter=Q(coaching_relationships__ended_on__isnull=True))
    )
    return render(request, "people/coaches_led.html", {"coaches": coaches})


@login_required
def site_admin_home(request: HttpRequest) -> HttpResponse:
    """Counts of people by role and school: what an administrator looks after."""
    _require_role(request.user, Role.Kind.SITE_ADMIN)
    schools = School.objects.select_related("district").annotate(
        teachers=Count("roles", filter=Q(roles__kind=Role.Kind.TEACHER)),
        coaches=Count("roles", filter=Q(roles__kind=Role.Kind.COACH)),
        leaders=Count("roles", filter=Q(roles__kind=Role.Kind.SCHOOL_LEADER)),
    )
    return render(
        request, "people/site_admin_home.html", {"schools": schools, "people": User.objects.count()}
    )
