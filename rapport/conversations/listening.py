"""Listening analytics: who talked, what kind of questions, paraphrases, judging words.

Everything here is rules and word lists we wrote, kept in one place so a coach can read
exactly why a line was counted. The web page and ``manage.py analyze_transcript`` both
call ``analyze``.

What the rules do, and their limits (also in docs/conversations.md):

* **Talk share** is exact arithmetic over the transcript: seconds are cue durations
  (or estimates for untimed text), words are runs of letters and digits. A *turn* is a
  run of consecutive lines by one speaker; its length is the time from its first line's
  start to its last line's end.
* **Questions** are sentences ending in "?", or, because automatic captions often drop
  punctuation, sentences that begin with a question word and end the line. A question
  is *open* when it invites the other person to think aloud (what, how, why, tell me,
  describe, walk me through, "could you say more") and *closed* when it can be answered
  with yes, no or a single fact (do/is/can…, who, when, which, how many, "…right?").
  Limits: "What time is it?" is closed but starts like an open question — we catch the
  common fact-seeking forms (what time, what day, how many…) and miss the rest.
* **Paraphrases** are lines that hand the other person's meaning back: "what I'm
  hearing is…", "it sounds like…", "so you're saying…", "if I understand you…". We look
  for these stems; a paraphrase without one ("So the quiet ones never got a turn.") is
  missed.
* **Flags** are judgmental, evaluative or prescriptive phrasings by the coach ("you
  should", "why didn't you", "that was great"), each with a curious reframe. Praise is
  flagged too, gently: in reflective coaching even warm judgement moves the thinking
  from the teacher to the coach. We match phrases, so irony, quotation ("she said 'you
  should…'") and context are beyond us; a flag is an invitation to look, not a verdict.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from rapport.conversations.transcripts import Line, Transcript

# "Listen twice as much as you talk": the coach's share of the talk we hope for.
COACH_TARGET_SHARE = 1 / 3

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_LEADING_FILLER = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|um|uh|hmm|yeah|right|now|then|alright|"
    r"i'?m curious|i'?m wondering|i wonder|let me ask|can i ask|one more thing)[,\s]+)+",
    re.IGNORECASE,
)

# Invitations to think aloud count as open questions even without a question mark.
INVITATIONS = (
    "tell me",
    "describe",
    "walk me through",
    "talk me through",
    "say more",
    "help me understand",
)
OPEN_STARTS = (
    *INVITATIONS,
    "what",
    "what's",
    "how",
    "how's",
    "why",
    "in what ways",
    "could you say more",
    "can you say more",
    "could you tell me",
    "can you tell me",
    "would you tell me",
    "could you walk me",
    "can you walk me",
    "would you walk me",
    "could you describe",
    "can you describe",
    "would you describe",
    "could you talk",
    "can you talk",
)
# Fact-seeking forms that start like open questions but want one answer.
CLOSED_DESPITE_OPEN_START = (
    "how many",
    "how much",
    "how long",
    "how often",
    "how old",
    "what time",
    "what day",
    "what date",
    "what period",
    "what page",
    "what grade",
    "what room",
)
CLOSED_STARTS = (
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "can",
    "could",
    "would",
    "will",
    "should",
    "shall",
    "have",
    "has",
    "had",
    "may",
    "might",
    "must",
    "am",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "haven't",
    "hasn't",
    "who",
    "who's",
    "when",
    "where",
    "where's",
    "which",
    "whose",
)
TAG_QUESTION_ENDS = (", right", ", ok", ", okay", ", yeah", ", correct", ", yes", ", no")
QUESTION_WORDS = OPEN_STARTS + CLOSED_STARTS

PARAPHRASE_STEMS = (
    "what i'm hearing",
    "what i am hearing",
    "what i hear",
    "i'm hearing",
    "i hear you saying",
    "i hear that",
    "it sounds like",
    "sounds like you",
    "sounds like it",
    "sounds like the",
    "so you're saying",
    "you're saying",
    "so what you're saying",
    "so you feel",
    "so you're feeling",
    "you're feeling",
    "if i understand",
    "if i'm understanding",
    "if i've got this right",
    "let me make sure i",
    "let me check i",
    "in other words",
    "what i'm taking away",
    "so for you",
    "so what matters to you",
    "what matters to you is",
    "it seems like you",
    "it seems that you",
    "you seem",
    "so the heart of it",
    "so the big thing for you",
    "you noticed that",
    "so you noticed",
    "so you tried",
    "so you want",
    "so you'd like",
)


@dataclass(frozen=True)
class FlagRule:
    category: str  # judgmental, evaluative or prescriptive
    pattern: re.Pattern
    reframe: str


def _rule(category: str, words: str, reframe: str) -> FlagRule:
    return FlagRule(category, re.compile(rf"\b(?:{words})\b", re.IGNORECASE), reframe)


FLAG_RULES = (
    _rule(
        "judgmental",
        r"why didn'?t you|why did you|why would you|why haven'?t you|why aren'?t you|why weren'?t you"
        r"|you always|you never|you failed|you forgot|you didn'?t even|you should have|you shouldn'?t have"
        r"|you should'?ve|that'?s a problem|the problem is you|you'?re too|you were too|obviously|clearly you"
        r"|what were you thinking|that'?s not how|you can'?t just|you got it wrong",
        "Get curious instead: “I'm wondering what was going on for you in that moment?”",
    ),
    _rule(
        "prescriptive",
        r"you should|you need to|you have to|you must|you ought to|why don'?t you|what you need to do"
        r"|what you should do|if i were you|i would just|you'?d better|make sure you|the fix is"
        r"|the answer is to|just do|just try|just have them|just make|next time,? do|next time,? you should"
        r"|the best thing to do is|here'?s what to do|you want to make sure",
        "Invite their thinking first: “What options do you see? Which one feels worth trying?”",
    ),
    _rule(
        "evaluative",
        r"good job|great job|nice job|well done|that was (?:great|good|perfect|excellent|amazing|fantastic"
        r"|bad|poor|terrible|weak|wrong|a mistake)|that'?s (?:great|perfect|wrong|not good|bad|the right way"
        r"|the wrong way)|that (?:didn'?t|did not) work|that wasn'?t (?:good|great|effective)"
        r"|i (?:loved|liked) (?:how|the way|that)|great lesson|terrible lesson"
        r"|you did (?:great|well|badly|it wrong)"
        r"|you'?re doing it wrong|that'?s not effective|that was ineffective",
        "Describe and ask rather than grade: “What did you notice about how students responded?”",
    ),
)


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


@dataclass
class Analysis:
    speakers: list[SpeakerStats]
    coach: str | None
    questions: list[Finding]
    paraphrases: list[Finding]
    flags: list[Finding]
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
        }


# --- One utterance ----------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).strip()


def _starts_with(text: str, starts: tuple[str, ...]) -> bool:
    return any(
        text == start or text.startswith(start + " ") or text.startswith(start + ",") for start in starts
    )


def question_kind(sentence: str) -> str | None:
    """``open``, ``closed``, or None when the sentence is not a question."""
    text = _normalise(sentence).lower()
    stem = _LEADING_FILLER.sub("", text).strip(" ,")
    is_question = (
        text.endswith("?")
        or _starts_with(stem, INVITATIONS)
        or (_starts_with(stem, QUESTION_WORDS) and not text.endswith((".", "!")))
    )
    if not is_question:
        return None
    body = stem.rstrip("?").rstrip()
    if body.endswith(TAG_QUESTION_ENDS):
        return "closed"
    if _starts_with(stem, CLOSED_DESPITE_OPEN_START):
        return "closed"
    if _starts_with(stem, OPEN_STARTS):
        return "open"
    return "closed"


def questions_in(text: str) -> list[tuple[str, str]]:
    """Each question sentence of an utterance, with its kind."""
    found = []
    for sentence in _SENTENCE.findall(text):
        sentence = sentence.strip()
        kind = question_kind(sentence) if sentence else None
        if kind:
            found.append((sentence, kind))
    return found


def is_paraphrase(text: str) -> bool:
    lowered = _normalise(text).lower()
    return any(stem in lowered for stem in PARAPHRASE_STEMS)


def flag_for(text: str) -> FlagRule | None:
    """The first rule (judgmental, then prescriptive, then evaluative) the text matches."""
    normalised = _normalise(text)
    return next((rule for rule in FLAG_RULES if rule.pattern.search(normalised)), None)


def classify(text: str) -> str:
    """One label per utterance, for the evaluation set: the most important thing it does.

    A flag outranks a paraphrase, which outranks a question ("Why didn't you…?" is a
    judgement first; "It sounds like… is that right?" is a paraphrase first).
    """
    if flag_for(text):
        return "judgmental"
    if is_paraphrase(text):
        return "paraphrase"
    kinds = [kind for _, kind in questions_in(text)]
    if kinds:
        return "question-open" if "open" in kinds else "question-closed"
    return "neutral"


# --- A whole conversation ---------------------------------------------------------


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def speaker_stats(lines: list[Line]) -> list[SpeakerStats]:
    seconds: Counter[str] = Counter()
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
        asked[line.speaker] += len(questions_in(line.text))
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
    if coach_speakers:
        coach_name = next(
            name for name in transcript.speakers + sorted(coach_speakers) if name in coach_speakers
        )
        coaches = coach_speakers
    else:
        coach_name = resolve_coach(transcript, coach)
        coaches = {coach_name} if coach_name else set()
    questions, paraphrases, flags = [], [], []
    for index, line in enumerate(transcript.lines):
        if line.speaker not in coaches:
            continue
        for sentence, kind in questions_in(line.text):
            questions.append(Finding(line.speaker, line.start, sentence, index, kind=kind))
        if is_paraphrase(line.text):
            paraphrases.append(Finding(line.speaker, line.start, line.text, index))
        rule = flag_for(line.text)
        if rule:
            flags.append(
                Finding(
                    line.speaker, line.start, line.text, index, category=rule.category, reframe=rule.reframe
                )
            )
    stats = speaker_stats(transcript.lines)
    counts = Counter(q.kind for q in questions)
    return Analysis(
        speakers=stats,
        coach=coach_name,
        questions=questions,
        paraphrases=paraphrases,
        flags=flags,
        timed=transcript.timed,
        total_seconds=round(sum(s.seconds for s in stats), 3),
        total_words=sum(s.words for s in stats),
        question_counts={"open": counts["open"], "closed": counts["closed"]},
    )


def coach_share(analysis: Analysis, coach_speakers: set[str]) -> tuple[float, float]:
    """The coach's share of the talk (time, words), over every name mapped to the coach."""
    mine = [s for s in analysis.speakers if s.name in coach_speakers]
    seconds, words = sum(s.seconds for s in mine), sum(s.words for s in mine)
    return _share(seconds, analysis.total_seconds), _share(words, analysis.total_words)
