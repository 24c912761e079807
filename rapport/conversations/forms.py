from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from rapport.conversations import recordings, transcripts
from rapport.conversations.models import Comment, Conversation, SpeakerRole

MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
MAX_RECORDING_BYTES = 200 * 1024 * 1024
_MOMENT = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\s*$")


class ConversationImportForm(forms.Form):
    title = forms.CharField(label="What the conversation was about", max_length=200)
    held_on = forms.DateField(
        label="Date of the conversation", widget=forms.DateInput(attrs={"type": "date"})
    )
    transcript = forms.FileField(
        label="Transcript",
        help_text="A .vtt or .srt file from Zoom, Teams or Meet, or a text file with "
        "“Name: what they said” lines. Up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,.txt,text/vtt,text/plain"}),
    )
    recording = forms.FileField(
        label="Recording (optional)",
        required=False,
        help_text="Audio or video (mp3, m4a, wav, ogg, webm, mp4), up to 200 MB. Stored encrypted.",
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*,video/*"}),
    )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The conversation has to have happened already.")
        return held_on

    def clean_transcript(self) -> transcripts.Transcript:
        upload = self.cleaned_data["transcript"]
        if upload.size > MAX_TRANSCRIPT_BYTES:
            raise forms.ValidationError(
                "This transcript is larger than 5 MB; a one-hour conversation is about 100 KB."
            )
        try:
            transcript = transcripts.parse(upload.read())
        except transcripts.TranscriptError as error:
            raise forms.ValidationError(f"We could not read this transcript. {error}") from error
        speakers, limit = len(transcript.speakers), settings.RAPPORT_MAX_TRANSCRIPT_SPEAKERS
        if speakers > limit:
            raise forms.ValidationError(
                f"This transcript names {speakers:,} different speakers; Rapport takes up to {limit}. "
                "A coaching conversation usually has two or three: check that this is the right file, "
                "or remove what is not part of the conversation."
            )
        return transcript

    def clean_recording(self):
        upload = self.cleaned_data.get("recording")
        if not upload:
            return None
        if upload.size > MAX_RECORDING_BYTES:
            raise forms.ValidationError("This recording is larger than 200 MB. Try an audio-only export.")
        if self.recording_type_of(upload) is None:
            raise forms.ValidationError("We play mp3, m4a, wav, ogg, webm and mp4 recordings.")
        return upload

    @staticmethod
    def recording_type_of(upload) -> str | None:
        return recordings.MEDIA_TYPES.get(Path(upload.name or "").suffix.lower())


class SpeakerRolesForm(forms.Form):
    """Who is who in the transcript: one choice per speaker name.

    A conversation imported before speakers were bounded may name more than
    ``RAPPORT_MAX_TRANSCRIPT_SPEAKERS``: the form then has no fields and refuses to save
    (``too_many``), rather than build a page too long to load or a form too long to send.
    """

    def __init__(self, *args, conversation: Conversation, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = list(conversation.speaker_roles)
        self.too_many = len(self.names) > settings.RAPPORT_MAX_TRANSCRIPT_SPEAKERS
        if self.too_many:
            self.names = []
        for position, name in enumerate(self.names):
            self.fields[f"speaker_{position}"] = forms.ChoiceField(
                label=name,
                choices=SpeakerRole.choices,
                initial=conversation.speaker_roles[name],
                widget=forms.Select,
            )

    def clean(self):
        if self.too_many:
            raise forms.ValidationError(self.too_many_message())
        return super().clean()

    def too_many_message(self) -> str:
        return (
            f"This transcript names more than {settings.RAPPORT_MAX_TRANSCRIPT_SPEAKERS} speakers, "
            "too many to sort out here. Delete the conversation and import its transcript again "
            "with only the people in it."
        )

    def roles(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"speaker_{position}"] for position, name in enumerate(self.names)}


def parse_moment(value: str) -> float | None:
    """Seconds from "m:ss" or "h:mm:ss"; None if it is not a moment."""
    match = _MOMENT.match(value or "")
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def comments_are_full(conversation: Conversation) -> bool:
    return conversation.comments.count() >= settings.RAPPORT_MAX_COMMENTS_PER_CONVERSATION


def comments_full_message() -> str:
    return (
        f"This conversation already has {settings.RAPPORT_MAX_COMMENTS_PER_CONVERSATION} comments, "
        "the most one conversation takes. Carry the thread on in your next session, or in a note."
    )


class CommentForm(forms.Form):
    at = forms.CharField(
        label="Moment (minutes:seconds)",
        max_length=10,
        help_text="Click a line of the transcript (or its time) to fill this in.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "data-comment-moment": "", "autocomplete": "off"}
        ),
    )
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, conversation: Conversation, **kwargs):
        super().__init__(*args, **kwargs)
        self.conversation = conversation

    def clean_at(self) -> float:
        seconds = parse_moment(self.cleaned_data["at"])
        if seconds is None:
            raise forms.ValidationError("Write the moment as minutes and seconds, like 4:05.")
        return float(seconds)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before saving the comment.")
        return body

    def clean(self):
        cleaned = super().clean()
        if comments_are_full(self.conversation):
            raise forms.ValidationError(comments_full_message())
        return cleaned

    def clean_parent(self) -> Comment | None:
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = Comment.objects.filter(conversation=self.conversation, pk=pk).first()
        if parent is None:
            raise forms.ValidationError("The comment you replied to is no longer there.")
        return parent
