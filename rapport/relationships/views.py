"""Pages of a coaching relationship: the caseload, the relationship's home, notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.privacy import policy
from rapport.privacy.actions import leaders_for, release
from rapport.privacy.models import Purpose
from rapport.relationships import actions
from rapport.relationships.forms import NoteForm
from rapport.relationships.models import Note


@login_required
def coach_home(request: HttpRequest) -> HttpResponse:
    caseload = policy.caseload_for(request.user).select_related("teacher", "coach", "school")
    recent_notes = policy.visible_records(request.user, Note.objects.filter(author=request.user))
    recent_notes = recent_notes.select_related("relationship__teacher", "relationship__coach")[:5]
    return render(
        request,
        "relationships/coach_home.html",
        {"caseload": caseload, "recent_notes": recent_notes},
    )


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    relationships = policy.caseload_for(request.user).select_related("teacher", "coach", "school")
    if not request.user.is_coach and not relationships.exists():
        raise PermissionDenied
    rows = [(relationship, relationship.other_member(request.user)) for relationship in relationships]
    return render(request, "relationships/caseload.html", {"rows": rows})


# The relationship page shows the latest notes; "all notes" is one click away. Years of
# history then cost nothing on the page a coach opens most.
LATEST_NOTES = 20


def _relationship_page(request, relationship, form: NoteForm, status: int = 200) -> HttpResponse:
    show_all = request.GET.get("notes") == "all"
    notes = policy.read_records(
        request.user,
        Note.objects.filter(relationship=relationship).select_related("author"),
        Purpose.RELATIONSHIP_PAGE,
        limit=None if show_all else LATEST_NOTES,
    )
    # Only what is shown is read (and logged), so "maybe more" is a full page of notes.
    more_notes = not show_all and len(notes) == LATEST_NOTES
    return render(
        request,
        "relationships/relationship_detail.html",
        {
            "relationship": relationship,
            "other": relationship.other_member(request.user),
            "notes": notes,
            "more_notes": more_notes,
            "form": form,
            "is_coach_side": relationship.acts_as_coach(request.user),
            "is_teacher_side": relationship.acts_as_teacher(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The relationship's home: who, and the notes the viewer may read; a note form."""
    relationship = policy.get_relationship_for(request.user, pk)
    form = NoteForm(relationship=relationship, author=request.user)
    if request.method == "POST":
        form = NoteForm(request.POST, relationship=relationship, author=request.user)
        if form.is_valid():
            actions.write_note(
                relationship, request.user, form.cleaned_data["body"], form.cleaned_data["visibility"]
            )
            messages.success(request, "Note saved.")
            return redirect("relationship_detail", pk=relationship.pk)
        return _relationship_page(request, relationship, form, status=400)
    return _relationship_page(request, relationship, form)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_change(request.user, Note.objects.filter(relationship=relationship), note_pk)
    form = NoteForm(request.POST or None, note=note, relationship=relationship, author=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_note(note, form.cleaned_data["body"], form.cleaned_data["visibility"])
        messages.success(request, "Note updated.")
        return redirect("relationship_detail", pk=relationship.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "relationships/note_edit.html",
        {"relationship": relationship, "note": note, "form": form},
        status=status,
    )


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_change(request.user, Note.objects.filter(relationship=relationship), note_pk)
    actions.delete_note(note)
    messages.success(request, "Note deleted. It cannot be recovered.")
    return redirect("relationship_detail", pk=relationship.pk)


@login_required
def teacher_space(request: HttpRequest) -> HttpResponse:
    """A teacher's own space: their coaches, what they released, who read their records."""
    if not request.user.is_teacher:
        raise PermissionDenied
    relationships = policy.coached_in(request.user).select_related("coach", "teacher", "school")
    releases = (
        policy.releases_by(request.user)
        .select_related("leader", "content_type", "relationship__coach")
        .order_by("-released_at")
    )
    access_log = policy.access_log_for(request.user)[:100]
    return render(
        request,
        "relationships/teacher_space.html",
        {"relationships": relationships, "releases": releases, "access_log": access_log},
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_release(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """The teacher releases a shared note to named leaders of their school or district."""
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_release(request.user, Note.objects.filter(relationship=relationship), note_pk)
    leaders = leaders_for(relationship)
    if request.method == "POST":
        # Only well-formed ids reach the query: anything else chooses nobody (a 400, not a 500).
        ids = [
            value
            for value in request.POST.getlist("leaders")
            if value.isascii() and value.isdigit() and len(value) < 19  # fits a 64-bit id
        ]
        chosen = leaders.filter(pk__in=ids)
        if chosen:
            release(note, list(chosen), by=request.user)
            names = ", ".join(leader.full_name for leader in chosen)
            messages.success(
                request, f"Released to {names}. You can revoke this at any time from My coaching."
            )
            return redirect("relationship_detail", pk=relationship.pk)
        messages.error(request, "Choose at least one leader to release this note to.")
    return render(
        request,
        "relationships/note_release.html",
        {"relationship": relationship, "note": note, "leaders": leaders},
        status=400 if request.method == "POST" else 200,
    )
