from io import StringIO

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from rapport.privacy import encryption
from rapport.relationships.models import Note
from tests.factories import NoteFactory

OLD_KEY = encryption.generate_key()
NEW_KEY = encryption.generate_key()


def raw_body(note) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {Note._meta.db_table} WHERE id = %s", [note.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_round_trip_and_fresh_ciphertext_each_time():
    first, second = encryption.encrypt("same words"), encryption.encrypt("same words")
    assert first != second
    assert encryption.decrypt(first) == encryption.decrypt(second) == "same words"


def test_plaintext_in_the_column_is_refused_not_served():
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt("an unencrypted sentence")


def test_no_key_is_a_clear_configuration_error(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="RAPPORT_ENCRYPTION_KEYS"):
        encryption.encrypt("x")


@pytest.mark.django_db
def test_stored_value_is_ciphertext():
    note = NoteFactory(body="Her son's recital is on Friday")
    stored = raw_body(note)
    assert stored.startswith(encryption.TOKEN_PREFIX)
    assert "recital" not in stored
    assert Note.objects.get(pk=note.pk).body == "Her son's recital is on Friday"


@pytest.mark.django_db
def test_encrypted_fields_cannot_be_searched_in_sql():
    with pytest.raises(FieldError):
        list(Note.objects.filter(body__icontains="recital"))


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_with_the_new_first_key(settings):
    settings.RAPPORT_ENCRYPTION_KEYS = [OLD_KEY]
    note = NoteFactory(body="Loves birdwatching")
    old_token = raw_body(note)

    settings.RAPPORT_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "relationships.Note.body: 1 values re-encrypted" in out.getvalue()

    new_token = raw_body(note)
    assert new_token != old_token
    settings.RAPPORT_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now be dropped
    assert Note.objects.get(pk=note.pk).body == "Loves birdwatching"
    settings.RAPPORT_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(new_token)
