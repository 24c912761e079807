"""Which sentences are questions, and whether each is open or closed.

A question is *open* when it invites the other person to think aloud and answer in their own
words (what, how, why; "tell me about…", "say more", "walk me through…"; "I'm curious how…")
and *closed* when it can be answered with yes, no, a choice or one fact (do/is/can…, who,
when, where, which, how many, "…, right?"). This follows how motivational-interviewing and
classroom-discourse coders sort questions.

What makes it hold on real talk:

* **Where the question starts.** Spoken questions open with discourse markers ("so, um,
  okay"), a name ("Maria, why…") or a clause ("When you paused, what did you notice?").
  We skip markers and names and read each clause, so the question word is found where
  it is, and a clause that merely begins with *when* or *what* ("what you said about
  Marcus, …") is not mistaken for the question.
* **Inversion, not first words.** Without a question mark (automatic captions have
  none) a sentence is a question only when it is built like one: a question word
  followed by an auxiliary ("what did you…", "how are they…"), an auxiliary followed by
  its subject ("did they…", "can you…"), or an invitation ("tell me more"). "When they
  intercept the same arc, then they have the same-" and "do your homework" are not.
* **Bare and trailing question words.** "Why?", "How?", "Calmer how?" and "Like what?"
  are open; "What?" alone asks to hear something again, and is closed.
* **Unfinished sentences** (ending in a dash or "…") are not questions.

Limits: a question word does not tell the whole story ("What did you have for lunch?"
wants one fact, and counts as open), and rising intonation on a statement, lost in a
caption, cannot be heard.
"""

from __future__ import annotations

import re

from rapport.conversations import talk

OPEN_WORDS = talk.word_set("what what's whats how how's hows why why's whys")
CLOSED_WORDS = talk.word_set("who who's whos whom whose when when's where where's wheres which")
AUXILIARIES = talk.word_set(
    """do does did is are was were am can could would will should shall may might must have
    has had isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't
    shouldn't haven't hasn't dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt
    wont shouldnt havent hasnt 's 're 'd 'll"""
)
# Subjects that follow an auxiliary in a question ("did they", "is it", "are the kids").
SUBJECTS = talk.word_set(
    """i you we they he she it this that there these those anyone anybody everyone everybody
    someone somebody anything something y'all the a an your his her their our my any all some
    people kids students"""
)
_CONTRACTED = talk.word_set("whats hows whos wheres whys")
_OPENING_A_QUESTION = talk.word_set("about if else come so many much long often")
_DETERMINERS = talk.word_set("the a an your his her their our my")
# "do it", "have them", "do your homework": an auxiliary before these is an imperative verb.
_IMPERATIVE_AFTER_DO_HAVE = talk.word_set("it this that them him her your their his our these those the a an")
# Words that open a clause without being its question ("when you paused, …").
SUBORDINATORS = talk.word_set(
    "if when once while since because as although though after before unless whether"
)
# Markers that come before the question and say nothing about its kind.
_MARKERS = talk.FILLERS | talk.word_set(
    """so and but okay ok well yeah yes right now then alright oh hey like just also anyway
    cool great good nice sure wow thanks"""
)
_MARKER_PHRASES = ("you know", "i mean", "let me ask", "can i ask", "one more thing", "quick question")
# Invitations to think aloud count as open questions, with or without a question mark.
_INVITATION = re.compile(
    r"^(?:(?:can|could|would|will) you (?:please )?|do you want to |would you be willing to |"
    r"i'?d love (?:for you )?to |i'?d like (?:for you )?to |(?:please )?)"
    r"(?:tell me|say more|say a bit more|say a little more|describe|walk me through|talk me through|"
    r"take me through|help me understand|explain|share|expand|elaborate|give me an example|"
    r"talk (?:a little |a bit |more )?about|fill me in|unpack)\b"
)
# "I'm curious how…", "I wonder what…": a question said as a statement.
_WONDERING = re.compile(
    r"^(?:i'?m (?:just |really )?(?:curious|wondering)|i wonder|i'?d love to (?:hear|know)|"
    r"i'?d like to (?:hear|know)|i want to (?:hear|know)|i'?m interested in)\b"
    r"(?P<about> about)?\s*(?P<rest>.*)$"
)
# Open question words asking for one amount or fact.
_FACT = re.compile(
    r"^(?:how (?:many|much|long|often|old|far|big|tall|late|early)|what (?:time|day|date|page|grade|"
    r"period|number|percent(?:age)?|score|year|month|room|color|colour)|what's (?:his|her|their|your) "
    r"name)\b"
)
_TAG = re.compile(
    r"(?:,|\s)\s*(?:right|yeah|yes|no|ok|okay|correct|true|huh|isn't it|aren't they|don't you|"
    r"didn't you|didn't they|wasn't it|won't you|can't you|or not|or no|you know)\s*\?$"
)
_REPAIR = talk.word_set("what huh sorry pardon")
_UNFINISHED = ("-", "\u2014", "\u2013", "...", "\u2026")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s-\s|\u2014|\u2013)\s*")


def _strip_markers(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop leading discourse markers and fillers ("so, um, okay, you know")."""
    while tokens:
        if tokens[0] in _MARKERS:
            tokens = tokens[1:]
            continue
        phrase = next((p for p in _MARKER_PHRASES if tokens[: len(p.split())] == tuple(p.split())), None)
        if phrase is None:
            return tokens
        tokens = tokens[len(phrase.split()) :]
    return tokens


def _strip_name(tokens: tuple[str, ...], original: str) -> tuple[str, ...]:
    """Drop a leading vocative: "Maria, why…", or a lower-case "pia how were they…"."""
    if len(tokens) > 1 and not talk.is_known_word(tokens[0]):
        following = tokens[1]
        if following in OPEN_WORDS | CLOSED_WORDS | AUXILIARIES or original.startswith(
            tokens[0].capitalize()
        ):
            return tokens[1:]
    return tokens


def _inverted(tokens: tuple[str, ...]) -> bool:
    """An auxiliary followed by its subject: "did they", "can you", "is it"."""
    if len(tokens) < 2 or tokens[0] not in AUXILIARIES:
        return False
    if tokens[0] in {"do", "have"} and tokens[1] in _IMPERATIVE_AFTER_DO_HAVE:
        return False
    return tokens[1] in SUBJECTS or not talk.is_known_word(tokens[1])


def _clause_kind(tokens: tuple[str, ...], *, last: bool, asked: bool) -> str | None:
    """``open``/``closed`` if this clause is built as a question, else None.

    ``last``: the final clause of the sentence; ``asked``: the sentence ends in "?".
    """
    if not tokens:
        return None
    text = " ".join(tokens)
    if _INVITATION.match(text):
        return "open"
    wondering = _WONDERING.match(text)
    if wondering:
        rest = wondering.group("rest").split()
        if not rest:
            return None
        if rest[0] in OPEN_WORDS or wondering.group("about"):
            return "closed" if _FACT.match(" ".join(rest)) else "open"
        return "closed" if rest[0] in CLOSED_WORDS | {"if", "whether"} else None
    first, second = tokens[0], tokens[1] if len(tokens) > 1 else ""
    if len(tokens) == 1 and first in _REPAIR:
        return "closed"  # "What?": say that again
    if first in OPEN_WORDS or first in CLOSED_WORDS or (first == "how" and second == "come"):
        if (
            first in CLOSED_WORDS
            and first in SUBORDINATORS | {"when"}
            and not last
            and second not in AUXILIARIES
        ):
            return None  # "when you paused, …": a clause before the question
        clause_subject = second in SUBJECTS - _DETERMINERS and (
            len(tokens) < 3 or tokens[2] not in AUXILIARIES
        )
        if clause_subject and not (last and asked):
            return None  # "what you said", "how they did it": a clause, unless it is the question itself
        if not asked and not _built_as_question(tokens):
            return None  # "What I'm hearing is that…", "what a day": no question mark, no question
        if first in CLOSED_WORDS:
            return "closed"
        return "closed" if _FACT.match(text) else "open"
    if first in SUBORDINATORS:
        return None
    if _inverted(tokens) and (asked or len(tokens) > 2):
        return "closed"  # a bare "so do I." is agreement, not a question
    return None


def _built_as_question(tokens: tuple[str, ...]) -> bool:
    """A question word that opens a question, as captions without a question mark show it: before
    an auxiliary ("what did…", "what's…"), in "what about / what if / what else / how come / how
    many", before a verb ("what made…"), or before a noun and an auxiliary ("what time do…",
    "which one would…")."""
    first, rest = tokens[0], tokens[1:]
    if not rest:
        return True  # "why", "how": the whole sentence
    if "'" in first or first in _CONTRACTED or rest[0] in AUXILIARIES | _OPENING_A_QUESTION:
        return True
    if rest[0] not in SUBJECTS and talk.is_verb(rest[0]):
        return True  # the question word is the subject: "what made it work", "who decides"
    return len(rest) > 1 and rest[0] not in SUBJECTS and rest[0].isalpha() and rest[1] in AUXILIARIES


def _clauses(sentence: str) -> list[tuple[str, ...]]:
    parts = [part for part in _CLAUSE_BREAK.split(sentence) if part.strip()]
    clauses = []
    for position, part in enumerate(parts):
        tokens = _strip_markers(talk.words(part))
        if position == 0:
            tokens = _strip_markers(_strip_name(tokens, part.strip()))
        clauses.append(tokens)
    return clauses


def _trailing_question_word(tokens: tuple[str, ...]) -> str | None:
    """ "Calmer how?", "You did what?", "Like what?", "By when?": the question word comes last."""
    if len(tokens) <= 4 and tokens and tokens[-1] in OPEN_WORDS | CLOSED_WORDS:
        if len(tokens) == 1 and tokens[0] in _REPAIR:
            return "closed"
        return "open" if tokens[-1] in OPEN_WORDS else "closed"
    return None


@talk.cached
def kind_of_sentence(sentence: str) -> str | None:
    """``open``, ``closed``, or None when the sentence is not a question."""
    text = talk.normalise(sentence).strip()
    lowered = text.lower().rstrip(" \"')")
    asked = lowered.endswith("?") or "?" in lowered[-3:]
    if not asked and lowered.endswith(_UNFINISHED):
        return None
    clauses = _clauses(text)
    kinds = [
        _clause_kind(tokens, last=position == len(clauses) - 1, asked=asked)
        for position, tokens in enumerate(clauses)
    ]
    found = [kind for kind in kinds if kind]
    if not found and asked:
        whole = tuple(word for tokens in clauses for word in tokens)
        trailing = _trailing_question_word(whole) or _trailing_question_word(clauses[-1] if clauses else ())
        found = [trailing or "closed"]
    if not found:
        return None
    if _TAG.search(lowered) and len(found) == 1 and kinds[-1] is None:
        return "closed"
    return "open" if "open" in found else "closed"


_ONSET = re.compile(
    r"\b(?:(?:what|how|why|who|when|where|which)(?:'s)? (?:do|does|did|is|are|was|were|can|could|would|"
    r"will|should|have|has|had)|(?:do|does|did|can|could|would|will|should|are|is|was|were|have|has) "
    r"(?:you|we|they|he|she|i|y'all)|tell me|say more|walk me through)\b (?=\S)"
)


@talk.cached
def questions_in(text: str) -> tuple[tuple[str, str], ...]:
    """Each question of an utterance, with its kind.

    A caption line without any punctuation can hold a remark and then a question ("yeah that
    makes sense what did you try next"): there the question starts where one is built.
    """
    found = []
    for sentence in talk.sentences(text):
        kind = kind_of_sentence(sentence)
        if kind is None and not re.search(r"[.!?,]", sentence):
            onset = _ONSET.search(talk.normalise(sentence).lower())
            if onset and onset.start() > 0:
                sentence = sentence[onset.start() :]
                kind = kind_of_sentence(sentence)
        if kind:
            found.append((sentence, kind))
    return tuple(found)


def kind_of_line(text: str) -> str | None:
    """The kind of a line's questions: open if any of them is open."""
    kinds = {kind for _, kind in questions_in(text)}
    return "open" if "open" in kinds else ("closed" if kinds else None)
