"""Model fields whose contents are encrypted before they reach the database."""

from __future__ import annotations

from django.db import models

from rapport.privacy import encryption


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Cannot be searched or ordered by in SQL, by design.

    Every field of this class is confidential: the sentinel test finds them all
    and proves that none of them leaks.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return encryption.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(value)

    def get_lookup(self, lookup_name):
        # Only presence tests make sense on ciphertext; anything else would
        # silently compare against tokens and always miss.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted field of every installed model."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
