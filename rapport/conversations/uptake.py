"""Uptake: how much a line takes up what the other person just said.

A listener shows they heard by building on the other's words: repeating them, handing
their meaning back ("so the quiet ones never got a turn"), asking about what they said
("what made it feel like real life?"). Research on classroom talk (Demszky et al., 2021,
"Measuring Conversational Uptake") found that how much of a student's words a teacher
reuses already tracks what expert raters call uptake, and that asking a follow-up about
the contribution is the other large part of it. Motivational-interviewing coding counts
*reflections*: statements, often in new words, that hand the speaker's meaning back.

For every line we score, from 0 to 1:

* **shared words**: the other person's content words (after lemmatising, so "tried"
  takes up "try"; function words and "um" never count) that this line reuses, both as a
  share of what they said and as an amount. Everyday words ("think", "thing") count for
  a third; a word the line's speaker had already used just before counts half, because
  repeating the topic is not taking up the contribution.
* **shared phrases**: runs of two or more words in the same order in both.
* **reflecting openers** ("it sounds like", "so you're saying", "you're worried that",
  "part of you") at the start of a sentence, as extra evidence: they mark a reflection
  even in new words, but "that is not what I heard from her" is none.
* **follow-up questions**: an open question about what was just said ("why?", "what
  made that work?", "say more about the warm-up").

A line is a **paraphrase** (restating, revoicing or reflecting) when its score reaches
``PARAPHRASE_THRESHOLD`` and it hands meaning back rather than asking something new or
giving advice: a statement, a reflecting opener, or a question made of the other's
words ("Twelve?"). The threshold was set by cross-validation on our development set
(bench/listening_eval.py, docs/conversations.md).

What the other person "just said" is their latest turn, reaching back past the
listener's own "mm-hmm"s, so a backchannel in between does not hide it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapport.conversations import phrasing, questions, talk
from rapport.conversations.transcripts import Line

PARAPHRASE_THRESHOLD = 0.48
# The most of the other's talk a line is compared with (their latest words).
CONTEXT_WORDS = 150
# The listener's own recent words: what they bring up again is theirs, not taken up.
OWN_RECENT_WORDS = 80

# Naming a feeling is the mark of many reflections ("Tuesday was really hard").
_FEELING = talk.word_set(
    """hard tough frustrating frustrated exhausting exhausted overwhelming overwhelmed stuck worried
    worry nervous anxious scared afraid proud relieved excited disappointed discouraging discouraged
    heavy stung rattled hurt upset angry lonely alone tired draining drained painful scary stressful
    stressed torn unsure uncertain confused awkward embarrassed guilty helpless hopeless hopeful
    relentless surprised surprising"""
)
_REFLECTING_OPENER = re.compile(
    r"^(?:(?:so|and|okay|ok|yeah|mm|mm-hmm|hmm|um|uh|well|right|oh|wow)\s+)*(?:"
    r"(?:what )?i'?m hearing|what i hear(?:d)? (?:you|is)|i hear (?:you|that)|"
    r"(?:it )?sounds like|(?:it )?seems like|it (?:feels|looks) like you|"
    r"(?:so )?you'?re saying|what you'?re saying|you said|you mentioned|you'?re telling me|"
    r"you told me|you were saying|you'?ve been|"
    r"if i(?:'m)? (?:understand|understanding|heard|hear|got)|let me (?:make sure|see if|check)|"
    r"in other words|to sum (?:it )?up|so to pull (?:it|this) together|so overall|"
    r"(?:so )?for you|part of you|on (?:the )?one hand|"
    r"you(?:'re| are| were| seem| sound) (?:really |not |just |kind of |a little |still |so |pretty )?"
    r"(?:feeling|wondering|thinking|hoping|noticing|sure|concerned|struggling|carrying|measuring|drawn|ready|"
    + "|".join(sorted(_FEELING))
    + r")|"
    r"you (?:really |still |just )?(?:feel|felt|want|wanted|wish|care|love|hate|value|see|noticed|"
    r"realized|found|don'?t want|didn'?t want)|you(?:'d| would) (?:like|rather|prefer)|"
    r"that (?:must|sounds|seems|feels) (?:like|have|be|really|so|pretty|hard|tough)"
    r")\b"
)
# Advice is not a reflection, however many of the other's words it reuses.
_ADVICE = re.compile(
    r"\b(?:you (?:should|could|can|need to|have to|must|might want to|ought to|'?d better)|"
    r"you'?ll (?:need|want|have)|make sure|try (?:to|using|a|the)|why don'?t you|let'?s|"
    r"next time)\b"
)
# Statements shaped like reflections: "so …" formulations and "you …" statements about them.
_REFLECTING_FORM = re.compile(
    r"^(?:(?:and|okay|ok|yeah|mm|mm-hmm|hmm|um|uh|well|right|oh|wow)\s+)*(?:"
    r"so,? (?!let'?s|we|i\b|i'|um|next|anyway|moving|shifting|before|back)\w+|"
    r"you(?:'re|'ve|'d| are| have| were| had)?\s+(?!know\b|guys\b|should|could|can|need|have to|must|might|"
    r"will|'ll|ought)\w+)"
)
_UNFINISHED = ("-", "\u2014", "\u2013", "...", "\u2026")
_BACK_REFERENCE = talk.word_set("that this it those these there then they them he she him her")


@dataclass(frozen=True)
class Uptake:
    """How one line takes up the other person's latest turn."""

    score: float = 0.0
    hands_back: bool = False  # built to hand meaning back (a statement, reflection or echo)
    words: tuple[str, ...] = ()  # this line's words that take up the other's
    source: int | None = None  # index of the other's line taken up (their latest)

    def is_paraphrase(self, threshold: float = PARAPHRASE_THRESHOLD) -> bool:
        return self.hands_back and self.score >= threshold

    @property
    def paraphrase(self) -> bool:
        return self.is_paraphrase()


@dataclass(frozen=True)
class _Said:
    """The words of a stretch of talk, ready to compare."""

    tokens: tuple[str, ...]
    content: dict[str, float]  # canonical lemma -> weight
    lemma_to_key: dict[str, str]  # every lemma of a content word -> its canonical lemma
    bigrams: frozenset[tuple[str, str]]

    @classmethod
    def reading(cls, text: str) -> _Said:
        tokens = tuple(word for word in talk.words(text) if word not in talk.FILLERS)
        content: dict[str, float] = {}
        lemma_to_key: dict[str, str] = {}
        for word in tokens:
            if talk.is_content(word):
                key = canonical(word)
                content[key] = max(content.get(key, 0.0), talk.weight(word))
                for lemma in talk.lemmas(word):
                    lemma_to_key.setdefault(lemma, key)
        keys = [canonical(word) for word in tokens]
        return cls(tokens, content, lemma_to_key, frozenset(itertools.pairwise(keys)))


@talk.cached
def _said(text: str) -> _Said:
    """The words of a text, read once per analysis."""
    return _Said.reading(text)


@talk.cached
def canonical(word: str) -> str:
    """One lemma to stand for a word: its dictionary form where it has one ("felt" -> feel)."""
    others = sorted(talk.lemmas(word) - {word})
    return others[0] if others and word not in talk.NUMBER_WORDS else next(iter(sorted(talk.lemmas(word))))


def _shared(line: _Said, other: _Said) -> dict[str, str]:
    """The other's content words this line reuses: their canonical lemma -> this line's word."""
    found: dict[str, str] = {}
    for word in line.tokens:
        if not talk.is_content(word):
            continue
        for lemma in talk.lemmas(word):
            key = other.lemma_to_key.get(lemma)
            if key is not None:
                found.setdefault(key, word)
                break
    return found


def _phrase_evidence(line: _Said, other: _Said) -> float:
    """Words beyond the first in each run of two or more words said in the same order by both."""
    keys = [canonical(word) for word in line.tokens]
    evidence, run, run_has_content = 0.0, 0, False
    for position in range(len(keys) - 1):
        if (keys[position], keys[position + 1]) in other.bigrams:
            run += 1
            run_has_content |= talk.is_content(line.tokens[position]) or talk.is_content(
                line.tokens[position + 1]
            )
        else:
            evidence += run if run_has_content else 0
            run, run_has_content = 0, False
    return evidence + (run if run_has_content else 0)


def _is_declarative(text: str) -> bool:
    """A question said as a statement or a fragment ("Pretends to?", "Twelve?"), not one built
    with a question word or an auxiliary."""
    said = [word for word in talk.words(text) if word not in talk.FILLERS]
    return (
        bool(said)
        and said[0] not in questions.AUXILIARIES | questions.OPEN_WORDS | questions.CLOSED_WORDS
        and not (questions.OPEN_WORDS | questions.CLOSED_WORDS) & set(said)
    )


def _tells_or_judges(text: str) -> bool:
    return any(
        flag.category in {phrasing.JUDGMENTAL, phrasing.PRESCRIPTIVE} for flag in phrasing.flags_in(text)
    )


def _saturate(amount: float, rate: float) -> float:
    return 1.0 - math.exp(-rate * amount)


def score(line_text: str, other_text: str, own_recent: str = "") -> Uptake:
    """The uptake of one line given the other person's latest turn (and the speaker's own
    words just before it, which do not count as taken up)."""
    own = _said(own_recent)
    return _score(line_text, _said(line_text), _said(other_text), set(own.content))


def _score(line_text: str, line: _Said, other: _Said, own: set[str]) -> Uptake:
    if not other.content or not line.tokens:
        return Uptake()
    shared = _shared(line, other)
    novelty = {key: (0.5 if key in own else 1.0) for key in shared}
    taken = sum(other.content[key] * novelty[key] for key in shared)
    recall = sum(other.content[key] for key in shared) / sum(other.content.values())
    lexical = 0.5 * math.sqrt(recall) + 0.5 * _saturate(taken, 0.8)
    phrase = _saturate(_phrase_evidence(line, other), 0.5)

    sentences = talk.sentences(line_text)
    kinds = [questions.kind_of_sentence(sentence) for sentence in sentences]
    lowered = [talk.normalise(sentence).lower() for sentence in sentences]
    statements = [
        text
        for text, kind in zip(lowered, kinds, strict=True)
        if kind is None and not _ADVICE.search(text) and not text.endswith(_UNFINISHED)
    ]
    reflecting = any(
        _REFLECTING_OPENER.match(text) and not _ADVICE.search(text)
        for text, kind in zip(lowered, kinds, strict=True)
        if kind is None or text.endswith("?")
    )
    reflecting_form = any(
        _REFLECTING_FORM.match(text) or _FEELING & set(talk.words(text)) for text in statements
    )
    # A question about what was just said: it reuses their words, points back at them
    # ("did she call back?"), or is a bare "why?" / "how so?".
    about_it = [
        kind
        for text, kind in zip(lowered, kinds, strict=True)
        if kind and (shared or _BACK_REFERENCE & set(talk.words(text)) or len(talk.words(text)) <= 3)
    ]
    follow_up = 0.45 if "open" in about_it else (0.3 if about_it else 0.0)
    # Each weight says how much one piece of evidence shows on its own, from what it means: a
    # reflecting opener alone reaches the paraphrase threshold, a reflection-shaped statement
    # alone does not, an open follow-up counts more than a closed one. Set, not fitted.
    value = 1.0 - (
        (1.0 - 0.8 * lexical)
        * (1.0 - 0.4 * phrase)
        * (1.0 - 0.55 * reflecting)
        * (1.0 - 0.3 * reflecting_form)
        * (1.0 - follow_up)
    )
    telling_or_judging = _tells_or_judges(line_text)
    if telling_or_judging:
        value *= 0.6  # their words turned into advice or a verdict: heard, but not built on
    if talk.is_backchannel(line_text):
        value = max(value, 0.15)

    echo = bool(shared) and all(
        kind == "closed" and _is_declarative(text) for text, kind in zip(lowered, kinds, strict=True) if kind
    )
    handing_back = reflecting or echo or any(_shared(_said(text), other) for text in statements)
    hands_back = handing_back and not talk.is_backchannel(line_text) and not telling_or_judging
    return Uptake(score=round(value, 3), hands_back=hands_back, words=tuple(shared.values()))


def of_lines(lines: Sequence[Line]) -> list[Uptake]:
    """The uptake of every line of a transcript, in order."""
    said = [_said(line.text) for line in lines]
    result = []
    for index, line in enumerate(lines):
        other, own = _context(lines, said, index)
        if not other:
            result.append(Uptake())
            continue
        found = _score(line.text, said[index], _joined([said[i] for i in other]), own)
        result.append(Uptake(found.score, found.hands_back, found.words, other[-1]))
    return result


def _joined(parts: list[_Said]) -> _Said:
    """Several lines of the other person's as one stretch of talk."""
    if len(parts) == 1:
        return parts[0]
    content: dict[str, float] = {}
    lemma_to_key: dict[str, str] = {}
    for part in parts:
        for key, value in part.content.items():
            content[key] = max(content.get(key, 0.0), value)
        for lemma, key in part.lemma_to_key.items():
            lemma_to_key.setdefault(lemma, key)
    tokens = tuple(token for part in parts for token in part.tokens)
    return _Said(tokens, content, lemma_to_key, frozenset().union(*(part.bigrams for part in parts)))


def _context(lines: Sequence[Line], said: list[_Said], index: int) -> tuple[list[int], set[str]]:
    """The other person's latest turn before ``lines[index]`` (its lines, reaching back past the
    speaker's own backchannels) and the content words the speaker used just before it."""
    speaker = lines[index].speaker
    position = index - 1
    while position >= 0 and lines[position].speaker == speaker:
        position -= 1  # earlier lines of this same turn
    other: list[int] = []
    words = 0
    while position >= 0 and words < CONTEXT_WORDS:
        if lines[position].speaker == speaker:
            if not talk.is_backchannel(lines[position].text):
                break
        else:
            other.insert(0, position)
            words += len(said[position].tokens)
        position -= 1
    own: set[str] = set()
    own_words = 0
    while position >= 0 and own_words < OWN_RECENT_WORDS:
        if lines[position].speaker == speaker:
            own |= said[position].content.keys()
            own_words += len(said[position].tokens)
        position -= 1
    return other, own
