"""Pages that belong to no capability: the role home, the privacy promise, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rapport.web.today import today_for


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


def privacy_promise(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy_promise.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Load balancers ask this; it touches the database but no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
