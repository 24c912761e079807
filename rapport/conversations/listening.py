"""Listening analytics: who talked, what kind of questions, uptake and paraphrases, phrasing.

The web page and ``manage.py analyze_transcript`` both call ``analyze``. The parts:

* **Talk share** is exact arithmetic over the transcript: seconds are cue durations
  (or estimates for untimed text), words are runs of letters and digits. A *turn* is a
  run of consecutive lines by one speaker; its length is the time from its first line's
  start to its last line's end.
* **Questions**, open or closed: ``questions.py``.
* **Uptake** (0 to 1) and **paraphrases** (restating, revoicing, reflecting): ``uptake.py``.
  A coach's turn *builds on* the other person's words when one of its lines reaches the
  paraphrase threshold; turns that only say "mm-hmm", and a first turn with nothing
  before it, are not counted either way.
* **Phrasing to reconsider** (judging, telling, grading) with reframes: ``phrasing.py``.

Every line of the transcript gets its uptake, paraphrase, question kind and flags
(``Analysis.lines``), whoever said it; the summary counts are the coach's.
Limits are written down in each module and in docs/conversations.md: these are rules,
not judgement, and each finding is an invitation to look again.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from rapport.conversations import phrasing, questions, talk, uptake
from rapport.conversations.transcripts import Line, Transcript
from rapport.conversations.uptake import Uptake

# "Listen twice as much as you talk": the coach's share of the talk we hope for.
COACH_TARGET_SHARE = 1 / 3


@dataclass
class SpeakerStats:
    name: str
    seconds: float
    words: int
    turns: int
    share_time: float
    share_words: float
    average_turn_seconds: float
    longest_turn_seconds: float


@dataclass
class Finding:
    speaker: str
    start: float
    text: str
    line: int = 0  # index of the transcript line, for links to the moment
    kind: str = ""
    category: str = ""
    reframe: str = ""
    words: tuple[str, ...] = ()  # for uptake: this line's words that take up the other's


@dataclass(frozen=True)
class LineReading:
    """What the analytics read in one transcript line."""

    speaker: str
    start: float
    text: str
    uptake: float
    paraphrase: bool
    question: str | None
    flags: tuple[phrasing.Flag, ...]
    words: tuple[str, ...]  # the words that take up the other person's
    taken: Uptake = field(default_factory=Uptake, repr=False)

    def as_json(self) -> dict:
        return {
            "speaker": self.speaker,
            "start": self.start,
            "text": self.text,
            "uptake": self.uptake,
            "paraphrase": self.paraphrase,
            "question": self.question,
            "flags": [
                {"category": flag.category, "text": flag.sentence, "reframe": flag.reframe}
                for flag in self.flags
            ],
            "took_up": list(self.words),
        }


@dataclass
class Analysis:
    speakers: list[SpeakerStats]
    coach: str | None
    questions: list[Finding]
    paraphrases: list[Finding]
    flags: list[Finding]
    lines: list[LineReading] = field(default_factory=list)
    built_on: list[Finding] = field(default_factory=list)  # the coach's turns that built on the other's
    coach_turns: int = 0  # the coach's turns that could build on something (see the module docstring)
    timed: bool = True
    coach_target_share: float = COACH_TARGET_SHARE
    total_seconds: float = 0.0
    total_words: int = 0
    question_counts: dict[str, int] = field(default_factory=dict)

    def speaker(self, name: str | None) -> SpeakerStats | None:
        return next((stats for stats in self.speakers if stats.name == name), None)

    def as_json(self) -> dict:
        """The command-line contract (docs/conversations.md)."""
        return {
            "coach": self.coach,
            "timed": self.timed,
            "coach_target_share": round(self.coach_target_share, 4),
            "speakers": [asdict(stats) for stats in self.speakers],
            "questions": [
                {"speaker": q.speaker, "start": q.start, "text": q.text, "kind": q.kind}
                for q in self.questions
            ],
            "paraphrases": [
                {"speaker": p.speaker, "start": p.start, "text": p.text} for p in self.paraphrases
            ],
            "flags": [
                {
                    "speaker": f.speaker,
                    "start": f.start,
                    "text": f.text,
                    "category": f.category,
                    "reframe": f.reframe,
                }
                for f in self.flags
            ],
            "building_on": {
                "coach_turns": self.coach_turns,
                "turns_building_on": len(self.built_on),
                "share": _share(len(self.built_on), self.coach_turns),
                "threshold": uptake.PARAPHRASE_THRESHOLD,
            },
            "lines": [reading.as_json() for reading in self.lines],
        }


# --- A whole conversation ---------------------------------------------------------


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def speaker_stats(lines: list[Line]) -> list[SpeakerStats]:
    seconds: defaultdict[str, float] = defaultdict(float)
    words: Counter[str] = Counter()
    turns: dict[str, list[float]] = {}
    current: str | None = None
    turn_start = turn_end = 0.0
    for line in lines:
        seconds[line.speaker] += line.seconds
        words[line.speaker] += line.words
        if line.speaker != current:
            if current is not None:
                turns.setdefault(current, []).append(max(0.0, turn_end - turn_start))
            current, turn_start = line.speaker, line.start
        turn_end = line.end
    if current is not None:
        turns.setdefault(current, []).append(max(0.0, turn_end - turn_start))
    total_seconds, total_words = sum(seconds.values()), sum(words.values())
    order = list(dict.fromkeys(line.speaker for line in lines))
    return [
        SpeakerStats(
            name=name,
            seconds=round(seconds[name], 3),
            words=words[name],
            turns=len(turns[name]),
            share_time=_share(seconds[name], total_seconds),
            share_words=_share(words[name], total_words),
            average_turn_seconds=round(sum(turns[name]) / len(turns[name]), 3),
            longest_turn_seconds=round(max(turns[name]), 3),
        )
        for name in order
    ]


def matches_person(speaker: str, full_name: str) -> bool:
    """A transcript name matches a person by full name or first name, ignoring case."""
    spoken = " ".join(speaker.lower().split())
    full = " ".join(full_name.lower().split())
    return bool(full) and (spoken == full or spoken == full.split(" ")[0])


def resolve_coach(transcript: Transcript, coach: str | None = None) -> str | None:
    """The coach's speaker name: the one given (matched like a person's name), else the
    speaker who asks the most questions (ties go to whoever spoke first)."""
    speakers = transcript.speakers
    if coach:
        return next(
            (name for name in speakers if matches_person(name, coach) or matches_person(coach, name)), None
        )
    asked: Counter[str] = Counter()
    for line in transcript.lines:
        asked[line.speaker] += len(questions.questions_in(line.text))
    if not asked or max(asked.values()) == 0:
        return speakers[0] if speakers else None
    return max(speakers, key=lambda name: (asked[name], -speakers.index(name)))


def analyze(
    transcript: Transcript, coach: str | None = None, *, coach_speakers: set[str] | None = None
) -> Analysis:
    """Analyse a transcript for the coach (a speaker name, or resolved as above).

    ``coach_speakers`` overrides resolution with the speaker names the coach mapped to
    themselves on the web page (a coach can appear under two names, e.g. after a
    reconnect).
    """
    try:
        return _analyze(transcript, coach, coach_speakers=coach_speakers)
    finally:
        talk.forget()


def _analyze(transcript: Transcript, coach: str | None, *, coach_speakers: set[str] | None) -> Analysis:
    coach_name: str | None
    if coach_speakers:
        coach_name = next(
            name for name in transcript.speakers + sorted(coach_speakers) if name in coach_speakers
        )
        coaches = coach_speakers
    else:
        coach_name = resolve_coach(transcript, coach)
        coaches = {coach_name} if coach_name else set()
    readings = read_lines(transcript.lines)
    asked, paraphrases, flags = [], [], []
    for index, (line, reading) in enumerate(zip(transcript.lines, readings, strict=True)):
        if line.speaker not in coaches:
            continue
        for sentence, kind in questions.questions_in(line.text):
            asked.append(Finding(line.speaker, line.start, sentence, index, kind=kind))
        if reading.paraphrase:
            paraphrases.append(Finding(line.speaker, line.start, line.text, index, words=reading.words))
        for flag in reading.flags:
            flags.append(
                Finding(
                    line.speaker,
                    line.start,
                    flag.sentence,
                    index,
                    category=flag.category,
                    reframe=flag.reframe,
                )
            )
    built_on, coach_turns = _turns_building_on(transcript.lines, readings, coaches)
    stats = speaker_stats(transcript.lines)
    counts = Counter(q.kind for q in asked)
    return Analysis(
        speakers=stats,
        coach=coach_name,
        questions=asked,
        paraphrases=paraphrases,
        flags=flags,
        lines=readings,
        built_on=built_on,
        coach_turns=coach_turns,
        timed=transcript.timed,
        total_seconds=round(sum(s.seconds for s in stats), 3),
        total_words=sum(s.words for s in stats),
        question_counts={"open": counts["open"], "closed": counts["closed"]},
    )


def read_lines(lines: list[Line]) -> list[LineReading]:
    """Uptake, paraphrase, question kind and flags of every line."""
    readings = []
    for line, taken in zip(lines, uptake.of_lines(lines), strict=True):
        readings.append(
            LineReading(
                speaker=line.speaker,
                start=line.start,
                text=line.text,
                uptake=taken.score,
                paraphrase=taken.paraphrase,
                question=questions.kind_of_line(line.text),
                flags=tuple(phrasing.flags_in(line.text)),
                words=_words_to_show(taken, line.text) if taken.score >= uptake.PARAPHRASE_THRESHOLD else (),
                taken=taken,
            )
        )
    return readings


def _words_to_show(taken: uptake.Uptake, text: str) -> tuple[str, ...]:
    """The words to highlight, as the line writes them: the content words taken up, or the
    everyday ones if that is all."""
    words = tuple(word for word in taken.words if talk.weight(word) == 1.0) or taken.words
    written = []
    for word in words:
        found = re.search(rf"\b{re.escape(word)}\b", talk.normalise(text), re.IGNORECASE)
        written.append(found.group(0) if found else word)
    return tuple(written)


def _turns_building_on(
    lines: list[Line], readings: list[LineReading], coaches: set[str]
) -> tuple[list[Finding], int]:
    """The coach's turns that built on the other person's words (the line that did most), and
    how many turns could have: each turn after someone else spoke, other than a bare "mm-hmm"."""
    built_on, counted = [], 0
    index = 0
    while index < len(lines):
        end = index
        while end + 1 < len(lines) and lines[end + 1].speaker == lines[index].speaker:
            end += 1
        turn = range(index, end + 1)
        others_before = any(line.speaker not in coaches for line in lines[:index])
        mere_backchannel = all(talk.is_backchannel(lines[i].text) for i in turn)
        if lines[index].speaker in coaches and others_before and not mere_backchannel:
            counted += 1
            best = max(turn, key=lambda i: readings[i].uptake)
            if readings[best].uptake >= uptake.PARAPHRASE_THRESHOLD:
                line = lines[best]
                built_on.append(
                    Finding(line.speaker, line.start, line.text, best, words=readings[best].words)
                )
        index = end + 1
    return built_on, counted


def coach_share(analysis: Analysis, coach_speakers: set[str]) -> tuple[float, float]:
    """The coach's share of the talk (time, words), over every name mapped to the coach."""
    mine = [s for s in analysis.speakers if s.name in coach_speakers]
    seconds, words = sum(s.seconds for s in mine), sum(s.words for s in mine)
    return _share(seconds, analysis.total_seconds), _share(words, analysis.total_words)
