"""Pages of a coaching relationship: the coach's home, caseload and coverage, the
relationship's home, notes and follow-ups, the profile, touchpoints, noticings,
appreciations, the question bank, and the history timeline."""

from __future__ import annotations

import logging

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core import mail
from rapport.core.redirects import redirect_back
from rapport.privacy import policy
from rapport.privacy.actions import leaders_for, release
from rapport.privacy.models import Purpose
from rapport.privacy.refusals import ActionRefused
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.relationships import actions
from rapport.relationships.coverage import SORTS, coverage_for
from rapport.relationships.forms import (
    AnswerForm,
    AppreciationForm,
    CoachSettingsForm,
    NoteForm,
    NoticingForm,
    QuestionForm,
    ReadinessProfileForm,
    TeacherProfileForm,
    TouchpointForm,
)
from rapport.relationships.models import (
    Appreciation,
    CoachSettings,
    Note,
    Noticing,
    Question,
    ReadinessProfile,
    Relationship,
    TeacherProfile,
    TeacherSettings,
    Touchpoint,
    Visibility,
)
from rapport.relationships.timeline import timeline_for

logger = logging.getLogger(__name__)

RELATED = ("relationship__teacher", "relationship__coach")


@login_required
def coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every teacher on the caseload and the days since the last contact of any kind."""
    if not request.user.is_coach and not policy.caseload_for(request.user).exists():
        raise PermissionDenied
    settings = CoachSettings.for_coach(request.user)
    asked = request.GET.get("sort", "")
    sort = asked if asked in SORTS else "days"
    rows = coverage_for(request.user, settings.coverage_threshold_days, sort)
    page = _page_of(request, rows)
    return render(
        request,
        "relationships/coverage.html",
        {
            "rows": page.object_list,
            "page": page,
            "sort": sort,
            "settings": settings,
            "overdue_count": sum(r.overdue for r in rows),
        },
    )


def _page_of(request: AuthenticatedHttpRequest, rows):
    """One page of a caseload (``RAPPORT_CASELOAD_PAGE_SIZE`` rows); past the last page, the last."""
    return Paginator(rows, django_settings.RAPPORT_CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_http_methods(["GET", "POST"])
def coach_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_coach and not policy.caseload_for(request.user).exists():
        raise PermissionDenied
    form = CoachSettingsForm(request.POST or None, instance=CoachSettings.for_coach(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "relationships/coach_settings.html", {"form": form}, status=status)


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    relationships = policy.caseload_for(request.user).select_related("teacher", "coach", "school")
    if not request.user.is_coach and not relationships.exists():
        raise PermissionDenied
    page = _page_of(request, relationships.order_by("teacher__full_name", "pk"))
    rows = [(relationship, relationship.other_member(request.user)) for relationship in page]
    return render(request, "relationships/caseload.html", {"rows": rows, "page": page})


def _one(records: list):
    return records[0] if records else None


# The relationship page shows the latest notes; "all notes" is one click away. Years of
# history then cost nothing on the page a coach opens most.
# The relationship page's overview shows the latest few of each; the rest is one click away.
LATEST_NOTES = 5
LATEST_NOTICINGS = 3
LATEST_APPRECIATIONS = 2


def _relationship_page(
    request: AuthenticatedHttpRequest, relationship: Relationship, form: NoteForm, status: int = 200
) -> HttpResponse:
    user = request.user

    def read(queryset, limit=None):
        """Only what is shown is read, decrypted and logged."""
        return policy.read_records(
            user, queryset, Purpose.RELATIONSHIP_PAGE, limit=limit, relationship=relationship
        )

    other = relationship.other_member(user)
    is_coach_side, is_teacher_side = relationship.acts_as_coach(user), relationship.acts_as_teacher(user)
    show_all = request.GET.get("notes") == "all"
    notes = read(Note.objects.select_related("author", "question"), limit=None if show_all else LATEST_NOTES)
    # Each side reads only the cards it shows: the coach the profile they keep about the teacher,
    # where the teacher starts from and what they noticed (all theirs alone); the teacher the
    # profile kept about them. Peers are both.
    profile_authors = [pk for pk, shown in ((user.pk, is_coach_side), (other.pk, is_teacher_side)) if shown]
    profiles = {
        profile.author_id: profile
        for profile in read(TeacherProfile.objects.filter(author__in=profile_authors), limit=2)
    }
    return render(
        request,
        "relationships/relationship_detail.html",
        {
            "relationship": relationship,
            "other": other,
            "notes": notes,
            # A full page of notes means there may be more.
            "more_notes": not show_all and len(notes) == LATEST_NOTES,
            # The one the person keeps about the other, and the one the other keeps about them.
            "profile_about_other": profiles.get(user.pk),
            "profile_about_me": profiles.get(other.pk),
            "readiness": _one(read(ReadinessProfile.objects.all(), limit=1)) if is_coach_side else None,
            "noticings": read(Noticing.objects.all(), limit=LATEST_NOTICINGS) if is_coach_side else [],
            "appreciations": read(Appreciation.objects.select_related("author"), limit=LATEST_APPRECIATIONS),
            "form": form,
            "is_coach_side": is_coach_side,
            "is_teacher_side": is_teacher_side,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The relationship's home: who, and the notes the viewer may read; a note form."""
    relationship = policy.get_relationship_for(request.user, pk)
    form = NoteForm(relationship=relationship, author=request.user)
    if request.method == "POST":
        form = NoteForm(request.POST, relationship=relationship, author=request.user)
        if form.is_valid():
            try:
                actions.write_note(
                    relationship,
                    request.user,
                    form.cleaned_data["body"],
                    form.cleaned_data["visibility"],
                    kind=form.cleaned_data["kind"],
                    follow_up_on=form.cleaned_data["follow_up_on"],
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Note saved.")
                return redirect("relationship_detail", pk=relationship.pk)
        return _relationship_page(request, relationship, form, status=400)
    return _relationship_page(request, relationship, form)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_write(
        request.user, Note.objects.filter(relationship=relationship), note_pk, policy.Write.CHANGE
    )
    form = NoteForm(request.POST or None, note=note, relationship=relationship, author=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_note(
            note,
            form.cleaned_data["body"],
            form.cleaned_data["visibility"],
            kind=form.cleaned_data["kind"],
            follow_up_on=form.cleaned_data["follow_up_on"],
        )
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
def note_delete(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_write(
        request.user, Note.objects.filter(relationship=relationship), note_pk, policy.Write.CHANGE
    )
    actions.delete_note(note)
    messages.success(request, "Note deleted. It cannot be recovered.")
    return redirect("relationship_detail", pk=relationship.pk)


@login_required
@require_http_methods(["GET", "POST"])
def note_release(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """The teacher releases a shared note to named leaders of their school or district."""
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_write(
        request.user, Note.objects.filter(relationship=relationship), note_pk, policy.Write.RELEASE
    )
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


@login_required
@require_POST
def follow_up_close(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """Mark a follow-up done, or dismiss it; either way it leaves the coach's home."""
    relationship = policy.get_relationship_for(request.user, pk)
    note = policy.get_record_to_write(
        request.user, Note.objects.filter(relationship=relationship), note_pk, policy.Write.CHANGE
    )
    done = request.POST.get("outcome") != "dismiss"
    actions.close_follow_up(note, done=done)
    messages.success(request, "Follow-up marked done." if done else "Follow-up dismissed.")
    return redirect_back(request, reverse("home"))


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The teacher's profile (shared with them) and the coach's readiness notes (private)."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    other = relationship.other_member(request.user)
    profile = TeacherProfile.objects.about(relationship, other).first() or TeacherProfile(
        relationship=relationship, author=request.user, visibility=Visibility.SHARED
    )
    readiness = ReadinessProfile.objects.filter(
        relationship=relationship, author=request.user
    ).first() or ReadinessProfile(relationship=relationship, author=request.user)
    if profile.pk and not policy.can_change(request.user, profile):
        raise Http404("No such profile.")
    if readiness.pk and not policy.can_change(request.user, readiness):
        raise Http404("No such profile.")
    data = request.POST if request.method == "POST" else None
    profile_form = TeacherProfileForm(data, instance=profile, prefix="profile")
    readiness_form = ReadinessProfileForm(data, instance=readiness, prefix="readiness")
    if data is not None and profile_form.is_valid() and readiness_form.is_valid():
        actions.save_profiles(profile_form, readiness_form)
        messages.success(request, "Profile saved.")
        return redirect("relationship_detail", pk=relationship.pk)
    return render(
        request,
        "relationships/profile_edit.html",
        {
            "relationship": relationship,
            "other": other,
            "profile_form": profile_form,
            "readiness_form": readiness_form,
        },
        status=400 if data is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def touchpoint_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Log an informal contact. From the home it is one tap on the kind (htmx, answered in place)."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    other = relationship.other_member(request.user)
    form = TouchpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        touchpoint = actions.log_touchpoint(
            relationship, request.user, form.cleaned_data["kind"], form.cleaned_data["note"]
        )
        confirmation = f"Logged: {touchpoint.get_kind_display().lower()} with {other.full_name}."
        if request.headers.get("HX-Request"):
            return render(request, "relationships/_touchpoint_logged.html", {"confirmation": confirmation})
        messages.success(request, confirmation)
        return redirect_back(request, reverse("home"))
    if request.method == "GET" and request.headers.get("HX-Request"):
        # The home's teacher list loads this one-tap form when a row is opened.
        return render(
            request,
            "relationships/_touchpoint_quick.html",
            {"relationship": relationship, "other": other, "kinds": Touchpoint.Kind.choices},
        )
    return render(
        request,
        "relationships/touchpoint_form.html",
        {"relationship": relationship, "other": other, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def noticing_pick_teacher(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step one of capturing a noticing from the home: whom it is about."""
    relationships = policy.caseload_for(request.user).select_related("teacher", "coach")
    if not request.user.is_coach and not relationships.exists():
        raise PermissionDenied
    rows = [(r, r.other_member(request.user)) for r in relationships.order_by("teacher__full_name")]
    return render(request, "relationships/noticing_pick.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def noticing_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_coached_relationship_for(request.user, pk)
    form = NoticingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.record_noticing(
            relationship, request.user, form.cleaned_data["body"], form.cleaned_data["noticed_on"]
        )
        messages.success(request, f"Noticing saved for {relationship.other_member(request.user).full_name}.")
        return redirect("home")
    return render(
        request,
        "relationships/noticing_form.html",
        {"relationship": relationship, "other": relationship.other_member(request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appreciation_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Turn noticings into a specific appreciation, emailed to the teacher."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    other = relationship.other_member(request.user)
    noticings = policy.read_records(
        request.user,
        Noticing.objects.filter(relationship=relationship, author=request.user),
        Purpose.RELATIONSHIP_PAGE,
    )[:20]
    copy_to = policy.appreciation_copy_recipients(relationship, TeacherSettings.leaders_named_by(other))
    chosen = [n for n in noticings if str(n.pk) in request.GET.getlist("noticing")]
    initial = {"noticings": chosen, "message": "\n\n".join(n.body for n in chosen)}
    form = AppreciationForm(request.POST or None, initial=initial, noticings=noticings, copy_to=copy_to)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            appreciation = actions.send_appreciation(
                relationship,
                request.user,
                form.cleaned_data["message"],
                form.cleaned_data["noticings"],
                copy_leader=form.cleaned_data["copy_leader"],
            )
        except mail.NOT_SENT as error:
            logger.warning("appreciation email not sent: %s", type(error).__name__)  # never its text
            form.add_error(
                None, "The email could not be sent just now, so nothing was saved. Try again later."
            )
            status = 503
        else:
            names = ", ".join(leader.full_name for leader in copy_to)
            copied = f" A copy went to {names}." if appreciation.copied_to else ""
            messages.success(request, f"Appreciation sent to {other.full_name}.{copied}")
            return redirect("relationship_detail", pk=relationship.pk)
    return render(
        request,
        "relationships/appreciation_form.html",
        {"relationship": relationship, "other": other, "form": form},
        status=status,
    )


@login_required
def relationship_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything that happened between coach and teacher, as one timeline."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    return render(
        request,
        "relationships/history.html",
        {
            "relationship": relationship,
            "other": relationship.other_member(request.user),
            "entries": timeline_for(request.user, relationship),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_bank(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The starter questions and the person's own: for teachers (a coach's bank) or, for a coach
    lead, for the coaches they support (``?for=coaches``, their only bank if they coach no one)."""
    user = request.user
    coaches_teachers = user.is_coach or policy.caseload_for(user).exists()
    leads_coaches = user.is_coach_lead or policy.coach_lead_spaces_of(user).exists()
    if not coaches_teachers and not leads_coaches:
        raise PermissionDenied
    for_coaches = leads_coaches and (request.GET.get("for") == "coaches" or not coaches_teachers)
    audience = Question.Audience.COACH if for_coaches else Question.Audience.TEACHER
    form = QuestionForm(request.POST or None, owner=user)
    here = reverse("question_bank") + ("?for=coaches" if for_coaches and coaches_teachers else "")
    if request.method == "POST" and form.is_valid():
        actions.add_question(user, form.cleaned_data["text"], form.cleaned_data["theme"], audience)
        messages.success(request, "Question added to your bank.")
        return redirect(here)
    return render(
        request,
        "relationships/question_bank.html",
        {
            "questions": Question.objects.for_coach(user).filter(audience=audience),
            "form": form,
            "for_coaches": for_coaches,
            "both_banks": coaches_teachers and leads_coaches,
            "here": here,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write down a teacher's (or, in a coach lead's space, a coach's) answer to a
    getting-to-know-you question, as a private note."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    form = AnswerForm(
        request.POST or None,
        coach=request.user,
        relationship=relationship,
        initial={"question": request.GET.get("question")},
    )
    if request.method == "POST" and form.is_valid():
        actions.write_note(
            relationship,
            request.user,
            form.cleaned_data["body"],
            Visibility.PRIVATE,
            kind=Note.Kind.ANSWER,
            question=form.cleaned_data["question"],
        )
        messages.success(request, "Answer saved as a private note.")
        return redirect("relationship_detail", pk=relationship.pk)
    return render(
        request,
        "relationships/answer_form.html",
        {"relationship": relationship, "other": relationship.other_member(request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def coach_lead_space_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A coach lead opens their space with a coach they lead (or finds the one that exists)."""
    from rapport.people.models import User

    coach = User.objects.filter(pk=pk).first()
    if coach is None:
        raise Http404("No such coach.")
    try:
        relationship = actions.open_coach_lead_space(request.user, coach)
    except actions.NotYourCoach:
        raise Http404("No such coach.") from None
    return redirect("relationship_detail", pk=relationship.pk)
