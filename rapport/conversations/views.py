"""Pages of conversation coaching: import, the conversation with its analytics, comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rapport.conversations import actions, listening, naming, recordings
from rapport.conversations.forms import (
    CommentForm,
    ConversationImportForm,
    SpeakerRolesForm,
    comments_are_full,
    comments_full_message,
)
from rapport.conversations.models import Conversation, SpeakerRole
from rapport.people.models import User
from rapport.privacy import actions as privacy_actions
from rapport.privacy import policy
from rapport.privacy.forms import ConsentAnswerForm, ShareWithConsentForm, StopSharingForm
from rapport.privacy.models import CoachLeadShare, Purpose
from rapport.privacy.types import AuthenticatedHttpRequest, Person
from rapport.relationships.models import Relationship


def _conversation_for(user, pk: int) -> Conversation:
    """The conversation as a member or as the coach lead it is shared with; read and logged."""
    return policy.get_record_for(
        user,
        Conversation.objects.select_related("author"),
        pk,
        Purpose.RELATIONSHIP_PAGE,
        shared_with_lead=True,
    )


def _conversation_to_change(user: Person, pk: int) -> Conversation:
    return policy.get_record_to_write(
        user, Conversation.objects.select_related("author"), pk, policy.Write.CHANGE
    )


def _open_shares() -> Prefetch:
    """Who each conversation is shared with now, as ``open_shares``: one query for a whole list."""
    return Prefetch(
        "coach_lead_shares",
        queryset=CoachLeadShare.objects.open().select_related("coach_lead"),
        to_attr="open_shares",
    )


@login_required
def conversation_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_relationship_for(request.user, pk)
    conversations = policy.read_records(
        request.user,
        Conversation.objects.filter(relationship=relationship).prefetch_related(_open_shares()),
        Purpose.RELATIONSHIP_PAGE,
    )
    return render(
        request,
        "conversations/conversation_list.html",
        {
            "relationship": relationship,
            "other": relationship.other_member(request.user),
            "conversations": conversations,
            "is_coach_side": relationship.acts_as_coach(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = policy.get_coached_relationship_for(request.user, pk)
    form = ConversationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        recording = form.cleaned_data["recording"]
        conversation = actions.import_conversation(
            relationship,
            request.user,
            title=form.cleaned_data["title"],
            held_on=form.cleaned_data["held_on"],
            transcript=form.cleaned_data["transcript"],
            recording=recording,
            # A recording of no known type is refused by the form (clean_recording).
            recording_type=(form.recording_type_of(recording) or "") if recording else "",
        )
        messages.success(request, "Conversation imported. Check who is who below.")
        return redirect("conversation_speakers", pk=conversation.pk)
    return render(
        request,
        "conversations/conversation_new.html",
        {"relationship": relationship, "other": relationship.teacher, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _analysis(conversation: Conversation) -> tuple[listening.Analysis, dict]:
    coach_speakers = conversation.speakers_with_role(SpeakerRole.COACH)
    analysis = listening.analyze(conversation.transcript, coach_speakers=coach_speakers)
    coach_names = coach_speakers or ({analysis.coach} if analysis.coach else set())
    share_time, share_words = listening.coach_share(analysis, coach_names)
    chart = {
        "speakers": [stats.name for stats in analysis.speakers],
        "seconds": [stats.seconds for stats in analysis.speakers],
        "words": [stats.words for stats in analysis.speakers],
        "questions": [analysis.question_counts["open"], analysis.question_counts["closed"]],
    }
    summary = {
        "coach_names": sorted(coach_names),
        "guessed_coach": not coach_speakers,
        "share_time": share_time,
        "share_words": share_words,
        "over_target": share_time > listening.COACH_TARGET_SHARE,
        "chart": chart,
    }
    return analysis, summary


@login_required
def conversation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_for(request.user, pk)
    return _detail_page(request, conversation)


def _leads_to_share_with(user, conversation: Conversation):
    """The author's coach leads it is not shared with now (an ask waiting counts as shared)."""
    shared = conversation.coach_lead_shares.open().values("coach_lead")
    return privacy_actions.coach_leads_of(user).exclude(pk__in=shared)


def _detail_page(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    relationship: Relationship = conversation.relationship
    comments = policy.read_records_of(
        request.user,
        conversation,
        conversation.comments.select_related("author").order_by("at_seconds", "created_at"),
    )
    threads = [
        (comment, [reply for reply in comments if reply.parent_id == comment.pk]) for comment in comments
    ]
    threads = [(comment, replies) for comment, replies in threads if comment.parent_id is None]
    named = policy.teacher_named_for(request.user, conversation)
    if not named:
        naming.unname_teacher(conversation, relationship.teacher, comments)
    analysis, summary = _analysis(conversation)
    shares = policy.coach_lead_shares_of(request.user, conversation)
    consents = {
        consent.share_id: consent for consent in policy.consents_of_shares(request.user, conversation, shares)
    }
    for share in shares:
        # Read by the templates (_sharing.html): an attribute of the page, not of the model.
        share.teacher_consent = consents.get(share.pk)  # type: ignore[attr-defined]
    is_author = conversation.author_id == request.user.pk
    # The coach's words that built on the teacher's are highlighted in the transcript too.
    built_on = {finding.line: finding.words for finding in analysis.built_on}
    return render(
        request,
        "conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "relationship": relationship,
            "lines": [
                (line, built_on.get(index, ())) for index, line in enumerate(conversation.transcript.lines)
            ],
            "paraphrase_lines": {finding.line for finding in analysis.paraphrases},
            "analysis": analysis,
            "summary": summary,
            "threads": threads,
            "form": form or CommentForm(conversation=conversation),
            "may_comment": policy.may_comment_on(request.user, conversation),
            "comments_full": comments_are_full(conversation) and comments_full_message(),
            "may_play": policy.may_play_recording(request.user, conversation),
            "is_author": is_author,
            "is_teacher_side": relationship.acts_as_teacher(request.user),
            "is_coach_lead_view": not relationship.is_member(request.user),
            "teacher_named": named,
            "open_shares": [share for share in shares if share.is_open],
            "ended_shares": [share for share in shares if not share.is_open],
            "may_share": is_author and _leads_to_share_with(request.user, conversation).exists(),
            "has_coach_lead": is_author and privacy_actions.coach_leads_of(request.user).exists(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_speakers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_to_change(request.user, pk)
    form = SpeakerRolesForm(request.POST or None, conversation=conversation)
    if request.method == "POST" and form.is_valid():
        actions.set_speaker_roles(conversation, form.roles())
        messages.success(request, "Speakers saved.")
        return redirect("conversation_detail", pk=conversation.pk)
    return render(
        request,
        "conversations/conversation_speakers.html",
        {"conversation": conversation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _names(people) -> str:
    names = [person.full_name for person in people]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before a conversation travels: what sharing means, whom to ask, and the coach's explicit
    confirmation. Each coach lead chosen reads it only once the teacher agrees."""
    conversation = _conversation_to_change(request.user, pk)
    leads = _leads_to_share_with(request.user, conversation)
    data = request.POST if request.method == "POST" else None
    form = ShareWithConsentForm(data, leads=leads, label="Who to share it with")
    if request.method == "POST" and form.is_valid():
        asks = privacy_actions.share_with_coach_leads(conversation, list(form.cleaned_data["leads"]))
        base_url = request.build_absolute_uri("/").rstrip("/")
        not_sent = [ask for ask in asks if not privacy_actions.send_consent_request(ask, base_url)]
        teacher = conversation.relationship.teacher
        messages.success(
            request,
            f"Asked {teacher.full_name}. {_names(form.cleaned_data['leads'])} can read it once "
            f"{teacher.get_short_name()} agrees; you can stop sharing at any time.",
        )
        if not_sent:
            messages.error(
                request,
                f"The email to {teacher.full_name} could not be sent just now; they will see the "
                "question when they sign in.",
            )
        return redirect("conversation_detail", pk=conversation.pk)
    return render(
        request,
        "conversations/conversation_share.html",
        {
            "conversation": conversation,
            "relationship": conversation.relationship,
            "form": form,
            "has_coach_lead": privacy_actions.coach_leads_of(request.user).exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def conversation_stop_sharing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coach stops sharing with one person, or (no ``lead``) with everyone."""
    conversation = _conversation_to_change(request.user, pk)
    ever_shared = User.objects.filter(pk__in=conversation.coach_lead_shares.values("coach_lead"))
    form = StopSharingForm(request.POST, leads=ever_shared)
    if not form.is_valid():
        messages.error(request, str(form.errors["lead"][0]))  # an ErrorList's item is its message
        return _detail_page(request, conversation, status=400)
    lead = form.cleaned_data["lead"]
    privacy_actions.stop_sharing_with_coach_leads(conversation, None if lead is None else [lead])
    if lead is None:
        messages.success(request, "No longer shared with anyone: only you and the teacher can see it.")
    else:
        messages.success(request, f"No longer shared with {lead.full_name}.")
    return redirect("conversation_detail", pk=conversation.pk)


@login_required
@require_POST
def conversation_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_for(request.user, pk)
    if not policy.may_comment_on(request.user, conversation):
        raise Http404("No such conversation.")
    form = CommentForm(request.POST, conversation=conversation)
    if not form.is_valid():
        return _detail_page(request, conversation, form=form, status=400)
    comment = actions.add_comment(
        conversation,
        request.user,
        form.cleaned_data["at"],
        form.cleaned_data["body"],
        form.cleaned_data["parent"],
    )
    messages.success(request, "Comment saved.")
    return redirect(f"{reverse('conversation_detail', args=[conversation.pk])}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def conversation_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coach who imported it, or the teacher it is about, deletes it for good."""
    conversation = policy.get_record_to_write(
        request.user, Conversation.objects.all(), pk, policy.Write.ERASE
    )
    relationship = conversation.relationship
    if request.method == "POST":
        actions.delete_conversation(conversation)
        messages.success(request, "Conversation deleted, with its transcript, comments and recording.")
        return redirect("conversation_list", pk=relationship.pk)
    return render(
        request,
        "conversations/conversation_delete.html",
        {"conversation": conversation, "is_teacher_side": relationship.acts_as_teacher(request.user)},
    )


@login_required
def conversation_recording(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse:
    """The recording, for its owner and the coach lead it is shared with. Logged when
    playback starts (a request from byte 0), not for every range a player asks for."""
    starts_playback = request.headers.get("Range", "bytes=0-").startswith("bytes=0-")
    conversation = policy.get_record_for(
        request.user,
        Conversation.objects.filter(recording_name__gt=""),
        pk,
        Purpose.RELATIONSHIP_PAGE,
        shared_with_lead=True,
        logged=starts_playback,
    )
    if not policy.may_play_recording(request.user, conversation):
        raise Http404("No such recording.")
    return recordings.stream(
        request, conversation.recording_name, conversation.recording_type, conversation.recording_size
    )


@login_required
def conversations_shared_with_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coach lead's list of the conversations coaches share with them, by name."""
    if not request.user.is_coach_lead:
        raise PermissionDenied
    # Listing titles is a read of each conversation: logged like opening it.
    conversations = policy.read_shared_with_coach_lead(
        request.user, Conversation.objects.select_related("author", "relationship__teacher")
    )
    named = policy.records_naming_teacher_for(request.user, Conversation)
    for conversation in conversations:
        if conversation.pk not in named:
            conversation.title = naming.unname_title(conversation, conversation.relationship.teacher)
    return render(request, "conversations/shared_with_me.html", {"conversations": conversations})


# --- The teacher's consent -------------------------------------------------------------------


def _answer(consent, form: ConsentAnswerForm) -> str:
    """Carry out the teacher's answer; what to tell them."""
    answer = form.cleaned_data["answer"]
    lead = consent.share.coach_lead.full_name
    if answer in ("agree", "decline"):
        privacy_actions.answer_consent(consent, agree=answer == "agree", named=form.cleaned_data["named"])
        if answer == "decline":
            return f"Declined: {lead} will not read it."
        return f"Agreed: {lead} can read it{' with your name' if form.cleaned_data['named'] else ''}."
    if answer == "withdraw":
        privacy_actions.withdraw_consent(consent)
        return f"Withdrawn: {lead} can no longer read it."
    privacy_actions.set_consent_naming(consent, answer == "name")
    return f"{lead} now sees your name." if answer == "name" else f"{lead} now reads “the teacher”."


@login_required
@require_POST
def consent_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The teacher agrees, declines, withdraws, or shows or hides their name, in Rapport."""
    consent = policy.get_consent_to_answer(request.user, pk)
    form = ConsentAnswerForm(request.POST)
    back = "home" if request.POST.get("back") == "home" else None
    if not form.is_valid():
        messages.error(request, str(form.errors["answer"][0]))
    else:
        try:
            messages.success(request, _answer(consent, form))
        except privacy_actions.ConsentRefused as refusal:
            messages.error(request, str(refusal))
    if back:
        return redirect("home")
    return redirect("conversation_detail", pk=consent.share.object_id)


@require_http_methods(["GET", "POST"])
def consent_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed one-time link. GET only asks (mail scanners open links); POST answers.

    The signed link is the credential, so it works without signing in; someone signed in as
    another person is refused, as if the page did not exist.
    """
    try:
        consent = privacy_actions.read_consent_token(token)
    except privacy_actions.LinkRefused as refusal:
        return render(
            request, "conversations/consent_link_refused.html", {"reason": str(refusal)}, status=400
        )
    if request.user.is_authenticated and request.user.pk != consent.teacher_id:
        raise Http404("No such link.")
    conversation = policy.get_record_for(
        consent.teacher, Conversation.objects.all(), consent.share.object_id, Purpose.CONSENT
    )
    form = ConsentAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["answer"] in ("agree", "decline"):
            try:
                done = _answer(consent, form)
            except privacy_actions.ConsentRefused as refusal:
                return render(
                    request, "conversations/consent_link_refused.html", {"reason": str(refusal)}, status=400
                )
            return render(request, "conversations/consent_link_done.html", {"done": done, "consent": consent})
        return render(
            request,
            "conversations/consent_link_refused.html",
            {"reason": "Choose whether you agree. Nothing was recorded."},
            status=400,
        )
    return render(
        request,
        "conversations/consent_link.html",
        {"consent": consent, "conversation": conversation, "days": privacy_actions.CONSENT_LINK_MAX_AGE.days},
    )
