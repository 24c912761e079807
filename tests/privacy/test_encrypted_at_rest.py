"""Every free-text field of a coaching record is encrypted at rest.

Records are the concrete ``RelationshipRecord`` models and the models hanging off a record or a
relationship (revisions, acknowledgements, shares, releases). A text field of theirs that is
neither an ``EncryptedTextField`` nor listed below fails: encrypt it, or add it here with the
reason it is not free text.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.db import connection, models

from rapport.coaching.models import Session
from rapport.privacy import encryption
from rapport.privacy.fields import EncryptedTextField
from rapport.relationships.models import Relationship, RelationshipRecord, TeacherProfile

NOT_FREE_TEXT = {
    # Not coaching content: the pairing's own label, set by an administrator, part of its
    # uniqueness constraint and shown on the coverage page.
    "relationships.Relationship.focus",
    # Email addresses the message went to: who, never what.
    "relationships.Appreciation.sent_to",
    "relationships.Appreciation.copied_to",
    "coaching.SentSummary.sent_to",
    # Section names from a fixed list, never their content.
    "coaching.AgreementRevision.changed_sections",
    # The worker that claimed the reminder: an id.
    "coaching.Session.reminder_claimed_by",
    # A random storage name and the browser-reported media type of a recording.
    "conversations.Conversation.recording_name",
    "conversations.Conversation.recording_type",
    # Keys of the fixed statements a coach ticked.
    "insights.TrustReflection.checked",
}


def _record_models() -> list[type[models.Model]]:
    records = {model for model in apps.get_models() if issubclass(model, RelationshipRecord)}
    hanging = {
        model
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and (field.related_model is Relationship or field.related_model in records)
    }
    generic = {
        field.related_model
        for model in records
        for field in model._meta.private_fields
        if isinstance(field, GenericRelation)
    }
    return sorted(records | hanging | generic | {Relationship}, key=lambda model: model._meta.label)


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, EncryptedTextField) or field.choices:
            continue  # encrypted, or one of a fixed set of values
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            yield f"{model._meta.label}.{field.name}"


def test_every_free_text_field_of_a_record_is_encrypted():
    models_checked = _record_models()
    assert {"coaching.Session", "conversations.Comment", "coaching.AgreementRevision"} <= {
        model._meta.label for model in models_checked
    }
    in_clear = {name for model in models_checked for name in _text_fields(model)}
    assert in_clear - NOT_FREE_TEXT == set(), "free text stored in clear: encrypt it, or list it with why"
    assert NOT_FREE_TEXT - in_clear == set(), "listed but no longer a text field in clear: remove it"


def _raw(model, pk, column) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_grades_subjects_and_place_are_ciphertext_in_the_database(world):
    profile = TeacherProfile.objects.create(
        relationship=world.relationship,
        author=world.coach,
        grades="Grade 4 (her first year back)",
        subjects="Math, after the leave",
    )
    session = world.session
    session.place = "Room 12, away from the principal's office"
    session.save()
    for model, pk, column, planted in [
        (TeacherProfile, profile.pk, "grades", "first year back"),
        (TeacherProfile, profile.pk, "subjects", "after the leave"),
        (Session, session.pk, "place", "principal's office"),
    ]:
        stored = _raw(model, pk, column)
        assert stored.startswith(encryption.TOKEN_PREFIX)
        assert planted not in stored
    assert TeacherProfile.objects.get(pk=profile.pk).subjects == "Math, after the leave"
    assert Session.objects.get(pk=session.pk).place == "Room 12, away from the principal's office"
