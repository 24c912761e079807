"""Searching one's own records: only what the access policy lets the searcher read.

The index narrows the search to records holding every word asked for (as keyed hashes, in the
relationships the searcher belongs to); the policy then decides which of those the searcher may
read, and only the records shown are decrypted and written to the access log ("Found in a
search"), like any other read.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.safestring import SafeString, mark_safe

from rapport.core.links import reverse
from rapport.privacy import policy
from rapport.privacy.models import Purpose
from rapport.privacy.relationships import Relationship, RelationshipRecord
from rapport.search.index import SEARCHABLE, _key, blind, word_forms
from rapport.search.models import SearchTerm

RESULTS_SHOWN = 50
QUERY_MAX_WORDS = 8
SNIPPET_CHARS = 220

# How each kind of record is named in the results, when it happened, and where it opens.
KINDS: dict[str, tuple[str, str]] = {
    "relationships.note": ("Note", "created_at"),
    "relationships.noticing": ("Noticing", "created_at"),
    "relationships.touchpoint": ("Touchpoint", "created_at"),
    "relationships.appreciation": ("Appreciation", "sent_at"),
    "coaching.cycle": ("Goal", "created_at"),
    "coaching.session": ("Session", "starts_at"),
    "coaching.commitment": ("Commitment", "created_at"),
    "coaching.visit": ("Classroom visit", "visited_at"),
    "conversations.conversation": ("Conversation", "created_at"),
    "conversations.comment": ("Comment on a conversation", "created_at"),
}

# What a result reads of its record besides the searched text and the date: the policy's and the
# access log's fields and whose relationship it is. The record's other fields are not shown, so
# they are neither loaded nor decrypted.
RESULT_FIELDS = ("relationship", "author", "visibility")
# Of the relationship, what a result names: with whom (the other member's name).
RELATIONSHIP_FIELDS = (
    "relationship__coach",
    "relationship__teacher",
    "relationship__coach__full_name",
    "relationship__teacher__full_name",
)
URL_FIELDS = {"conversations.comment": ("conversation",)}


def _url(kind: str, record) -> str:
    pk, relationship = record.pk, record.relationship_id
    if kind == "relationships.note":
        return reverse("relationship_detail", args=[relationship]) + f"?notes=all#note-{pk}"
    if kind == "coaching.cycle":
        return reverse("cycle_detail", args=[relationship, pk])
    if kind == "coaching.session":
        return reverse("session_detail", args=[relationship, pk])
    if kind == "coaching.commitment":
        return reverse("commitments", args=[relationship])
    if kind == "coaching.visit":
        return reverse("visit_detail", args=[relationship, pk])
    if kind == "conversations.conversation":
        return reverse("conversation_detail", args=[pk])
    if kind == "conversations.comment":
        return reverse("conversation_detail", args=[record.conversation_id])
    if kind == "relationships.touchpoint":
        return reverse("relationship_history", args=[relationship])
    return reverse("relationship_detail", args=[relationship])


@dataclass
class Result:
    kind: str
    label: str
    at: datetime.datetime
    record: RelationshipRecord
    url: str
    snippet: SafeString

    @property
    def relationship(self):
        return self.record.relationship


def _marker(wanted: set[str]) -> Callable[[str], bool]:
    """Whether a word of a result is one asked for (any of its forms), each distinct word
    looked up once per search: a word's lemmas are the costly part of a snippet. What it keeps
    lives as long as the search's own results, never longer."""
    seen: dict[str, bool] = {}

    def is_wanted(token: str) -> bool:
        if token not in seen:
            seen[token] = bool(wanted.intersection(*word_forms(token) or [frozenset()]))
        return seen[token]

    return is_wanted


def _snippet(text: str, is_wanted: Callable[[str], bool]) -> SafeString:
    """The text around the first word asked for, with the words asked for marked (escaped first).
    Only the words up to the snippet's end are looked at."""
    tokens = re.split(r"([^\W_][\w'\u2019-]*)", text)  # odd positions hold words
    first = next((i for i in range(1, len(tokens), 2) if is_wanted(tokens[i])), 0)
    start = max(0, sum(len(token) for token in tokens[:first]) - 60)
    pieces, position = [], 0
    for i, token in enumerate(tokens):
        end = position + len(token)
        if end > start:
            if position - start > SNIPPET_CHARS:
                pieces.append("…")
                break
            # The standard library's escape: Django's is the same text through a lazy-aware
            # wrapper, which a snippet pays hundreds of times.
            piece = html.escape(token[max(0, start - position) :])
            pieces.append(f"<mark>{piece}</mark>" if i % 2 == 1 and is_wanted(token) else piece)
        position = end
    return mark_safe(("…" if start else "") + "".join(pieces).strip())  # noqa: S308 - escaped above


def search(user, query: str, limit: int = RESULTS_SHOWN) -> list[Result]:
    """The searcher's readable records holding every word of ``query``, newest first."""
    forms = word_forms(query)[:QUERY_MAX_WORDS]
    if not forms:
        return []
    key = _key()
    word_hashes = [[blind(form, key) for form in word] for word in forms]
    # The person's relationships, once: each query below names them rather than asking again.
    relationships = list(policy.relationships_for(user).only("pk", "coach", "teacher"))
    shown = _newest_holding(user, relationships, word_hashes, limit)
    is_wanted = _marker(set().union(*forms))
    results: list[Result] = []
    for kind, pks in shown.items():
        label, date_field = KINDS[kind]
        queryset = (
            apps.get_model(kind)
            .objects.filter(pk__in=pks)
            .select_related("relationship__coach", "relationship__teacher")
            .only(
                *RESULT_FIELDS,
                *RELATIONSHIP_FIELDS,
                date_field,
                *SEARCHABLE[kind],
                *URL_FIELDS.get(kind, ()),
            )
        )
        found = policy.read_records_in(user, queryset, Purpose.SEARCH, relationships)
        for record in (record for records in found.values() for record in records):
            text = " · ".join(value for field in SEARCHABLE[kind] if (value := getattr(record, field)))
            at = getattr(record, date_field)
            results.append(Result(kind, label, at, record, _url(kind, record), _snippet(text, is_wanted)))
    results.sort(key=lambda result: result.at, reverse=True)
    return results


def _newest_holding(
    user, relationships: list[Relationship], word_hashes: list[list[str]], limit: int
) -> dict[str, list[int]]:
    """The newest ``limit`` records holding every word that the policy lets the person read in
    their ``relationships``, as primary keys by kind. Dates only: nothing is decrypted or logged
    yet."""
    mine = [relationship.pk for relationship in relationships]
    # Per kind, in the database: the records holding every word (each word: any of its forms),
    # in the person's own relationships, that the policy lets them read, newest first.
    # Only the kinds of record where the first word occurs at all (one query).
    kinds = set(
        SearchTerm.objects.filter(term__in=word_hashes[0], relationship_id__in=mine)
        .values_list("record_type", flat=True)
        .distinct()
    )
    dated: list[tuple[datetime.datetime | datetime.date, str, int]] = []
    for kind, (_, date_field) in KINDS.items():
        if kind not in kinds:
            continue
        queryset = apps.get_model(kind).objects.all()
        for hashes in word_hashes:
            # The index's terms of the searcher's relationships only (the index on term,
            # relationship and kind): a common word's terms elsewhere in the district are not read.
            holding = SearchTerm.objects.filter(
                record_type=kind, term__in=hashes, relationship_id__in=mine
            ).values("record_id")
            queryset = queryset.filter(pk__in=holding)
        visible = policy.visible_in(user, queryset, relationships).order_by(f"-{date_field}")
        dated.extend((at, kind, pk) for pk, at in visible.values_list("pk", date_field)[:limit])
    dated.sort(reverse=True)
    shown: dict[str, list[int]] = {}
    for _, kind, pk in dated[:limit]:
        shown.setdefault(kind, []).append(pk)
    return shown
