"""Keeping the search index: which records hold which words, as keyed hashes.

A record's searchable text is split into words the way the listening analytics read talk
(``conversations.talk``: apostrophes and hyphens kept, a transcriber's notes dropped), each word
with its lemmas ("sleeping" is also *sleep*), minus the function words ("the", "and"). Each term
is stored as HMAC-SHA256 under a key derived from the current encryption key: the database holds
no word. The index follows every save and delete of a searchable record (signals), and
``rebuild`` makes it again from the records (after a bulk load, or under a new key).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from rapport.conversations import talk
from rapport.privacy.encryption import mac_keys
from rapport.search.models import SearchTerm

# What is searched, and in which fields. Kept to what a person writes about coaching; a
# transcript's lines are not indexed (a conversation is found by its title and comments).
SEARCHABLE: dict[str, tuple[str, ...]] = {
    "relationships.note": ("body",),
    "relationships.noticing": ("body",),
    "relationships.touchpoint": ("note",),
    "relationships.appreciation": ("message",),
    "coaching.cycle": ("student_goal", "measure", "moves"),
    "coaching.session": ("agenda", "notes"),
    "coaching.commitment": ("what", "resource_title"),
    "coaching.visit": ("students_doing", "what_worked", "wonderings"),
    "conversations.conversation": ("title",),
    "conversations.comment": ("body",),
}
TERM_BYTES = 16

# The uncached word helpers: the cached ones keep what they saw in memory until an analysis
# ends (talk.forget), and what is indexed or searched must not linger in a process.
_words = talk.words.__wrapped__
_lemmas = talk.lemmas.__wrapped__


def _key() -> bytes:
    """The current key only: the index is rebuilt under a new key when keys are rotated."""
    return mac_keys("rapport search index")[0]


def _plain(text: str) -> str:
    """Accents off ("Tomás" is found as "tomas"), so that typing either finds both."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def word_forms(text: str) -> list[frozenset[str]]:
    """Each content word of ``text`` with the forms it matches: itself and its lemmas."""
    return [
        _lemmas(word) for word in _words(_plain(text)) if word not in talk.FUNCTION_WORDS and len(word) > 1
    ]


def blind(term: str, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), term.encode(), hashlib.sha256).digest()[:TERM_BYTES].hex()


def record_type(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def terms_of(record, key: bytes | None = None) -> set[str]:
    key = key or _key()
    text = " ".join(getattr(record, field) or "" for field in SEARCHABLE[record_type(type(record))])
    return {blind(form, key) for forms in word_forms(text) for form in forms}


def _rows(record, key: bytes, term_model=SearchTerm) -> list:
    kind = record_type(type(record))
    return [
        term_model(record_type=kind, record_id=record.pk, relationship_id=record.relationship_id, term=term)
        for term in terms_of(record, key)
    ]


def index_record(record) -> None:
    with transaction.atomic():
        SearchTerm.objects.filter(record_type=record_type(type(record)), record_id=record.pk).delete()
        SearchTerm.objects.bulk_create(_rows(record, _key()))


def unindex(model, pk) -> None:
    SearchTerm.objects.filter(record_type=record_type(model), record_id=pk).delete()


def searchable_models() -> Iterable:
    return [apps.get_model(label) for label in SEARCHABLE]


def rebuild(batch_size: int = 2000, get_model=apps.get_model) -> int:
    """Index every searchable record again (under the current key); the number indexed.

    ``get_model``: a migration passes its historical models' ``apps.get_model``.
    """
    key, count = _key(), 0
    term_model = get_model("search", "SearchTerm")
    with transaction.atomic():
        term_model.objects.all().delete()
        for label, fields in SEARCHABLE.items():
            model = get_model(*label.split("."))
            rows: list = []
            records = model.objects.only("pk", "relationship_id", *fields)
            for record in records.iterator(chunk_size=batch_size):
                rows.extend(_rows(record, key, term_model))
                count += 1
                if len(rows) >= batch_size * 10:
                    term_model.objects.bulk_create(rows, batch_size=batch_size)
                    rows = []
            term_model.objects.bulk_create(rows, batch_size=batch_size)
    return count


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        index_record(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    unindex(sender, instance.pk)


def connect_signals() -> None:
    for model in searchable_models():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-index-{record_type(model)}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"search-unindex-{record_type(model)}")
