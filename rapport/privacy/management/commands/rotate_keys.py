"""Re-encrypt every confidential field with the first key of RAPPORT_ENCRYPTION_KEYS.

Rotation: put a new key first in RAPPORT_ENCRYPTION_KEYS (keep the old ones after
it), run this command, then remove the old keys. Values are decrypted with
whichever key fits and saved again, which encrypts them with the first key.
The access log's chain is signed again with a MAC key derived from the first key,
after checking that it verifies under the keys it was signed with.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rapport.privacy import accesslog, encryption
from rapport.privacy.fields import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt all confidential text with the current (first) encryption key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        total = 0
        for model, field in encrypted_fields():
            pks = list(
                model._default_manager.exclude(**{f"{field.name}__isnull": True})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    rows = list(
                        model._default_manager.select_for_update()
                        .filter(pk__in=pks[start : start + batch_size])
                        .only("pk", field.name)
                    )
                    model._default_manager.bulk_update(rows, [field.name])
            total += len(pks)
            self.stdout.write(f"{model._meta.label}.{field.name}: {len(pks)} values re-encrypted")
        for label, rotate_all in encryption.FILE_ROTATORS.items():
            count = rotate_all()
            self.stdout.write(f"{label}: {count} files re-encrypted")
        try:
            entries = accesslog.rechain()
        except accesslog.BrokenChainError as error:
            raise CommandError(
                f"{total} values now use the current key, but the access log does not verify ({error}), "
                "so it was not signed again: keep the old keys until this is looked into "
                "(`manage.py verify_access_log`)."
            ) from error
        self.stdout.write(
            f"Access log: {entries} entries signed again; its head hash is now "
            f"{accesslog.verify().head_hash} (record it in place of the one recorded before)."
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values now use the current key."))
