"""Earlier versions of an agreement: their text, and what changed between two of them.

The comparison is by words (``difflib``), section by section: each section is a list of pieces,
kept, added or removed, that the page shows inline as ``<ins>`` and ``<del>``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapport.coaching.models import Agreement, AgreementRevision

_TOKENS = re.compile(r"\s+|[^\s]+")


def texts_of(agreement: Agreement, revision: AgreementRevision) -> dict[str, str] | None:
    """Every section of the version ``revision`` records; None when its text was not kept."""
    if revision.has_text:
        return revision.section_texts()
    if revision.version == agreement.version:
        return {name: getattr(agreement, name) for name, _ in Agreement.SECTIONS}
    return None


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class SectionChange:
    heading: str
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """``old`` to ``new`` as pieces; runs of the same kind are joined."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", before[i1:i2])
        else:
            add("removed", before[i1:i2])
            add("added", after[j1:j2])
    return pieces


def compare(old: dict[str, str], new: dict[str, str], headings: dict[str, str]) -> list[SectionChange]:
    """Each section, in the agreement's order, from ``old`` to ``new``."""
    return [
        SectionChange(headings[name], word_diff(old.get(name, ""), new.get(name, "")))
        for name, _ in Agreement.SECTIONS
    ]
