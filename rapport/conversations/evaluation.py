"""Scoring the listening rules against our labelled evaluation set.

``tests/data/listening_eval.tsv`` holds coaching talk we wrote and labelled by hand.
``bench/listening_eval.py`` prints precision and recall per label; the tests hold a
floor on them, so a change to a word list that makes things worse is noticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapport.conversations.listening import classify

LABELS = ("question-open", "question-closed", "paraphrase", "judgmental", "neutral")
EVAL_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "listening_eval.tsv"


@dataclass(frozen=True)
class Score:
    label: str
    precision: float
    recall: float
    support: int


def load(path: Path = EVAL_SET) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def score(rows: list[tuple[str, str]]) -> tuple[list[Score], list[tuple[str, str, str]]]:
    """Precision and recall per label, and the misses (expected, predicted, text)."""
    predicted = [(label, classify(text), text) for label, text in rows]
    scores = []
    for label in LABELS:
        true_positive = sum(1 for want, got, _ in predicted if want == got == label)
        chosen = sum(1 for _, got, _ in predicted if got == label)
        support = sum(1 for want, _, _ in predicted if want == label)
        scores.append(
            Score(
                label,
                precision=true_positive / chosen if chosen else 0.0,
                recall=true_positive / support if support else 0.0,
                support=support,
            )
        )
    return scores, [row for row in predicted if row[0] != row[1]]
