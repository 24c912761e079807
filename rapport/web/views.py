"""Pages that belong to no capability: the role home, the privacy promise, health."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.privacy import policy
from rapport.privacy.reading_log import log_page
from rapport.relationships.forms import TeacherSettingsForm
from rapport.relationships.models import TeacherSettings
from rapport.web.teacher_home import what_needs_me
from rapport.web.today import today_for

# The latest visits to the teacher's records shown on their home page (the rest on the log's page).
RECENT_VISITS_SHOWN = 3


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands where their work is."""
    user = request.user
    if user.is_coach:
        return today(request)
    if user.is_coach_lead:
        return redirect("coaches_led")
    if user.is_leader:
        return redirect("released_to_me")
    if user.is_site_admin:
        return redirect("site_admin_home")
    if user.is_teacher:
        return redirect("teacher_space")
    return render(request, "web/no_role.html")


def today(request: HttpRequest) -> HttpResponse:
    """The coach's day: sessions, follow-ups, promises due, who has not been seen lately."""
    return render(
        request,
        "web/today.html",
        {"today": today_for(request.user, all_follow_ups=request.GET.get("follow_ups") == "all")},
    )


@login_required
def teacher_space(request: HttpRequest) -> HttpResponse:
    """The teacher's home, "what needs me": per coach, what to acknowledge, the next session,
    the goal, both sides' promises, what was shared lately; who read their records; their choices."""
    if not request.user.is_teacher:
        raise PermissionDenied
    return _teacher_space_page(request, _teacher_settings_form(request.user))


def _teacher_settings_form(teacher, data=None) -> TeacherSettingsForm:
    return TeacherSettingsForm(
        data,
        instance=TeacherSettings.for_teacher(teacher),
        leaders=policy.appreciation_copy_choices(teacher),
    )


def _teacher_space_page(request, settings_form: TeacherSettingsForm, status: int = 200) -> HttpResponse:
    releases = (
        policy.releases_by(request.user)
        .select_related("leader", "content_type", "relationship__coach")
        .order_by("-released_at")
    )
    recent_log = log_page(policy.access_log_for(request.user), size=60)
    return render(
        request,
        "web/teacher_home.html",
        {
            "needs": what_needs_me(request.user),
            "releases": releases,
            "recent_visits": recent_log.visits[:RECENT_VISITS_SHOWN],
            "settings_form": settings_form,
        },
        status=status,
    )


@login_required
@require_POST
def teacher_settings(request: HttpRequest) -> HttpResponse:
    """The teacher names, in their own space, the leaders who may receive copies."""
    if not request.user.is_teacher:
        raise PermissionDenied
    form = _teacher_settings_form(request.user, request.POST)
    if not form.is_valid():
        return _teacher_space_page(request, form, status=400)
    settings = form.save()
    names = [leader.full_name for leader in settings.appreciation_copies_to.order_by("full_name")]
    if names:
        messages.success(request, f"Copies of appreciations may now go to {', '.join(names)}.")
    else:
        messages.success(request, "Appreciations now go to you alone.")
    return redirect("teacher_space")


def privacy_promise(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy_promise.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Load balancers ask this; it touches the database but no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
