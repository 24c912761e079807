"""Precision and recall of the listening rules on our labelled set.

.venv/bin/python bench/listening_eval.py [--misses]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapport.conversations.evaluation import load, score


def main() -> None:
    rows = load()
    scores, misses = score(rows)
    print(f"{len(rows)} labelled utterances")
    print(f"{'label':<16} {'precision':>9} {'recall':>7} {'n':>4}")
    for item in scores:
        print(f"{item.label:<16} {item.precision:>9.2f} {item.recall:>7.2f} {item.support:>4}")
    if "--misses" in sys.argv:
        for want, got, text in misses:
            print(f"  expected {want}, got {got}: {text}")


if __name__ == "__main__":
    main()
