"""The site administrator's pages: people by school, and the roster import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from rapport.people.models import ImportRun, Role, School, User
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.roster.forms import RosterUploadForm
from rapport.roster.importer import Summary
from rapport.roster.tasks import confirm_roster_import, discard_roster_import, start_roster_import


def _require_role(user, kind: str) -> None:
    if not user.has_role(kind):
        raise PermissionDenied


@login_required
def site_admin_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts of people by role and school: what an administrator looks after."""
    _require_role(request.user, Role.Kind.SITE_ADMIN)
    schools = School.objects.select_related("district").annotate(
        teachers=Count("roles", filter=Q(roles__kind=Role.Kind.TEACHER)),
        coaches=Count("roles", filter=Q(roles__kind=Role.Kind.COACH)),
        leaders=Count("roles", filter=Q(roles__kind=Role.Kind.SCHOOL_LEADER)),
    )
    return render(
        request, "roster/site_admin_home.html", {"schools": schools, "people": User.objects.count()}
    )


def _import_runs() -> QuerySet[ImportRun]:
    # The upload's bytes stay in the database until the task has read them: never load them here.
    return ImportRun.objects.defer("upload").select_related("created_by")


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a roster; its preview runs in the background and the run page follows it."""
    _require_role(request.user, Role.Kind.SITE_ADMIN)
    form = RosterUploadForm()
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            run = start_roster_import(request.user, form.cleaned_data["file"], form.cleaned_data["format"])
            url = reverse("roster_import_run", kwargs={"pk": run.pk})
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    # htmx swaps only successful responses, so its copy of a refused form comes with 200.
    status = 400 if form.errors and not request.htmx else 200
    context = {"form": form, "runs": _import_runs()[:10]}
    return render(request, "roster/roster_import.html", context, status=status)


def _import_run_for_admin(request: HttpRequest, pk: int) -> ImportRun:
    _require_role(request.user, Role.Kind.SITE_ADMIN)
    return get_object_or_404(_import_runs(), pk=pk)


@login_required
def roster_import_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One import: progress, then its preview (to confirm or discard), then what it did, or every problem.

    htmx polls it while the run is queued or running.
    """
    run = _import_run_for_admin(request, pk)
    context = {"run": run, "summary": Summary.from_json(run.counts) if run.counts else None}
    if request.htmx:
        # 286 tells htmx to stop polling: the run is over (or waits for the administrator).
        status = 200 if run.is_active else 286
        return render(request, "roster/_import_run_status.html", context, status=status)
    return render(request, "roster/import_run.html", context)


@login_required
@require_POST
def roster_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Import what the preview showed; a run that is no longer previewed is shown as it is."""
    run = _import_run_for_admin(request, pk)
    confirm_roster_import(run)
    return redirect("roster_import_run", pk=run.pk)


@login_required
@require_POST
def roster_import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Drop a preview and its file; nothing was written."""
    run = _import_run_for_admin(request, pk)
    discard_roster_import(run)
    return redirect("roster_import_run", pk=run.pk)
