"""Phrasing worth a second look: judging, telling or grading, each with a curious reframe.

Reflective coaching keeps the thinking with the teacher. Three kinds of phrasing move it to
the coach:

* **judgmental**: blame or criticism of the person ("why didn't you…", "you always…",
  "you shouldn't have…", "that's an excuse");
* **prescriptive**: telling them what to do ("you should…", "you need to…", "why don't
  you…", an instruction such as "set a timer…");
* **evaluative**: grading, even warmly ("great job", "that's perfect", "that was wrong").

We read the whole sentence, not a phrase in it:

* a question that asks about content is not a judgement ("What do you always do first
  when they come in?"): "you always/never" judges only in a statement or a why-question;
* an explanation is not an instruction: "you need to…" tells only when it opens the
  sentence or its main clause ("so you have to stick to the script"), not after a
  fronted phrase ("with annotation you only need to mark what surprises you", "only in
  multiplication do you need to…"), and never inside a question;
* an instruction is a sentence that opens with a verb of doing ("set a timer", "have them
  switch"), not an invitation to think ("tell me more", "say more", "imagine…");
* "that's good to hear" acknowledges; "that's great" grades.

Each flag carries a reframe built from the flagged sentence itself: the advice becomes a
question about what would happen if they tried it, the judgement a question about what
was going on for them, the grade a question about what they noticed.

Limits: we cannot hear tone, irony or quotation marks that a caption lost; a flag is an
invitation to look again, not a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lemminflect

from rapport.conversations import questions, talk

JUDGMENTAL, PRESCRIPTIVE, EVALUATIVE = "judgmental", "prescriptive", "evaluative"

# Words before the real start of a sentence: markers, hedges, a name.
_LEAD = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|yeah|yes|um|uh|hmm|look|listen|honestly|seriously|really|"
    r"just|maybe|then|now|also|i think|i feel like|i'd say|to be honest|come on|oh|right|see)[,\s]+)+"
)
_JUDGING = re.compile(
    r"\b(?:why (?:didn'?t|haven'?t|wouldn'?t|weren'?t|aren'?t|hadn'?t|couldn'?t) you|"
    r"why (?:do|did|would) you (?:let|always|never|even|keep)|why would you|what were you thinking|"
    r"you (?:should'?ve|should have|shouldn'?t have|should not have|failed|forgot to|got it wrong)|"
    r"you didn'?t even|you (?:did not|didn'?t) (?:\w+ ){0,4}(?:well )?enough|"
    r"you'?re doing (?:it|this|that|something|everything) wrong|you did it wrong|"
    r"(?:that'?s|that is|it'?s|those are) (?:just )?(?:an? )?excuses?|"
    r"(?:a|big|huge) mistake|obviously|clearly you|the problem is you|that'?s not how|"
    r"you (?:are|were|'re|do)? ?(?:\w+ )?too (?:much|long|slow|fast|harsh|soft|strict|nice|easy)|"
    r"you'?re (?:too|so) (?:\w+)|you can'?t just)\b"
)
_ALWAYS_NEVER = re.compile(r"\byou (?:always|never)\b")
_TELLING = re.compile(
    r"^(?:you (?:really |just |definitely |still )?(?:should|need to|have to|must|ought to|'?d better|"
    r"had better|can'?t|could just|could)|you'?ll (?:need|have) to|why don'?t you|"
    r"what you (?:need|have) to do(?: is)?|if i were you|i would just|make sure|the fix is|the answer is|"
    r"next time)\b"
)
# Clause starts inside a sentence where telling can begin ("…, so you have to…").
_CLAUSE_START = re.compile(r"(?:[,;:]\s*|\s-\s|\b)(?:so|then|and|but)\s+(?=you\b)")
# Verbs that open an instruction when a sentence starts with them.
_DOING_VERBS = talk.word_set(
    """give have set try use stop start cut skip break add put move keep call assign pair switch
    change drop post model write send get take pick choose plan reteach split seat mix limit print
    record push pull praise ignore remind review check hand grade email shorten lengthen slow speed
    spend leave bring turn teach make do"""
)
# Openers that invite thinking: never an instruction.
_INVITING = talk.word_set(
    "tell say describe walk talk explain share think imagine picture remember notice consider"
)
_GRADING = re.compile(
    r"\b(?:(?:good|great|nice|amazing|awesome|excellent|fantastic) (?:job|work)|well done|"
    r"(?:that'?s|that is|that was|this is|it'?s|it was|what an?|you'?re an?|you are an?) "
    r"(?:so |really |just |pretty |absolutely |exactly )?(?:the )?(?:great|good|perfect|wonderful|"
    r"amazing|fantastic|excellent|awesome|brilliant|huge|terrible|bad|poor|wrong|awful|right|"
    r"(?:exactly )?the right)\b(?! to hear| to know| question for)|"
    r"i (?:love|loved|like|liked) (?:how|the way|that|it|this)|^love (?:that|it|this)|"
    r"you did (?:great|well|amazing|an? (?:great|amazing|good|fantastic) job|badly|it wrong)|"
    r"^(?:great|perfect|excellent|wonderful|amazing|fantastic|awesome|brilliant) "
    r"(?:goal|lesson|idea|job|work|plan|answer|question|point|choice)\b)"
)


@dataclass(frozen=True)
class Flag:
    category: str
    sentence: str
    reframe: str


def _without_lead(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        lead = _LEAD.match(text.lower())
        text = text[lead.end() :] if lead else text
    return text


def _body(sentence: str) -> str:
    """The sentence without the markers, hedges and name that open it (case kept)."""
    text = _without_lead(talk.normalise(sentence).strip(" \"'"))
    parts = text.split(", ", 1)
    if len(parts) == 2 and len(parts[0].split()) == 1 and not talk.is_known_word(parts[0].lower()):
        text = _without_lead(parts[1])  # "Max, come on, …": a name first
    return text


def _is_instruction(body: str) -> bool:
    words = body.split()
    if len(words) < 2 or words[0] not in _DOING_VERBS or words[0] in _INVITING:
        return False
    return not words[0].endswith(",")


def _telling_at(body: str) -> tuple[int, str] | None:
    """Where the advice itself starts in the (lower-case) body, and the words that tell."""
    found = _TELLING.match(body)
    if found:
        return found.end(), found.group(0)
    for start in _CLAUSE_START.finditer(body):
        found = _TELLING.match(body[start.end() :])
        if found:
            return start.end() + found.end(), found.group(0)
    return None


@talk.cached
def flag_sentence(sentence: str) -> Flag | None:
    """The flag one sentence deserves, if any (judging first, then telling, then grading)."""
    said = _body(sentence)
    body = said.lower()
    if not body:
        return None
    kind = questions.kind_of_sentence(sentence)
    judging = _JUDGING.search(body)
    if not judging and (kind is None or body.startswith("why")):
        judging = _ALWAYS_NEVER.search(body)
    if judging:
        return Flag(JUDGMENTAL, sentence, reframe_judgement(said, judging))
    if body.startswith(("why don't you", "why dont you")):
        return Flag(PRESCRIPTIVE, sentence, reframe_advice(said[13:], "why don't you"))
    if kind is None:
        telling = _telling_at(body)
        if telling:
            return Flag(PRESCRIPTIVE, sentence, reframe_advice(said[telling[0] :], telling[1]))
        if _is_instruction(body):
            return Flag(PRESCRIPTIVE, sentence, reframe_advice(said, ""))
        grading = _GRADING.search(body)
        if grading:
            return Flag(EVALUATIVE, sentence, reframe_grade(said, grading))
    return None


def flags_in(text: str) -> list[Flag]:
    return [flag for sentence in talk.sentences(text) if (flag := flag_sentence(sentence))]


# --- Reframes built from the sentence ---------------------------------------------


def _clean_action(action: str) -> str:
    action = re.sub(
        r"^(?:just|really|definitely|simply|try to|go ahead and|also)\s+", "", action.strip(" ,."), flags=re.I
    )
    action = action.rstrip(" .!?,")
    # The sentence's first word loses its capital inside the reframe ("Set a timer" -> "set a timer").
    first, _, rest = action.partition(" ")
    if first[:1].isupper() and first[1:].islower() and first not in {"I", "I'm", "I'd", "I'll"}:
        first = first.lower()
    return f"{first} {rest}".strip()


def _inflect_first_verb(phrase: str, tag: str) -> str:
    """The phrase with its first verb put in the form ``tag`` (VBD: gave, VBG: giving)."""
    words = phrase.split()
    for position, word in enumerate(words[:3]):
        verbs = lemminflect.getAllLemmas(word).get("VERB") or lemminflect.getAllLemmas(word).get("AUX")
        if verbs:
            inflected = lemminflect.getInflection(verbs[0], tag=tag)
            if inflected:
                words[position] = inflected[0]
                return " ".join(words)
    return phrase


def reframe_advice(action: str, lead: str) -> str:
    action = _clean_action(action)
    if not action:
        return "What options do you see, and which one feels worth trying?"
    if lead.startswith("make sure"):
        return f"How might you make sure {action}? What would help?"
    if "can't" in lead or "cannot" in lead:
        return f"What do you see as the trade-offs of {_inflect_first_verb(action, 'VBG')}?"
    return (
        f"Ask rather than tell: “What do you think would happen if you "
        f"{_inflect_first_verb(action, 'VBD')}? What other options do you see?”"
    )


def reframe_judgement(body: str, match: re.Match) -> str:
    said = body[match.start() : match.end()]
    rest = _clean_action(body[match.end() :])
    lowered = said.lower()
    if lowered.startswith("why") and rest:
        if lowered.endswith(("let", "keep")):
            verb = "letting" if lowered.endswith("let") else "keeping"
            return f"Get curious instead: “What do you notice about {verb} {rest}?”"
        doing = _inflect_first_verb(rest, "VBG")
        return f"Get curious instead: “What was going on for you when it came to {doing}?”"
    if lowered.endswith("never") and rest:
        return f"Get curious instead: “What might happen if you {_inflect_first_verb(rest, 'VBD')}?”"
    if lowered.endswith("always") and rest:
        return f"Get curious instead: “What might happen if you didn't {rest}?”"
    if "should" in lowered and rest:
        return (
            "Get curious instead: “Looking back, what would you keep or change about "
            f"{_inflect_first_verb(rest, 'VBG')}?”"
        )
    return f"Describe what you saw instead of “{said.strip()}”, then ask: “How do you see it?”"


def reframe_grade(body: str, match: re.Match) -> str:
    graded = body[match.start() : match.end()]
    after = _clean_action(body[match.end() :])
    if graded.lower().endswith(("how", "the way", "that")) and after:
        return f"Name it and ask: “What did you notice when {after}? What made the difference?”"
    after = re.sub(r"^(?:on|with|for|about)\s+", "", after, flags=re.I)
    before = _clean_action(body[: match.start()])
    topic = after or before
    if topic and len(topic.split()) <= 12 and not _GRADING.search(topic.lower()):
        return f"Name it and ask: “What did you notice about {topic}? What made the difference?”"
    return (
        f"Name what you saw instead of “{graded.strip()}”, then ask: “What did you notice about how it went?”"
    )
