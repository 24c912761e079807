"""The listening rules: exact talk share, question kinds, paraphrases, flags, and their
precision and recall on our labelled set."""

from __future__ import annotations

import random

import pytest

from rapport.conversations import listening
from rapport.conversations.evaluation import load, score
from rapport.conversations.transcripts import Line, Transcript, count_words, parse
from tests.conversations.samples import ZOOM_VTT

# Floors under the figures in docs/conversations.md: a rule change that makes any of
# them worse fails here.
FLOORS = {
    "question-open": (0.9, 0.9),
    "question-closed": (0.9, 0.9),
    "paraphrase": (0.9, 0.9),
    "judgmental": (0.9, 0.9),
    "neutral": (0.9, 0.9),
}


def test_the_evaluation_set_is_large_and_balanced():
    rows = load()
    assert len(rows) >= 150
    for label in FLOORS:
        assert sum(1 for got, _ in rows if got == label) >= 25, label


@pytest.mark.parametrize("label", FLOORS)
def test_precision_and_recall_hold_their_floor(label):
    scores, _ = score(load())
    item = next(s for s in scores if s.label == label)
    precision_floor, recall_floor = FLOORS[label]
    assert item.precision >= precision_floor, f"{label} precision {item.precision:.2f}"
    assert item.recall >= recall_floor, f"{label} recall {item.recall:.2f}"


def test_talk_share_on_the_sample_is_exact():
    analysis = listening.analyze(parse(ZOOM_VTT), "Cora Coach")
    coach, teacher = analysis.speakers
    assert (coach.name, coach.seconds, teacher.seconds) == ("Cora Coach", 15.0, 25.0)
    assert coach.share_time == 0.375
    assert coach.turns == 3
    assert teacher.turns == 2
    assert teacher.longest_turn_seconds == 15.0
    assert teacher.average_turn_seconds == 12.5


def test_talk_share_on_random_constructed_transcripts_matches_an_independent_count():
    rng = random.Random(7)
    for _ in range(50):
        lines, clock = [], 0.0
        for _ in range(rng.randint(1, 40)):
            duration = rng.randint(1, 90)
            words = rng.randint(1, 30)
            lines.append(Line(clock, clock + duration, rng.choice("ABC"), " ".join(["word"] * words)))
            clock += duration + rng.choice([0, 0, 2])
        analysis = listening.analyze(Transcript(lines=lines, timed=True, format="vtt"), "A")
        total_seconds = sum(line.end - line.start for line in lines)
        total_words = sum(count_words(line.text) for line in lines)
        for stats in analysis.speakers:
            mine = [line for line in lines if line.speaker == stats.name]
            seconds = sum(line.end - line.start for line in mine)
            assert stats.seconds == seconds
            assert stats.words == sum(count_words(line.text) for line in mine)
            assert stats.share_time == round(seconds / total_seconds, 4)
            assert stats.share_words == round(stats.words / total_words, 4)
            # Turns: a turn starts at every change of speaker.
            starts = [i for i, line in enumerate(lines) if i == 0 or lines[i - 1].speaker != line.speaker]
            assert stats.turns == sum(1 for i in starts if lines[i].speaker == stats.name)


def test_findings_for_the_coach_only_with_their_moment():
    analysis = listening.analyze(parse(ZOOM_VTT))
    assert analysis.coach == "Cora Coach"  # the speaker who asks the most questions
    assert [(q.start, q.kind) for q in analysis.questions] == [(0.0, "open"), (20.0, "closed")]
    assert [(p.start, p.line) for p in analysis.paraphrases] == [(20.0, 2)]
    (flag,) = analysis.flags
    assert (flag.start, flag.category) == (36.0, "prescriptive")
    assert "What options do you see" in flag.reframe


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("What do you notice?", "open"),
        ("so how did it go", "open"),
        ("Tell me about third period.", "open"),
        ("How many students finished?", "closed"),
        ("You tried it twice, right?", "closed"),
        ("Did it work?", "closed"),
        ("The lesson ended early.", None),
    ],
)
def test_question_kinds(sentence, kind):
    assert listening.question_kind(sentence) == kind


def test_coach_named_by_first_name_any_case():
    assert listening.resolve_coach(parse(ZOOM_VTT), "cora") == "Cora Coach"
    assert listening.matches_person("TESS", "Tess Teacher")
    assert not listening.matches_person("Tessa", "Tess Teacher")
