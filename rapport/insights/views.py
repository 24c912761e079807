"""Exports: start one, watch it being made, download it (its owner only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rapport.insights import actions, exports
from rapport.insights.models import Export


def _get_export_for(user, pk: int) -> Export:
    """The person's own export, while it lasts; 404 for anyone else's."""
    export = Export.objects.live().filter(pk=pk, owner=user).first()
    if export is None:
        raise Http404("No such export.")
    return export


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    kinds = actions.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind in kinds:
            export = actions.start_export(request.user, kind)
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
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress; htmx polls the status part until the file is ready."""
    export = _get_export_for(request.user, pk)
    template = "insights/_export_status.html" if request.htmx else "insights/export_detail.html"
    return render(request, template, {"export": export})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = _get_export_for(request.user, pk)
    if export.status != Export.Status.DONE:
        raise Http404("This export is not ready.")
    response = HttpResponse(exports.read_file(export), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response
