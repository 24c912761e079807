from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.conversations.models import Conversation
from tests.conversations.samples import make_conversation
from tests.sentinel import SentinelWriter, assert_posted


def _conversation_through_form(world, client_for, sentinel):
    """The title, a speaker's name and a line's text, through the import form."""
    vtt = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n"
        f"Cora Coach: What do you make of {sentinel}?\n\n"
        f"00:00:04.000 --> 00:00:09.000\n<v {sentinel}>I think it went well.</v>\n"
    )
    response = client_for(world.coach).post(
        reverse("conversation_new", args=[world.relationship.pk]),
        {
            "title": sentinel,
            "held_on": world.relationship.started_on.isoformat(),
            "transcript": SimpleUploadedFile("talk.vtt", vtt.encode()),
        },
    )
    assert_posted(response, "conversation import")
    conversation = next(c for c in Conversation.objects.all() if c.title == sentinel)
    assert sentinel in conversation.transcript_data
    assert sentinel in conversation.speaker_roles_data
    return [
        reverse("conversation_detail", args=[conversation.pk]),
        reverse("conversation_speakers", args=[conversation.pk]),
        reverse("conversation_delete", args=[conversation.pk]),
    ]


def _comment_through_form(world, client_for, sentinel):
    conversation = make_conversation(world)
    response = client_for(world.coach).post(
        reverse("conversation_comment", args=[conversation.pk]), {"at": "0:05", "body": sentinel}
    )
    assert_posted(response, "conversation comment")
    assert any(comment.body == sentinel for comment in conversation.comments.all())
    return [reverse("conversation_detail", args=[conversation.pk])]


WRITERS = [
    SentinelWriter(
        "conversation",
        {
            "conversations.Conversation.title",
            "conversations.Conversation.transcript_data",
            "conversations.Conversation.speaker_roles_data",
        },
        _conversation_through_form,
    ),
    SentinelWriter("conversation comment", {"conversations.Comment.body"}, _comment_through_form),
]
