"""What leaves the relationship (releases to leaders, and their revocation), and the changes
administrators made to who can reach a person's records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.privacy import actions, policy
from rapport.privacy.models import Purpose
from rapport.privacy.reading_log import log_page
from rapport.privacy.types import AuthenticatedHttpRequest


@login_required
def released_to_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A leader's list of what teachers chose to release to them (no content until opened)."""
    if not request.user.is_leader:
        raise PermissionDenied
    releases = (
        policy.releases_for_leader(request.user)
        .select_related("relationship__teacher", "relationship__coach", "content_type")
        .order_by("-released_at")
    )
    return render(request, "privacy/released_to_me.html", {"releases": releases})


@login_required
def released_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    release = policy.get_release_for_leader(request.user, pk)
    record = policy.read_released_record(request.user, release, Purpose.RELEASED_TO_LEADER)
    return render(request, "privacy/released_record.html", {"release": release, "record": record})


@login_required
@require_POST
def revoke_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    release = policy.get_release_to_revoke(request.user, pk)
    actions.revoke(release)
    messages.success(request, f"{release.leader.full_name} can no longer read it.")
    return redirect("teacher_space")


@login_required
def my_access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who read the records about this person: one line per visit, newest first, paged."""
    asked = request.GET.get("before", "")
    # A mangled or made-up link shows the newest page rather than an error.
    before = int(asked) if asked.isdigit() and 0 < int(asked) < 2**63 else None
    page = log_page(request.user, before=before)
    return render(request, "privacy/access_log.html", {"page": page, "paged": before is not None})


@login_required
def administrative_changes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The administration log's entries that concern the signed-in person, latest first."""
    changes = policy.administrative_changes_for(request.user)[:200]
    return render(request, "privacy/administrative_changes.html", {"changes": changes})
