"""Reading transcripts: WebVTT (Zoom, Microsoft Teams, Google Meet), SRT and plain text.

Every format becomes the same list of ``Line`` (start, end, speaker, text). Anything we
cannot read raises ``TranscriptError`` naming the line, and nothing else: the import
form and ``manage.py analyze_transcript`` show that message and store nothing.

Why our own reader rather than a WebVTT library: their errors do not say which line is
wrong, and it knows nothing of SRT speaker prefixes or plain ``Name: text`` files.
One small cue reader for VTT and SRT gives a single set of rules and clear messages.

Formats, as the tools export them:

* Zoom VTT: numbered cues whose text is ``Name: text``.
* Teams VTT: cues whose text is ``<v Name>text</v>``.
* Meet VTT / SRT from captioning tools: ``Name: text`` cues (SRT uses commas in times).
* Plain text: ``Name: text`` lines, optionally preceded by a time
  (``[00:01:05] Name: text``, ``00:01:05 Name: text`` or ``(1:05) Name: text``).
  Lines that carry no speaker continue the line before.

A colon alone does not make a speaker: captions are full of "The plan has three parts:
first…". What stands before the colon is a speaker's name only when it is shaped like
one (at most four short words, no sentence words, no sentence punctuation) and either
recurs in the file, or stands where most lines carry a name, or is a role such as
"Teacher" or "Speaker 2". Anything else stays part of what was said, so no line is ever
given to a speaker the file does not have. Teams voice tags (``<v Name>``) are names by
construction.

Plain text without times gets times estimated from word counts at a steady speaking
pace (``WORDS_PER_SECOND``); ``Transcript.timed`` is then False and pages say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.conversations.talk import word_set

# A typical conversational pace (150 words a minute), used only when a transcript has no times.
WORDS_PER_SECOND = 2.5
MAX_SPEAKER_NAME = 80
UNKNOWN_SPEAKER = "Unknown speaker"

_TIME = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?"
_CUE_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>]*>")
_NAME_PREFIX = re.compile(rf"^([^:\n]{{1,{MAX_SPEAKER_NAME}}}?):\s+(.*)$")
# The words of a name: letters (any case), digits, and the marks names carry.
_NAME_WORD = re.compile(r"^[\w][\w.'\u2019()\[\]#&/-]*,?$")


# Words that make a phrase before a colon a sentence or a heading, not a person.
_NOT_NAME_WORDS = word_set(
    """a an the this that these those there here it its i i'm i've we we're you you're your he she
    they them my our his her their me us is are was were be been am has have had do does did will
    would can could should shall may might must not no yes yeah okay ok so and but or because if
    when then than of to in on at for with from about as by into like just also only well now
    what why how who where which first second third next last finally step part note notes
    example answer question goal goals plan plans agenda reminder update summary homework topic
    objective warning important remember tip fact problem result total thing things time date
    subject title location today tomorrow basically actually honestly anyway listen look wait
    hmm um uh oh ps fyi re"""
)
# Roles that transcripts use for people, any case ("Teacher", "student 2", "S1", "T").
_ROLE = re.compile(
    r"^(?:teacher|student|students|coach|speaker|therapist|client|counsel(?:l)?or|interviewer|"
    r"interviewee|participant|facilitator|moderator|host|guest|parent|principal|leader|"
    r"multiple students|several students|class|unknown|unidentified)(?:\s*\(?\d{1,3}\)?|\s+[a-z])?$"
    r"|^(?:[a-z]\d{0,3}|ss)$",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 4  # not counting particles such as "de la" or "van der"
_NAME_PARTICLES = word_set("de la del della da di van von der den le du dos das bin al el y")
_PLAIN_TIME = re.compile(rf"^\s*[\[(]?\s*{_TIME}\s*[\])]?\s*[-\u2013]?\s*(.*)$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")


class TranscriptError(ValueError):
    """A transcript we cannot read; the message names the line."""

    def __init__(self, message: str, line_number: int | None = None):
        self.line_number = line_number
        super().__init__(f"Line {line_number}: {message}" if line_number else message)


@dataclass(frozen=True)
class Line:
    start: float
    end: float
    speaker: str
    text: str

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Transcript:
    lines: list[Line]
    timed: bool
    format: str

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(line.speaker for line in self.lines))


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _seconds(groups: tuple) -> float:
    hours, minutes, seconds, fraction = groups
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return value + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)


def _clean_name(name: str) -> str:
    return " ".join(name.split())[:MAX_SPEAKER_NAME]


def _is_name_shaped(name: str) -> bool:
    """Could this stand for a person: short, no sentence words, no sentence punctuation."""
    words = name.replace("\u2019", "'").split()
    main_words = [word for word in words if word.lower() not in _NAME_PARTICLES]
    if not main_words or len(main_words) > MAX_NAME_WORDS or len(name) > 40 or name.isdigit():
        return False
    if _ROLE.match(name):
        return True
    return all(_NAME_WORD.match(word) for word in words) and not any(
        word.strip(",.").lower() in _NOT_NAME_WORDS for word in words
    )


def _is_role(name: str) -> bool:
    return bool(_ROLE.match(name))


@dataclass(frozen=True)
class _Said:
    """One cue or row as written: who it names (voice tag or ``Name:``), and the text."""

    text: str  # without tags, name prefix kept until the name is accepted
    voice: str | None = None
    candidate: str | None = None
    after_candidate: str = ""


def _split_speaker(raw: str) -> _Said:
    voice = _VOICE.search(raw)
    text = " ".join(_TAG.sub("", raw).split())
    if voice:
        return _Said(text, voice=_clean_name(voice.group(1)))
    match = _NAME_PREFIX.match(text)
    if match and _is_name_shaped(match.group(1).strip()):
        return _Said(text, candidate=_clean_name(match.group(1)), after_candidate=match.group(2).strip())
    return _Said(text)


def _accepted_names(said: list[_Said]) -> set[str]:
    """The candidate names that are speakers: recurring, or where names are the rule, or roles."""
    counts: dict[str, int] = {}
    for item in said:
        if item.candidate:
            counts[item.candidate] = counts.get(item.candidate, 0) + 1
    named = sum(1 for item in said if item.candidate or item.voice)
    names_are_the_rule = named * 2 >= len(said)
    return {name for name, count in counts.items() if count >= 2 or names_are_the_rule or _is_role(name)}


def _speaker_and_text(item: _Said, names: set[str]) -> tuple[str | None, str]:
    if item.voice:
        return item.voice, item.text
    if item.candidate in names:
        return item.candidate, item.after_candidate
    return None, item.text


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise TranscriptError("The file is not text (we read UTF-8 or UTF-16 transcripts).")


def parse(data: bytes | str) -> Transcript:
    """Read a transcript in any supported format; ``TranscriptError`` if we cannot."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise TranscriptError("The file is not text.")
    rows = text.split("\n")
    first = next((row.strip() for row in rows if row.strip()), "")
    if not first:
        raise TranscriptError("The transcript is empty.")
    if first.startswith("WEBVTT"):
        return _parse_cues(rows, "vtt")
    if any(_CUE_TIMING.match(row) for row in rows[:50]):
        return _parse_cues(rows, "srt")
    return _parse_plain(rows)


def _parse_cues(rows: list[str], fmt: str) -> Transcript:
    cues: list[tuple[float, float, _Said]] = []
    index = 1 if fmt == "vtt" else 0  # skip the WEBVTT header line
    if fmt == "vtt":
        while index < len(rows) and rows[index].strip():
            index += 1  # header metadata (Kind:, Language:) runs to the first blank line
    while index < len(rows):
        row = rows[index].strip()
        if not row:
            index += 1
            continue
        block_start = index
        block = []
        while index < len(rows) and rows[index].strip():
            block.append(rows[index])
            index += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, item in enumerate(block[:2]) if "-->" in item), None)
        if timing_at is None:
            raise TranscriptError(
                f"expected a cue time such as “00:01:02.000 --> 00:01:05.000”, found “{row[:60]}”.",
                block_start + 1,
            )
        match = _CUE_TIMING.match(block[timing_at])
        if not match:
            raise TranscriptError(
                f"this cue time is not in the form “00:01:02.000 --> 00:01:05.000”: "
                f"“{block[timing_at].strip()[:60]}”.",
                block_start + timing_at + 1,
            )
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:8])
        if end < start:
            raise TranscriptError("this cue ends before it starts.", block_start + timing_at + 1)
        cues.append((start, end, _split_speaker("\n".join(block[timing_at + 1 :]))))
    names = _accepted_names([said for _, _, said in cues])
    lines: list[Line] = []
    speaker = UNKNOWN_SPEAKER
    for start, end, said in cues:
        cue_speaker, cue_text = _speaker_and_text(said, names)
        speaker = cue_speaker or speaker
        if cue_text:
            lines.append(Line(start, end, speaker, cue_text))
    if not lines:
        raise TranscriptError("The transcript has no spoken lines.")
    return Transcript(lines=lines, timed=True, format=fmt)


def _parse_plain(rows: list[str]) -> Transcript:
    said: list[tuple[int, float | None, _Said]] = []
    for number, raw in enumerate(rows, start=1):
        row = raw.strip()
        if not row:
            continue
        start = None
        stamped = _PLAIN_TIME.match(row)
        if stamped and stamped.group(5):
            start, row = _seconds(stamped.groups()[:4]), stamped.group(5)
        said.append((number, start, _split_speaker(row)))
    names = _accepted_names([item for _, _, item in said])
    entries: list[list] = []  # [start or None, speaker, text]
    for number, start, item in said:
        speaker, text = _speaker_and_text(item, names)
        row = item.text
        if speaker is None:
            if not entries:
                raise TranscriptError(
                    f"expected “Name: what they said”, found “{row[:60]}”. "
                    "Each line starts with the speaker's name and a colon.",
                    number,
                )
            entries[-1][2] = f"{entries[-1][2]} {text}".strip()
            continue
        entries.append([start, speaker, text])
    entries = [entry for entry in entries if entry[2]]
    if not entries:
        raise TranscriptError("The transcript has no spoken lines.")
    timed = all(entry[0] is not None for entry in entries)
    lines: list[Line] = []
    clock = 0.0
    for position, (start, speaker, text) in enumerate(entries):
        duration = max(count_words(text), 1) / WORDS_PER_SECOND
        if timed:
            following = entries[position + 1][0] if position + 1 < len(entries) else None
            end = following if following is not None and following >= start else start + duration
            lines.append(Line(start, end, speaker, text))
        else:
            lines.append(Line(round(clock, 3), round(clock + duration, 3), speaker, text))
            clock += duration
    return Transcript(lines=lines, timed=timed, format="text")
