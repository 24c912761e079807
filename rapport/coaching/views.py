"""Pages of coaching cycles. Thin: load for the person through the policy, call an action, render."""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rapport.coaching import actions, agreement_versions, briefs
from rapport.coaching.calendar import calendar_for
from rapport.coaching.forms import (
    AgreementForm,
    CancelForm,
    CommitmentForm,
    CycleForm,
    DecisionForm,
    EvidenceForm,
    NewSessionForm,
    SessionForm,
    SessionNotesForm,
    SummaryForm,
    VisitForm,
)
from rapport.coaching.models import (
    Agreement,
    AgreementAcknowledgement,
    Commitment,
    Cycle,
    Session,
    SessionSeries,
    Visit,
)
from rapport.core import mail
from rapport.core.redirects import redirect_back
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.privacy.refusals import ActionRefused
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.relationships.models import Relationship

logger = logging.getLogger(__name__)

PURPOSE = Purpose.RELATIONSHIP_PAGE
FEED_DAYS_BACK = 60


def _data(request: HttpRequest):
    """The posted data on POST (even when empty, so an empty post is refused), else None."""
    return request.POST if request.method == "POST" else None


def _status(request: HttpRequest, form) -> int:
    return 400 if request.method == "POST" and form.is_bound and form.errors else 200


def _render(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    return render(request, template, context, status=_status(request, form) if form is not None else 200)


# --- Agreement ---------------------------------------------------------------------------


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agreement as both members read it; it prints cleanly."""
    relationship = policy.get_relationship_for(request.user, pk)
    status = briefs.agreement_status(request.user, relationship)
    revisions = status.agreement.revisions.select_related("changed_by") if status.agreement else []
    acknowledgements = status.agreement.acknowledgements.select_related("person") if status.agreement else []
    return render(
        request,
        "coaching/agreement_detail.html",
        {
            "relationship": relationship,
            "status": status,
            "agreement": status.agreement,
            "revisions": revisions,
            "acknowledgements": acknowledgements,
            "can_edit": relationship.acts_as_coach(request.user),
            "must_acknowledge": status.needs_acknowledgement_from(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_coached_relationship_for(request.user, pk)
    status = briefs.agreement_status(request.user, relationship)
    if status.agreement is not None:
        form = AgreementForm(_data(request), instance=status.agreement, relationship=relationship)
    else:
        form = AgreementForm(
            _data(request), initial=actions.starter_agreement(relationship), relationship=relationship
        )
    if request.method == "POST" and form.is_valid():
        agreement = actions.save_agreement(relationship, request.user, form.cleaned_data)
        messages.success(request, f"Agreement saved (version {agreement.version}).")
        return redirect("agreement_detail", pk=relationship.pk)
    return _render(
        request, "coaching/agreement_edit.html", {"relationship": relationship, "form": form}, form
    )


@login_required
@require_POST
def agreement_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    agreement = policy.get_record_for(
        request.user,
        Agreement.objects.filter(relationship=relationship),
        _agreement_pk(relationship),
        PURPOSE,
    )
    try:
        actions.acknowledge_agreement(
            agreement, request.user, agreement.version, AgreementAcknowledgement.Via.SIGNED_IN
        )
    except actions.AcknowledgementRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"You acknowledged version {agreement.version} of the agreement.")
    return redirect("agreement_detail", pk=relationship.pk)


def _agreement_for(request: AuthenticatedHttpRequest, relationship) -> Agreement:
    return policy.get_record_for(
        request.user,
        Agreement.objects.filter(relationship=relationship),
        _agreement_pk(relationship),
        PURPOSE,
    )


@login_required
def agreement_version(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    """One version of the agreement, as it read then."""
    relationship = policy.get_relationship_for(request.user, pk)
    agreement = _agreement_for(request, relationship)
    revision = agreement.revisions.select_related("changed_by").filter(version=version).first()
    if revision is None:
        raise Http404("No such version.")
    texts = agreement_versions.texts_of(agreement, revision)
    headings = Agreement.section_labels(relationship)
    return render(
        request,
        "coaching/agreement_version.html",
        {
            "relationship": relationship,
            "agreement": agreement,
            "revision": revision,
            "sections": [(headings[name], texts[name]) for name, _ in Agreement.SECTIONS] if texts else None,
            "previous": version - 1 if version > 1 else None,
        },
    )


def _version_number(value: str | None) -> int | None:
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    return int(value)


@login_required
def agreement_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side in one text: what was added and what was removed, by section.
    ``?from=1&to=3``; by default the version before the current one, and the current one."""
    relationship = policy.get_relationship_for(request.user, pk)
    agreement = _agreement_for(request, relationship)
    revisions = {r.version: r for r in agreement.revisions.select_related("changed_by")}
    texts = {v: agreement_versions.texts_of(agreement, r) for v, r in revisions.items()}
    kept = sorted((v for v, t in texts.items() if t is not None), reverse=True)
    asked = [request.GET.get("from"), request.GET.get("to")]
    older, newer = (_version_number(value) for value in asked)
    error = ""
    if asked == [None, None]:
        newer = agreement.version
        older = next((v for v in kept if v < newer), None)
    if older is None or newer is None or older not in revisions or newer not in revisions:
        error = "Choose two versions of this agreement to compare."
    elif texts[older] is None or texts[newer] is None:
        error = (
            "The text of one of these versions was not kept (it was saved before Rapport kept each "
            "version). Choose two versions from the list."
        )
    elif older == newer:
        error = "These are the same version: choose two different ones."
    if older is not None and newer is not None and older > newer:
        older, newer = newer, older
    # Without an error, both versions are kept: their texts are there to compare.
    older_text = texts.get(older) if older is not None else None
    newer_text = texts.get(newer) if newer is not None else None
    changes = (
        []
        if error or older_text is None or newer_text is None
        else agreement_versions.compare(older_text, newer_text, Agreement.section_labels(relationship))
    )
    return render(
        request,
        "coaching/agreement_compare.html",
        {
            "relationship": relationship,
            "agreement": agreement,
            "kept": kept,
            "older": older,
            "newer": newer,
            "older_revision": revisions.get(older) if older is not None else None,
            "newer_revision": revisions.get(newer) if newer is not None else None,
            "changes": changes,
            "error": error if asked != [None, None] or len(kept) > 1 else "",
            "too_few": len(kept) < 2,
        },
        status=400 if error and asked != [None, None] else 200,
    )


def _agreement_pk(relationship) -> int:
    pk = Agreement.objects.filter(relationship=relationship).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No agreement yet.")
    return pk


@login_required
@require_POST
def agreement_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Email the teacher a one-time link to acknowledge the current version."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    agreement = policy.get_record_to_write(
        request.user,
        Agreement.objects.filter(relationship=relationship),
        _agreement_pk(relationship),
        policy.Write.MANAGE,
    )
    sent, not_sent = actions.send_agreement_for_acknowledgement(
        agreement, request.build_absolute_uri("/")[:-1]
    )
    if sent:
        messages.success(request, f"Sent to {', '.join(sent)}. The link works once, for seven days.")
    if not_sent:
        messages.error(
            request, f"The email to {', '.join(not_sent)} could not be sent just now. Send it again soon."
        )
    if not sent and not not_sent:
        messages.info(request, "Everyone has already acknowledged this version.")
    return redirect("agreement_detail", pk=relationship.pk)


@require_http_methods(["GET", "POST"])
def agreement_ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only asks (mail scanners open links); POST records the acknowledgement.

    The signed link is the credential, so it works without signing in; someone
    signed in as another person is refused, as if the page did not exist.
    """
    try:
        ack = actions.read_acknowledgement_token(token)
    except actions.LinkRefused as refusal:
        return render(request, "coaching/ack_link_refused.html", {"reason": str(refusal)}, status=400)
    if request.user.is_authenticated and request.user.pk != ack.person.pk:
        raise Http404("No such link.")
    already = ack.agreement.acknowledgements.filter(version=ack.version, person=ack.person).exists()
    if already and request.method == "GET":
        reason = "This link has already been used: this version of the agreement is acknowledged."
        return render(request, "coaching/ack_link_refused.html", {"reason": reason}, status=400)
    if request.method == "POST":
        try:
            actions.acknowledge_agreement(
                ack.agreement, ack.person, ack.version, AgreementAcknowledgement.Via.EMAIL_LINK
            )
        except actions.AcknowledgementRefused as refusal:
            return render(request, "coaching/ack_link_refused.html", {"reason": str(refusal)}, status=400)
        return render(request, "coaching/ack_link_done.html", {"ack": ack})
    return render(request, "coaching/ack_link.html", {"ack": ack})


# --- Cycles ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new cycle. The current one (the latest still open) is listed with the earlier cycles;
    the coach chooses whether it ends now (marked done) or stays open beside the new one."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    current = next(
        iter(
            policy.read_records(
                request.user,
                Cycle.objects.exclude(status=Cycle.Status.DONE),
                PURPOSE,
                limit=1,
                relationship=relationship,
            )
        ),
        None,
    )
    form = CycleForm(_data(request))
    if request.method == "POST" and form.is_valid():
        if current is not None and request.POST.get("close_current"):
            current = policy.get_record_to_write(
                request.user, Cycle.objects.filter(relationship=relationship), current.pk, policy.Write.MANAGE
            )
            actions.update_cycle(current, {"status": Cycle.Status.DONE})
        cycle = actions.start_cycle(relationship, request.user, form.cleaned_data)
        messages.success(
            request,
            "Cycle started."
            + (
                " The earlier one is marked done and listed under all cycles."
                if current is not None and request.POST.get("close_current")
                else ""
            ),
        )
        return redirect("cycle_detail", pk=relationship.pk, cycle_pk=cycle.pk)
    return _render(
        request,
        "coaching/cycle_form.html",
        {"relationship": relationship, "form": form, "cycle": None, "current": current},
        form,
    )


@login_required
def cycle_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every cycle of the relationship the person may see, the latest first."""
    relationship = policy.get_relationship_for(request.user, pk)
    cycles = policy.read_records(
        request.user, Cycle.objects.order_by("-created_at", "-pk"), PURPOSE, relationship=relationship
    )
    return render(
        request,
        "coaching/cycle_list.html",
        {
            "relationship": relationship,
            "cycles": cycles,
            "can_manage": relationship.acts_as_coach(request.user) and relationship.ended_on is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: AuthenticatedHttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    cycle = policy.get_record_to_write(
        request.user, Cycle.objects.filter(relationship=relationship), cycle_pk, policy.Write.MANAGE
    )
    form = CycleForm(_data(request), instance=cycle)
    if request.method == "POST" and form.is_valid():
        actions.update_cycle(cycle, form.cleaned_data)
        messages.success(request, "Cycle updated.")
        return redirect("cycle_detail", pk=relationship.pk, cycle_pk=cycle.pk)
    return _render(
        request,
        "coaching/cycle_form.html",
        {"relationship": relationship, "form": form, "cycle": cycle},
        form,
    )


def _cycle_page(
    request: AuthenticatedHttpRequest,
    relationship: Relationship,
    cycle: Cycle,
    evidence_form: EvidenceForm | None = None,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    evidence = policy.read_records(request.user, cycle.evidence.all(), PURPOSE)
    decisions = policy.read_records(request.user, cycle.decisions.all(), PURPOSE)
    can_manage = relationship.acts_as_coach(request.user)
    bound = [f for f in (evidence_form, decision_form) if f is not None]
    return render(
        request,
        "coaching/cycle_detail.html",
        {
            "relationship": relationship,
            "cycle": cycle,
            "chart": briefs.GoalChart(cycle=cycle, evidence=evidence),
            "decisions": decisions,
            "can_manage": can_manage,
            "evidence_form": evidence_form
            or EvidenceForm(initial={"measured_on": timezone.localdate()}, cycle=cycle),
            "decision_form": decision_form or DecisionForm(relationship=relationship, cycle=cycle),
        },
        status=400 if bound else 200,
    )


@login_required
def cycle_detail(request: AuthenticatedHttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    cycle = policy.get_record_for(
        request.user, Cycle.objects.filter(relationship=relationship), cycle_pk, PURPOSE
    )
    return _cycle_page(request, relationship, cycle)


@login_required
@require_POST
def evidence_add(request: AuthenticatedHttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    cycle = policy.get_record_to_write(
        request.user, Cycle.objects.filter(relationship=relationship), cycle_pk, policy.Write.MANAGE
    )
    form = EvidenceForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return _cycle_page(request, relationship, cycle, evidence_form=form)
    actions.add_evidence(cycle, request.user, form.cleaned_data)
    messages.success(request, "Evidence added to the chart.")
    return redirect("cycle_detail", pk=relationship.pk, cycle_pk=cycle.pk)


@login_required
@require_POST
def decision_add(request: AuthenticatedHttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    cycle = policy.get_record_to_write(
        request.user, Cycle.objects.filter(relationship=relationship), cycle_pk, policy.Write.MANAGE
    )
    form = DecisionForm(request.POST, relationship=relationship, cycle=cycle)
    if not form.is_valid():
        return _cycle_page(request, relationship, cycle, decision_form=form)
    actions.record_decision(cycle, request.user, form.cleaned_data)
    messages.success(request, "Decision recorded.")
    return redirect("cycle_detail", pk=relationship.pk, cycle_pk=cycle.pk)


# --- Sessions -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_coached_relationship_for(request.user, pk)
    form = NewSessionForm(
        _data(request), initial={"wrap_up": briefs.usual_wrap_up(request.user, relationship)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["repeat"]:
            sessions = actions.schedule_series(
                relationship,
                request.user,
                data,
                data["place"],
                data["agenda"],
                cadence=data["repeat"],
                dates=data["dates"],
                ends_on=data["ends_on"],
                occurrences=data["occurrences"],
            )
            cadence = SessionSeries.Cadence(data["repeat"]).label
            messages.success(request, f"{len(sessions)} sessions scheduled, {cadence.lower()}.")
            session = sessions[0]
        else:
            session = actions.schedule_session(
                relationship, request.user, data, data["place"], data["agenda"]
            )
            messages.success(request, "Session scheduled.")
        return redirect("session_detail", pk=relationship.pk, session_pk=session.pk)
    return _render(
        request,
        "coaching/session_form.html",
        {
            "relationship": relationship,
            "form": form,
            "heading": "Schedule a session",
            "button": "Schedule",
            "repeats": True,
        },
        form,
    )


def _session_page(
    request: AuthenticatedHttpRequest,
    relationship: Relationship,
    session: Session,
    *,
    notes_form: SessionNotesForm | None = None,
    step_form: CommitmentForm | None = None,
    summary_form: SummaryForm | None = None,
) -> HttpResponse:
    """The session page; while scheduled it is the live meeting view."""
    next_steps = policy.read_records(request.user, session.next_steps.all(), PURPOSE)
    summaries = policy.read_records(request.user, session.summaries.all(), PURPOSE)
    can_manage = relationship.acts_as_coach(request.user)
    wins = []
    if can_manage and session.is_scheduled:
        wins = briefs.celebrations(request.user, session, briefs.last_held_session(request.user, session))
    bound = [f for f in (notes_form, step_form, summary_form) if f is not None]
    return render(
        request,
        "coaching/session_detail.html",
        {
            "relationship": relationship,
            "session": session,
            "next_steps": next_steps,
            "summaries": summaries,
            "wins": wins,
            "can_manage": can_manage,
            "now": timezone.now(),
            "notes_form": notes_form or SessionNotesForm(initial={"notes": session.notes}),
            "step_form": step_form or CommitmentForm(relationship=relationship, initial={"owner": "teacher"}),
            "summary_form": summary_form or SummaryForm(),
        },
        status=400 if bound else 200,
    )


def _session_for(
    request: AuthenticatedHttpRequest, pk: int, session_pk: int, manage: bool = False
) -> Session:
    relationship = policy.get_relationship_for(request.user, pk)
    queryset = Session.objects.filter(relationship=relationship)
    if manage:
        session = policy.get_record_to_write(request.user, queryset, session_pk, policy.Write.MANAGE)
    else:
        session = policy.get_record_for(request.user, queryset, session_pk, PURPOSE)
    session.relationship = relationship
    return session


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session_for(request, pk, session_pk)
    return _session_page(request, session.relationship, session)


@login_required
@require_POST
def session_notes(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """Save the notes; with 'hold', also mark the meeting as held."""
    session = _session_for(request, pk, session_pk, manage=True)
    form = SessionNotesForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session.relationship, session, notes_form=form)
    if "hold" in request.POST and session.is_scheduled:
        actions.hold_session(session, form.cleaned_data["notes"])
        messages.success(request, "Session marked as held. Send the follow-up summary when you are ready.")
    else:
        actions.save_session_notes(session, form.cleaned_data["notes"])
        messages.success(request, "Notes saved.")
    return redirect("session_detail", pk=session.relationship_id, session_pk=session.pk)


@login_required
@require_POST
def next_step_add(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A next step agreed in the meeting becomes a commitment with an owner and a date."""
    session = _session_for(request, pk, session_pk, manage=True)
    form = CommitmentForm(request.POST, relationship=session.relationship)
    if not form.is_valid():
        return _session_page(request, session.relationship, session, step_form=form)
    actions.add_commitment(session.relationship, request.user, form.cleaned_data, session=session)
    messages.success(request, "Next step added as a commitment.")
    return redirect(reverse("session_detail", args=[session.relationship_id, session.pk]) + "#next-steps")


@login_required
@require_POST
def summary_send(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session_for(request, pk, session_pk, manage=True)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session.relationship, session, summary_form=form)
    try:
        actions.send_follow_up_summary(session, request.user, form.cleaned_data["message"])
    except mail.NOT_SENT as error:
        logger.warning("summary email not sent: %s", type(error).__name__)  # never its text
        form.add_error(None, "The email could not be sent just now, so nothing was saved. Try again soon.")
        response = _session_page(request, session.relationship, session, summary_form=form)
        response.status_code = 503
        return response
    messages.success(request, f"Summary sent to {session.relationship.teacher.full_name}.")
    return redirect("session_detail", pk=session.relationship_id, session_pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session_for(request, pk, session_pk, manage=True)
    if not session.is_scheduled:
        raise Http404("Only a scheduled session can be cancelled.")
    later = actions.later_in_series(session).count()
    form = CancelForm(_data(request), relationship=session.relationship, later_in_series=later)
    if request.method == "POST" and form.is_valid():
        by, reason = form.cleaned_data["cancelled_by"], form.cleaned_data["reason"]
        if form.cancels_the_rest:
            count = actions.cancel_rest_of_series(session, by, reason)
            messages.success(request, f"{count} session{'s' if count != 1 else ''} cancelled.")
        else:
            actions.cancel_session(session, by, reason)
            messages.success(request, "Session cancelled.")
        return redirect("relationship_detail", pk=session.relationship_id)
    return _render(
        request,
        "coaching/session_cancel.html",
        {"relationship": session.relationship, "session": session, "form": form},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session_for(request, pk, session_pk, manage=True)
    if not session.is_scheduled:
        raise Http404("Only a scheduled session can be moved.")
    form = SessionForm(_data(request), initial=SessionForm.initial_from(session))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = actions.reschedule_session(session, request.user, data, data["place"], data["agenda"])
        messages.success(request, "Session moved.")
        return redirect("session_detail", pk=session.relationship_id, session_pk=new.pk)
    return _render(
        request,
        "coaching/session_form.html",
        {
            "relationship": session.relationship,
            "form": form,
            "heading": "Move this session",
            "button": "Move it",
        },
        form,
    )


@login_required
def session_prep(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The one-page brief before a meeting (coach side only)."""
    relationship = policy.get_coached_relationship_for(request.user, pk)
    session = policy.get_record_for(
        request.user, Session.objects.filter(relationship=relationship), session_pk, PURPOSE
    )
    session.relationship = relationship
    brief = briefs.prep_brief(request.user, session)
    return render(request, "coaching/session_prep.html", {"relationship": relationship, "brief": brief})


@login_required
def session_ics(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session_for(request, pk, session_pk)
    response = HttpResponse(calendar_for([session], request.get_host()), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="coaching-session-{session.pk}.ics"'
    return response


# --- Commitments ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commitments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every commitment of the relationship, open first; either member adds their own."""
    relationship = policy.get_relationship_for(request.user, pk)
    form = CommitmentForm(
        _data(request),
        relationship=relationship,
        initial={"owner": actions.owner_side(relationship, request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_commitment(relationship, request.user, form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Commitment added.")
            return redirect("commitments", pk=relationship.pk)
    all_of_them = Commitment.objects.filter(relationship=relationship)
    return _render(
        request,
        "coaching/commitments.html",
        {
            "relationship": relationship,
            # Open ones first, oldest due date first; then the latest kept. Bounded, so years of
            # history cost the same to show.
            "open": policy.read_records(
                request.user, all_of_them.open().order_by("due_on"), PURPOSE, limit=60
            ),
            "done": policy.read_records(
                request.user,
                all_of_them.filter(done_on__isnull=False).order_by("-done_on"),
                PURPOSE,
                limit=20,
            ),
            "form": form,
            "on_time_rate": policy.visible_records(request.user, all_of_them).on_time_rate(),
        },
        form,
    )


@login_required
@require_POST
def commitment_done(request: AuthenticatedHttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    commitment = policy.get_record_to_write(
        request.user,
        Commitment.objects.filter(relationship=relationship),
        commitment_pk,
        policy.Write.COMPLETE,
    )
    actions.complete_commitment(commitment)
    messages.success(request, "Marked as done. Nicely kept.")
    return redirect_back(request, reverse("commitments", args=[pk]))


@login_required
@require_POST
def commitment_reopen(request: AuthenticatedHttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    """Undo "done": whoever may mark a commitment done may take it back."""
    relationship = policy.get_relationship_for(request.user, pk)
    commitment = policy.get_record_to_write(
        request.user,
        Commitment.objects.filter(relationship=relationship),
        commitment_pk,
        policy.Write.COMPLETE,
    )
    actions.reopen_commitment(commitment)
    messages.success(request, "Open again.")
    return redirect_back(request, reverse("commitments", args=[pk]))


# --- Visits ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_coached_relationship_for(request.user, pk)
    now = timezone.localtime()
    form = VisitForm(
        _data(request),
        initial={"day": now.date(), "start": now.time().replace(second=0, microsecond=0), "minutes": 15},
    )
    if request.method == "POST" and form.is_valid():
        visit = actions.record_visit(relationship, request.user, form.cleaned_data)
        messages.success(request, "Visit recorded. It stays with you until you share it.")
        return redirect("visit_detail", pk=relationship.pk, visit_pk=visit.pk)
    return _render(request, "coaching/visit_form.html", {"relationship": relationship, "form": form}, form)


@login_required
def visit_detail(request: AuthenticatedHttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    visit = policy.get_record_for(
        request.user, Visit.objects.filter(relationship=relationship), visit_pk, PURPOSE
    )
    return render(
        request,
        "coaching/visit_detail.html",
        {"relationship": relationship, "visit": visit, "can_share": visit.author_id == request.user.pk},
    )


@login_required
@require_POST
def visit_share(request: AuthenticatedHttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    visit = policy.get_record_to_write(
        request.user, Visit.objects.filter(relationship=relationship), visit_pk, policy.Write.CHANGE
    )
    actions.share_visit(visit)
    messages.success(request, f"Shared with {relationship.other_member(request.user).full_name}.")
    return redirect("visit_detail", pk=relationship.pk, visit_pk=visit.pk)


# --- Calendar subscription -------------------------------------------------------------------


def _require_caseload(user) -> None:
    if not policy.caseload_for(user).exists():
        raise Http404("Only people who coach have a session calendar.")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coach's secret subscription URL: shown once when made; make a new one to replace it."""
    _require_caseload(request.user)
    feed_url = None
    if request.method == "POST":
        token = actions.new_calendar_feed(request.user)
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return render(
        request,
        "coaching/calendar_settings.html",
        {"feed_url": feed_url, "has_feed": actions.has_calendar_feed(request.user)},
    )


@login_required
@require_POST
def calendar_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_caseload(request.user)
    actions.revoke_calendar_feed(request.user)
    messages.success(request, "Your calendar link no longer works. Make a new one whenever you like.")
    return redirect("calendar_settings")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription feed: titles, places and times only. An unknown or revoked token is a 404."""
    owner = actions.feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    sessions = (
        Session.objects.filter(relationship__in=policy.caseload_for(owner), starts_at__gte=since)
        .exclude(status=Session.Status.RESCHEDULED)
        .select_related("relationship__teacher")
        .order_by("starts_at")
    )
    body = calendar_for(policy.visible_records(owner, sessions), request.get_host(), "Coaching sessions")
    return HttpResponse(body, content_type="text/calendar")
