"""Pages of conversation coaching: import, the conversation with its analytics, comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rapport.conversations import actions, listening, recordings
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
from rapport.privacy.forms import CoachLeadsForm, StopSharingForm
from rapport.privacy.models import CoachLeadShare, Purpose
from rapport.relationships.models import Relationship


def _conversation_for(user, pk: int) -> Conversation:
    """The conversation as a member or as the coach lead it is shared with; read and logged."""
    return policy.get_shareable_record_for(user, Conversation.objects.select_related("author"), pk)


def _conversation_to_change(user, pk: int) -> Conversation:
    return policy.get_record_to_change(user, Conversation.objects.select_related("author"), pk)


def _open_shares() -> Prefetch:
    """Who each conversation is shared with now, as ``open_shares``: one query for a whole list."""
    return Prefetch(
        "coach_lead_shares",
        queryset=CoachLeadShare.objects.open().select_related("coach_lead"),
        to_attr="open_shares",
    )


@login_required
def conversation_list(request: HttpRequest, pk: int) -> HttpResponse:
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
def conversation_new(request: HttpRequest, pk: int) -> HttpResponse:
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
            recording_type=form.recording_type_of(recording) if recording else "",
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
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_for(request.user, pk)
    return _detail_page(request, conversation)


def _share_form(user, conversation: Conversation, data=None) -> CoachLeadsForm | None:
    """For the author: their coach leads it is not shared with yet (``None`` when there are none)."""
    if conversation.author_id != user.pk:
        return None
    shared = conversation.coach_lead_shares.open().values("coach_lead")
    leads = privacy_actions.coach_leads_of(user).exclude(pk__in=shared)
    if data is None and not leads.exists():
        return None
    return CoachLeadsForm(data, leads=leads, label="Share with your coach lead")


def _detail_page(
    request,
    conversation: Conversation,
    form: CommentForm | None = None,
    share_form: CoachLeadsForm | None = None,
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
    analysis, summary = _analysis(conversation)
    shares = policy.coach_lead_shares_of(request.user, conversation)
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
            "open_shares": [share for share in shares if share.is_open],
            "ended_shares": [share for share in shares if not share.is_open],
            "share_form": share_form or _share_form(request.user, conversation),
            "has_coach_lead": is_author and privacy_actions.coach_leads_of(request.user).exists(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_speakers(request: HttpRequest, pk: int) -> HttpResponse:
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
@require_POST
def conversation_share(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach shares the conversation with coach leads of theirs they choose, by name."""
    conversation = _conversation_to_change(request.user, pk)
    form = _share_form(request.user, conversation, request.POST)
    if not form.is_valid():
        return _detail_page(request, conversation, share_form=form, status=400)
    leads = list(form.cleaned_data["leads"])
    privacy_actions.share_with_coach_leads(conversation, leads)
    messages.success(request, f"Shared with {_names(leads)}. You can stop sharing at any time.")
    return redirect("conversation_detail", pk=conversation.pk)


@login_required
@require_POST
def conversation_stop_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach stops sharing with one person, or (no ``lead``) with everyone."""
    conversation = _conversation_to_change(request.user, pk)
    ever_shared = User.objects.filter(pk__in=conversation.coach_lead_shares.values("coach_lead"))
    form = StopSharingForm(request.POST, leads=ever_shared)
    if not form.is_valid():
        messages.error(request, form.errors["lead"][0])
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
def conversation_comment(request: HttpRequest, pk: int) -> HttpResponse:
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
def conversation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach who imported it, or the teacher it is about, deletes it for good."""
    conversation = policy.get_record_to_erase(request.user, Conversation.objects.all(), pk)
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
def conversation_recording(request: HttpRequest, pk: int) -> HttpResponse:
    """The recording, for its owner and the coach lead it is shared with. Logged when
    playback starts (a request from byte 0), not for every range a player asks for."""
    starts_playback = request.headers.get("Range", "bytes=0-").startswith("bytes=0-")
    conversation = policy.get_shareable_record_for(
        request.user, Conversation.objects.filter(recording_name__gt=""), pk, logged=starts_playback
    )
    if not policy.may_play_recording(request.user, conversation):
        raise Http404("No such recording.")
    return recordings.stream(
        request, conversation.recording_name, conversation.recording_type, conversation.recording_size
    )


@login_required
def conversations_shared_with_me(request: HttpRequest) -> HttpResponse:
    """A coach lead's list of the conversations coaches share with them, by name."""
    if not request.user.is_coach_lead:
        raise PermissionDenied
    # Listing titles is a read of each conversation: logged like opening it.
    conversations = policy.read_shared_with_coach_lead(
        request.user, Conversation.objects.select_related("author")
    )
    return render(request, "conversations/shared_with_me.html", {"conversations": conversations})
