from django.urls import reverse

from rapport.relationships.models import Note, Question
from tests.sentinel import SentinelWriter, assert_posted


def _note_through_form(visibility: str):
    def write(world, client_for, sentinel):
        url = reverse("relationship_detail", args=[world.relationship.pk])
        response = client_for(world.coach).post(url, {"body": sentinel, "visibility": visibility})
        assert_posted(response, f"note ({visibility})")
        note = next(n for n in Note.objects.filter(relationship=world.relationship) if n.body == sentinel)
        return [
            reverse("note_edit", args=[world.relationship.pk, note.pk]),
            reverse("note_release", args=[world.relationship.pk, note.pk]),
        ]

    return write


def _follow_up_note(world, client_for, sentinel):
    url = reverse("relationship_detail", args=[world.relationship.pk])
    data = {"body": sentinel, "visibility": "private", "kind": "events", "follow_up_on": "2020-01-01"}
    assert_posted(client_for(world.coach).post(url, data), "follow-up note")
    return [reverse("home"), reverse("relationship_history", args=[world.relationship.pk])]


def _answer(world, client_for, sentinel):
    # The coach's own question, added through the bank (the starter set may have been
    # flushed by an earlier transactional test).
    data = {"text": "What are you looking forward to?", "theme": "first-meeting"}
    assert_posted(client_for(world.coach).post(reverse("question_bank"), data), "question")
    question = Question.objects.get(owner=world.coach)
    url = reverse("answer_new", args=[world.relationship.pk])
    response = client_for(world.coach).post(url, {"question": question.pk, "body": sentinel})
    assert_posted(response, "answer")
    return [url]


def _profile(world, client_for, sentinel):
    url = reverse("profile_edit", args=[world.relationship.pk])
    data = {
        "profile-preferred_name": sentinel,
        "profile-grades": sentinel,
        "profile-subjects": sentinel,
        "profile-feedback_preferences": sentinel,
        "profile-best_times": sentinel,
        "readiness-notes": sentinel,
    }
    assert_posted(client_for(world.coach).post(url, data), "profile")
    return [url]


def _touchpoint(world, client_for, sentinel):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    assert_posted(client_for(world.coach).post(url, {"kind": "lunch", "note": sentinel}), "touchpoint")
    return [reverse("coverage"), reverse("relationship_history", args=[world.relationship.pk])]


def _noticing_and_appreciation(world, client_for, sentinel):
    client = client_for(world.coach)
    url = reverse("noticing_new", args=[world.relationship.pk])
    assert_posted(client.post(url, {"body": sentinel, "noticed_on": "2026-03-02"}), "noticing")
    # Sent to the teacher, with a request to copy the leader that the teacher has not allowed.
    url = reverse("appreciation_new", args=[world.relationship.pk])
    assert_posted(client.post(url, {"message": sentinel, "copy_leader": "on"}), "appreciation")
    return [url, reverse("noticing_pick_teacher")]


WRITERS = [
    SentinelWriter("private note", {"relationships.Note.body"}, _note_through_form("private")),
    SentinelWriter("shared note", {"relationships.Note.body"}, _note_through_form("shared")),
    SentinelWriter("follow-up note", {"relationships.Note.body"}, _follow_up_note),
    SentinelWriter("answer to a question", {"relationships.Note.body"}, _answer),
    SentinelWriter(
        "teacher profile and readiness",
        {
            "relationships.TeacherProfile.preferred_name",
            "relationships.TeacherProfile.grades",
            "relationships.TeacherProfile.subjects",
            "relationships.TeacherProfile.feedback_preferences",
            "relationships.TeacherProfile.best_times",
            "relationships.ReadinessProfile.notes",
        },
        _profile,
    ),
    SentinelWriter("touchpoint", {"relationships.Touchpoint.note"}, _touchpoint),
    SentinelWriter(
        "noticing and appreciation",
        {"relationships.Noticing.body", "relationships.Appreciation.message"},
        _noticing_and_appreciation,
    ),
]
