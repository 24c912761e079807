"""Words and sentences of talk as transcripts give it to us.

Real transcripts are messy: automatic captions arrive in lower case without punctuation,
people say "um" and start again ("so, so what I'm—"), answer with "yeah" and
"mm-hmm", and use contractions spelled with or without the apostrophe. The listening
analytics (questions, uptake, phrasing) read talk through the helpers here, so each of
them sees the same words.

Lemmas come from lemminflect, an English lemmatiser whose dictionary ships inside its
package (nothing is downloaded at run time). A word keeps every lemma it could have
("felt" is *felt* or *feel*), so two words match when they could be the same word.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lemminflect


def forget() -> None:
    """Drop what the caches learnt from a transcript (``listening.analyze`` calls this when done),
    so no confidential word outlives the analysis that read it."""
    for cached in _CACHES:
        cached.cache_clear()


_CACHES: list = []


def cached(function):
    """A cache for one analysis: ``forget`` empties it."""
    wrapped = lru_cache(maxsize=65536)(function)
    _CACHES.append(wrapped)
    return wrapped


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*(?:-[a-z0-9]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOTES = re.compile(r"\[[^\]]*\]|\((?:[^()\s]+\s?){1,3}\)")
# A sentence ends at . ! ? (or a run of them, and a closing quote) before a space…
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+")
# …except after a title ("Ms. Park").
_TITLE = re.compile(r"\b(?:mr|mrs|ms|mx|dr|st|vs|prof)\.$", re.IGNORECASE)

# Sounds and fillers that carry no content and start no clause.
FILLERS = word_set("um umm uh uhh uh-huh erm er ah ahh hmm hm mm mmm mhm mm-hmm huh")
# Whole turns made only of these words acknowledge, without saying anything new.
BACKCHANNEL_WORDS = FILLERS | word_set(
    """yeah yea yep yup yes ya no nope nah ok okay k right sure totally exactly true wow oh
    alright gotcha cool nice great good fine interesting really i see got it thanks thank you
    absolutely definitely of course for sure makes sense that mhmm ha haha oof ugh aw"""
)
# Function words: the glue of a sentence, never evidence that one speaker took up another.
FUNCTION_WORDS = word_set(
    """a an the this that these those there here it its it's itself i i'm i'd i'll i've me my
    mine myself we we're we'd we'll we've us our ours you you're you'd you'll you've your yours
    yourself y'all he he's he'd him his himself she she's she'd her hers herself they they're
    they'd they'll they've them their theirs themselves one ones someone somebody something
    anyone anybody anything everyone everybody everything nobody nothing is are was were be
    been being am do does did done doing have has had having will would can could should shall
    may might must ought isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't
    couldn't shouldn't haven't hasn't hadn't ain't dont doesnt didnt isnt arent wasnt werent
    cant couldnt wouldnt wont shouldnt havent hasnt im ive id youre youve theyre weve thats
    whats hows whos wheres lets let's that's what's how's who's where's there's here's and or
    but so if then than because as of to in on at by for with from about into onto over under
    up down out off again just also too very really quite pretty so such not no yes yeah okay
    ok oh well like kind sort of what when where which who whom whose why how all any some
    each every both either neither few more most much many lot lots other another same own
    only even still already yet now then today maybe perhaps actually basically literally
    honestly probably definitely totally always never ever sometimes often usually though
    although while since until till before after through during around across between per
    via gonna wanna gotta kinda sorta um uh hmm mm gosh"""
)
# Everyday words that carry a little meaning but are taken up by chance as often as not.
LIGHT_WORDS = word_set(
    """think know go get got make say tell see look come take put give want need mean feel
    thing stuff way time day week bit part lot kind good bad great fine nice happen try work
    do really little big new old first last next back right wrong sure able"""
)
_NUMBERS = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty"""
_TENS = {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80"}
# Spoken numbers match written ones ("twelve" takes up "12").
NUMBER_WORDS = (
    {word: str(value) for value, word in enumerate(_NUMBERS.split())}
    | _TENS
    | {
        "ninety": "90",
        "hundred": "100",
        "half": "1/2",
    }
)


def normalise(text: str) -> str:
    """One space between words, straight apostrophes."""
    return " ".join(text.translate(_APOSTROPHES).split())


@cached
def words(text: str) -> tuple[str, ...]:
    """The words of a text in lower case, apostrophes and hyphens kept inside words; a
    transcriber's notes and placeholders ("[inaudible]", "[Student]", "(laughs)") are not words
    anyone said, so two lines never "share" them."""
    return tuple(_WORD.findall(_NOTES.sub(" ", normalise(text)).lower()))


@cached
def sentences(text: str) -> tuple[str, ...]:
    """The sentences of an utterance, split after . ! and ? (a caption line is one sentence)."""
    text = normalise(text)
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if not _TITLE.search(text[start : end.start() + 1]):
            found.append(text[start : end.end()].strip())
            start = end.end()
    found.append(text[start:].strip())
    return tuple(sentence for sentence in found if sentence)


@cached
def lemmas(word: str) -> frozenset[str]:
    """Every lemma the word could have, and the word itself ("felt": felt, feel)."""
    if word in NUMBER_WORDS:
        return frozenset({word, NUMBER_WORDS[word]})
    if word.isdigit():
        return frozenset({word})
    stem = word[:-2] if word.endswith("'s") else word
    found = {lemma for forms in lemminflect.getAllLemmas(stem).values() for lemma in forms}
    if not found and "-" not in stem:
        found = {lemma for forms in lemminflect.getAllLemmasOOV(stem, "NOUN").values() for lemma in forms}
    return frozenset({word, stem, *found})


@cached
def is_known_word(word: str) -> bool:
    """Is this an English word (rather than, say, a name in a lower-case caption)?"""
    return word in FUNCTION_WORDS or word in BACKCHANNEL_WORDS or bool(lemminflect.getAllLemmas(word))


@cached
def is_verb(word: str) -> bool:
    """Could this word be a verb ("made", "decides")?"""
    return word not in FUNCTION_WORDS and "VERB" in lemminflect.getAllLemmas(word)


def is_content(word: str) -> bool:
    return word not in FUNCTION_WORDS and word not in BACKCHANNEL_WORDS and (len(word) > 1 or word.isdigit())


def weight(word: str) -> float:
    """How much a shared word says about taking up: content words 1, everyday words less."""
    if not is_content(word):
        return 0.0
    return 0.35 if lemmas(word) & LIGHT_WORDS else 1.0


def is_backchannel(text: str) -> bool:
    """A turn that only acknowledges: "yeah", "mm-hmm", "okay, right", "got it"."""
    said = words(text)
    return bool(said) and len(said) <= 6 and all(word in BACKCHANNEL_WORDS for word in said)
