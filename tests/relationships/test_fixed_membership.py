"""A relationship's coach, teacher and kind, and a record's relationship and author, never change:
the models refuse it in words, the database refuses it below them (triggers)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from rapport.privacy import membership, policy
from rapport.relationships.models import FixedMembershipError, Note, Relationship
from tests.factories import NoteFactory, RelationshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def triggers() -> set[tuple[str, str]]:
    """(trigger, table) pairs in the test database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal"
            )
        return set(cursor.fetchall())


def test_every_record_table_and_the_relationship_table_have_their_trigger():
    tables = [membership.RELATIONSHIP_TABLE, *(model._meta.db_table for model in policy.record_models())]
    assert len(tables) > 15
    present = triggers()
    missing = [table for table in tables if (membership.trigger_name(table), table) not in present]
    assert not missing, f"tables whose members can change in the database: {missing}"


def test_the_record_tables_found_from_the_fields_are_the_record_models():
    """The migration recognises record models by their fields (historical models keep no base class)."""
    expected = sorted(model._meta.db_table for model in policy.record_models())
    assert membership.record_tables(apps.get_models()) == expected


def test_a_trigger_dropped_by_a_table_rebuild_is_made_again_after_migrate():
    table = Note._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'DROP TRIGGER "{membership.trigger_name(table)}"')
        else:
            cursor.execute(f'DROP TRIGGER "{membership.trigger_name(table)}" ON "{table}"')
    assert (membership.trigger_name(table), table) not in triggers()
    membership.ensure_triggers(apps.get_app_config("relationships"), apps=apps)
    assert (membership.trigger_name(table), table) in triggers()


def test_changing_a_member_through_the_model_says_what_to_do():
    relationship = RelationshipFactory()
    relationship.coach = UserFactory()
    with pytest.raises(FixedMembershipError, match="end the relationship and start a new one"):
        relationship.save()


def test_a_relationship_saved_by_key_without_being_loaded_is_checked_too():
    relationship = RelationshipFactory()
    stranger = UserFactory()
    unloaded = Relationship(
        pk=relationship.pk, coach=stranger, teacher=relationship.teacher, school=relationship.school
    )
    unloaded._state.adding = False
    with pytest.raises(FixedMembershipError):
        unloaded.save()


def test_other_fields_still_change():
    relationship = RelationshipFactory(focus="Literacy")
    relationship.focus = "Math"
    relationship.ended_on = relationship.started_on
    relationship.save()
    assert Relationship.objects.filter(focus="Math", ended_on__isnull=False).count() == 1
    assert Relationship.objects.filter(pk=relationship.pk).update(focus="Science") == 1


@pytest.mark.parametrize("field", ["coach", "coach_id", "teacher", "teacher_id", "kind"])
def test_querysets_refuse_to_update_members(field):
    relationship = RelationshipFactory()
    value = "peer" if field == "kind" else UserFactory() if not field.endswith("_id") else UserFactory().pk
    with pytest.raises(FixedMembershipError):
        Relationship.objects.filter(pk=relationship.pk).update(**{field: value})
    with pytest.raises(FixedMembershipError):
        Relationship.objects.bulk_update([relationship], [field.removesuffix("_id")])


def test_a_record_cannot_change_hands_nor_relationship():
    note = NoteFactory()
    note.author = UserFactory()
    with pytest.raises(FixedMembershipError):
        note.save()
    note = Note.objects.get(pk=note.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.filter(pk=note.pk).update(relationship=RelationshipFactory())


def test_saving_a_record_again_costs_no_extra_query(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("rapport.search.index.index_record", lambda record: None)  # its own queries
    note = NoteFactory()
    note.body = "Changed."
    with django_assert_num_queries(1):
        note.save()
