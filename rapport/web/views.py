"""Pages that belong to no capability: the role home, the privacy promise, health."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.insights.models import Export
from rapport.operations import workers
from rapport.people.models import ImportRun
from rapport.privacy import policy
from rapport.privacy.reading_log import log_page
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.relationships.forms import TeacherSettingsForm
from rapport.relationships.models import TeacherSettings
from rapport.web.teacher_home import what_needs_me
from rapport.web.today import today_for

# The latest visits to the teacher's records shown on their home page (the rest on the log's page).
RECENT_VISITS_SHOWN = 3


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def teacher_space(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    recent_log = log_page(request.user, size=60)
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
def teacher_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
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


def _jobs_waiting_too_long() -> int:
    """Exports and roster imports queued before ``workers.waited_since()`` and still not started."""
    before = workers.waited_since()
    return (
        Export.objects.filter(status=Export.Status.QUEUED, queued_at__lte=before).count()
        + ImportRun.objects.filter(status=ImportRun.Status.QUEUED, queued_at__lte=before).count()
    )


def healthz(request: HttpRequest) -> HttpResponse:
    """Load balancers and monitoring ask this, as JSON; it touches the database but no data.

    ``/healthz?web``: this web process and its database only, what a load balancer asks (a
    stopped worker is no reason to take a web host out of rotation). ``/healthz``: the job
    queue as well, for monitoring: 503 when jobs go to Redis and no worker listens there, or
    Redis cannot be reached. A database that cannot be reached is the plain 503 page of
    ``DatabaseUnavailableMiddleware``, for both.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    body: dict = {"status": "ok", "web": "ok", "database": "ok"}
    if "web" in request.GET:
        return JsonResponse(body)
    problems = []
    if not workers.uses_worker():
        body["jobs"] = "run inside the web process (no worker needed)"
    else:
        count = workers.worker_count()
        body["queue"] = "unreachable" if count is None else "ok"
        body["workers"] = count
        body["worker"] = "ok" if count else "missing"
        body["jobs_waiting_too_long"] = _jobs_waiting_too_long()
        if count is None:
            problems.append(
                "The job queue (Redis) cannot be reached: exports and roster imports cannot start."
            )
        elif count == 0:
            problems.append(
                "No background worker is running: exports, roster imports and emails wait until one "
                "starts (manage.py run_worker, docs/deploy.md section 4)."
            )
    if not problems:
        return JsonResponse(body)
    body.update(status="failing", problems=problems)
    response = JsonResponse(body, status=503)
    response["Retry-After"] = "30"
    return response
