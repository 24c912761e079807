"""Insights pages: a coach's trust indicators and reflection; exports (start, watch, download)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rapport.insights import actions, exports, indicators, reports
from rapport.insights.checklist import STATEMENTS
from rapport.insights.forms import ReportForm, TrustReflectionForm
from rapport.insights.models import Export, TrustReflection
from rapport.people.models import Role, User
from rapport.privacy import actions as privacy_actions
from rapport.privacy import policy
from rapport.privacy.forms import CoachLeadsForm
from rapport.privacy.models import PracticeShare, Purpose
from rapport.privacy.types import AuthenticatedHttpRequest


def _get_export_for(user, pk: int) -> Export:
    """The person's own export, while it lasts; 404 for anyone else's."""
    export = Export.objects.live().filter(pk=pk, owner=user).first()
    if export is None:
        raise Http404("No such export.")
    return export


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    kinds = actions.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        parameters: dict | None = {}
        if kind in actions.REPORT_KINDS and kind in kinds:
            _, form = _report_form(request.user, request.POST)
            parameters = form.as_parameters() if form.is_valid() else None
        if kind in kinds and parameters is not None:
            export = actions.start_export(request.user, kind, parameters)
            return redirect("export_detail", pk=export.pk)
        status = 400
    return render(
        request,
        "insights/exports.html",
        {
            "choices": [(kind, Export.Kind(kind).label) for kind in kinds],
            "exports": Export.objects.live().filter(owner=request.user),
            "refused": status == 400,
            "offers_my_data": Export.Kind.MY_DATA in kinds,
        },
        status=status,
    )


@login_required
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The export's progress; htmx polls the status part until the file is ready."""
    export = _get_export_for(request.user, pk)
    template = "insights/_export_status.html" if request.htmx else "insights/export_detail.html"
    return render(request, template, {"export": export})


@login_required
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    export = _get_export_for(request.user, pk)
    if export.status != Export.Status.DONE:
        raise Http404("This export is not ready.")
    response = HttpResponse(exports.read_file(export), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


# --- The coach's trust indicators ------------------------------------------------------------


def _require_caseload(user):
    relationships = list(policy.caseload_for(user).select_related("coach", "teacher", "school"))
    if not user.is_coach and not relationships:
        raise PermissionDenied
    return relationships


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The caseload as a grid of indicators: where trust looks thin, and what to do next."""
    relationships = _require_caseload(request.user)
    rows = indicators.caseload_indicators(relationships)
    for row in rows:
        row.other = row.relationship.other_member(request.user)
    rows.sort(key=lambda row: (-len(row.thin), row.other.full_name))
    return render(
        request,
        "insights/dashboard.html",
        {
            "rows": rows,
            "attention": [row for row in rows if row.thin],
            "definitions": indicators.DEFINITIONS,
            "viewer": request.user,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_trust(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One relationship's indicators, their trend over the school year, and the checklist."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    form = TrustReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.save_reflection(relationship, request.user, form.checked(), form.cleaned_data["reflection"])
        messages.success(request, "Reflection saved. Only you can read it.")
        return redirect("relationship_trust", pk=relationship.pk)
    (row,) = indicators.caseload_indicators([relationship])
    reflections = policy.read_records(
        request.user, TrustReflection.objects.filter(relationship=relationship), Purpose.RELATIONSHIP_PAGE
    )
    return render(
        request,
        "insights/relationship_trust.html",
        {
            "relationship": relationship,
            "other": relationship.other_member(request.user),
            "row": row,
            "definitions": indicators.DEFINITIONS,
            "trend": indicators.monthly_trend(relationship),
            "form": form,
            "reflections": reflections,
            "statements": STATEMENTS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_sharing(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coach's own choice of the coach leads, by name, who see the aggregates of their practice."""
    if not request.user.is_coach:
        raise PermissionDenied
    leads = privacy_actions.coach_leads_of(request.user)
    shares = list(PracticeShare.objects.open().filter(coach=request.user).select_related("coach_lead"))
    # Unticked, the checkboxes send nothing: an empty POST is still the coach's answer.
    data = request.POST if request.method == "POST" else None
    form = CoachLeadsForm(
        data,
        leads=leads,
        required=False,
        label="Share my practice indicators with",
        initial={"leads": [share.coach_lead for share in shares]},
    )
    # Someone to choose, or a share to end (with a coach lead no longer active, say).
    may_choose = bool(shares) or leads.exists()
    if request.method == "POST" and may_choose and form.is_valid():
        chosen = list(form.cleaned_data["leads"])
        privacy_actions.set_practice_shares(request.user, chosen)
        if chosen:
            names = ", ".join(lead.full_name for lead in chosen)
            messages.success(request, f"Now shared with {names}. Stop at any time.")
        else:
            messages.success(request, "Your practice indicators are shared with nobody.")
        return redirect("practice_sharing")
    caseload_size = indicators.practice_relationships([request.user.pk]).count()
    return render(
        request,
        "insights/practice_sharing.html",
        {
            "form": form,
            "may_choose": may_choose,
            "shares": shares,
            "definitions": indicators.PRACTICE_DEFINITIONS,
            "small_caseload": caseload_size < settings.RAPPORT_MIN_GROUP_SIZE,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Leader reports -----------------------------------------------------------------------------


def _report_form(user, data):
    scope = reports.scope_for(user)
    if scope is None or not (scope.allowed or scope.whole_district):
        raise PermissionDenied
    today = timezone.localdate()
    if not data:
        end = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        start = (end - datetime.timedelta(days=150)).replace(day=1)
        unit = "district" if scope.whole_district else str(scope.allowed[0].pk)
        data = {"unit": unit, "start": start.strftime("%Y-%m"), "end": end.strftime("%Y-%m")}
    return scope, ReportForm(data, scope=scope, today=today)


@login_required
def leader_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Coaching in aggregate for one school or the district; small numbers hidden."""
    scope, form = _report_form(request.user, request.GET)
    report = None
    if form.is_valid():
        report = reports.build_report(scope, form.chosen_unit(), form.cleaned_data["months"])
    return render(
        request,
        "insights/leader_report.html",
        {
            "form": form,
            "report": report,
            "sections_html": reports.report_sections_html(report) if report else "",
            # What the page says hides a number, whether or not the form was valid.
            "k": settings.RAPPORT_MIN_GROUP_SIZE,
            "parameters": form.as_parameters() if report else {},
            "download_kinds": [(kind, Export.Kind(kind).label) for kind in actions.REPORT_KINDS],
        },
        status=200 if report else 400,
    )


@login_required
def coaches_led(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coaches this coach lead supports; for those who chose to share, their own practice.

    Practice indicators are totals over a coach's caseload (never per teacher), and only for
    coaches the policy says share them with this lead; of the others, the name alone.
    """
    if not request.user.has_role(Role.Kind.COACH_LEAD):
        raise PermissionDenied
    coaches = User.objects.filter(coach_lead_assignments__coach_lead=request.user).order_by("full_name")
    sharing = list(policy.coaches_sharing_practice_with(request.user).order_by("full_name"))
    shared = {practice.coach.pk: practice for practice in indicators.practice_indicators(sharing)}
    # Each coach with their shared practice (if any) and the lead's space with them (if opened).
    spaces = {space.teacher_id: space for space in policy.coach_lead_spaces_of(request.user)}
    rows = [(coach, shared.get(coach.pk), spaces.get(coach.pk)) for coach in coaches]
    return render(
        request,
        "insights/coaches_led.html",
        {"rows": rows, "definitions": indicators.PRACTICE_DEFINITIONS},
    )
