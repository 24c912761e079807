"""The resource library (coaches of the district), sharing a resource with a teacher, what was
shared in a relationship, and the file download behind the policy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rapport.coaching.models import Commitment, Side
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.privacy.refusals import ActionRefused
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.resources import actions, files, library
from rapport.resources.forms import LibraryFilterForm, ResourceForm, ShareForm

PAGE_SIZE = 20


def _library_user(request: AuthenticatedHttpRequest) -> None:
    if not library.may_use_library(request.user):
        raise PermissionDenied


@login_required
def resource_library(request: AuthenticatedHttpRequest) -> HttpResponse:
    _library_user(request)
    shelf = library.library_for(request.user)
    filters = LibraryFilterForm(request.GET or None)
    found = filters.filter(shelf, request.user).order_by("title", "pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "resources/library.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "shelf_is_empty": not shelf.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _library_user(request)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        district = library.districts_of(request.user).first()
        if district is None:
            raise PermissionDenied
        resource = actions.add_resource(
            request.user, district["district"], _fields(form), form.cleaned_data["upload"], form.upload_kind
        )
        messages.success(request, f"Added to the library: {resource.title}.")
        return redirect("resource_detail", pk=resource.pk)
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": None},
        status=400 if request.method == "POST" else 200,
    )


def _fields(form: ResourceForm) -> dict:
    return {name: form.cleaned_data[name] for name in ResourceForm.Meta.fields}


@login_required
def resource_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = library.get_resource_for(request.user, pk)
    caseload = (
        policy.caseload_for(request.user).select_related("coach", "teacher").order_by("teacher__full_name")
    )
    rows = [(relationship, relationship.other_member(request.user)) for relationship in caseload]
    return render(request, "resources/resource_detail.html", {"resource": resource, "caseload": rows})


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = library.get_resource_to_change(request.user, pk)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        actions.update_resource(resource, _fields(form), form.cleaned_data["upload"], form.upload_kind)
        messages.success(request, "Saved.")
        return redirect("resource_detail", pk=resource.pk)
    if request.method == "POST":
        resource.refresh_from_db()  # the page shows what is stored, not the refused values
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": resource},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = library.get_resource_to_change(request.user, pk)
    if request.method == "POST":
        title = resource.title
        if actions.remove_resource(resource):
            messages.success(request, f"Deleted: {title}.")
        else:
            messages.success(request, f"Taken off the shelf: {title}. Teachers you shared it with keep it.")
        return redirect("resource_library")
    return render(
        request,
        "resources/resource_delete.html",
        {"resource": resource, "shared_count": resource.shares.count()},
    )


@login_required
def resource_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The file, as a download only, for a coach of its district or a person it was shared with."""
    resource = library.shared_file_for(request.user, pk, Purpose.TEACHER_SPACE)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("No such file.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=files.download_name(resource.file_name, resource.file_type),
        content_type=resource.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def shared_resources(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the coach shared in one relationship, for both members."""
    relationship = policy.get_relationship_for(request.user, pk)
    purpose = Purpose.RELATIONSHIP_PAGE if relationship.acts_as_coach(request.user) else Purpose.TEACHER_SPACE
    shares = library.shares_in(request.user, relationship, purpose)
    return render(
        request,
        "resources/shared.html",
        {
            "relationship": relationship,
            "other": relationship.other_member(request.user),
            "shares": shares,
            "may_share": relationship.acts_as_coach(request.user)
            and relationship.ended_on is None
            and library.may_use_library(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Share a library resource with the teacher; it can keep one of the coach's open promises."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    if not library.may_use_library(request.user):
        raise Http404("No such relationship.")
    other = relationship.other_member(request.user)
    commitments = policy.read_records(
        request.user,
        Commitment.objects.open().filter(owner=Side.COACH).order_by("due_on", "pk"),
        Purpose.RELATIONSHIP_PAGE,
        relationship=relationship,
    )
    initial = {}
    if request.method == "GET":
        initial = {"resource": request.GET.get("resource"), "commitment": request.GET.get("commitment")}
    form = ShareForm(
        request.POST or None,
        initial=initial,
        resources=library.library_for(request.user),
        commitments=commitments,
    )
    if request.method == "POST" and form.is_valid():
        try:
            share = actions.share_resource(
                relationship,
                request.user,
                form.cleaned_data["resource"],
                form.cleaned_data["note"],
                form.cleaned_data["commitment"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            done = " and marked your promise as kept" if share.commitment_id else ""
            messages.success(request, f"Shared with {other.full_name}{done}.")
            return redirect("shared_resources", pk=relationship.pk)
    return render(
        request,
        "resources/share_form.html",
        {
            "relationship": relationship,
            "other": other,
            "form": form,
            "library_is_empty": not library.library_for(request.user).exists(),
        },
        status=400 if request.method == "POST" else 200,
    )
