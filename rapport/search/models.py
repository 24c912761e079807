"""The search index: keyed hashes of the words in confidential records, never the words.

Each row says "record R (of relationship X) contains a word whose keyed hash is T". The hash
is an HMAC under a key derived from the encryption key (outside the database), so someone with
the database but not the keys learns which records share a word, not which word (docs/search.md
and docs/threat-model.md say what that does and does not reveal).
"""

from __future__ import annotations

from django.db import models


class SearchTerm(models.Model):
    record_type = models.CharField(max_length=60)  # "relationships.note"
    record_id = models.PositiveBigIntegerField()
    relationship_id = models.PositiveBigIntegerField()
    term = models.CharField(max_length=32)  # 16 bytes of HMAC-SHA256, hex

    class Meta:
        indexes = [
            # Both of the search's lookups, "in which kinds of record does this term occur, in
            # these relationships" and "which records of this kind, in these relationships, hold
            # it", are answered from the index alone (it holds the record's id): a common word's
            # thousand terms are not each looked up in the table.
            models.Index(
                fields=["term", "relationship_id", "record_type", "record_id"], name="search_term_covering"
            ),
        ]
        constraints = [
            # Also the index that re-indexing one record (delete its terms) uses.
            models.UniqueConstraint(fields=["record_type", "record_id", "term"], name="one_term_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.record_id}"
