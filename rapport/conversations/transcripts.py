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

Plain text without times gets times estimated from word counts at a steady speaking
pace (``WORDS_PER_SECOND``); ``Transcript.timed`` is then False and pages say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A typical conversational pace (150 words a minute), used only when a transcript has no times.
WORDS_PER_SECOND = 2.5
MAX_SPEAKER_NAME = 80
UNKNOWN_SPEAKER = "Unknown speaker"

_TIME = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?"
_CUE_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>]*>")
_NAME_PREFIX = re.compile(rf"^([^:\n]{{1,{MAX_SPEAKER_NAME}}}?):\s+(.*)$")
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


def _speaker_and_text(raw: str) -> tuple[str | None, str]:
    """A cue's speaker (Teams voice tag or ``Name:`` prefix) and its text without tags."""
    voice = _VOICE.search(raw)
    text = " ".join(_TAG.sub("", raw).split())
    if voice:
        return _clean_name(voice.group(1)), text
    match = _NAME_PREFIX.match(text)
    if match and not match.group(1).strip().isdigit():
        return _clean_name(match.group(1)), match.group(2).strip()
    return None, text


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
    lines: list[Line] = []
    speaker = UNKNOWN_SPEAKER
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
        cue_speaker, cue_text = _speaker_and_text("\n".join(block[timing_at + 1 :]))
        speaker = cue_speaker or speaker
        if cue_text:
            lines.append(Line(start, end, speaker, cue_text))
    if not lines:
        raise TranscriptError("The transcript has no spoken lines.")
    return Transcript(lines=lines, timed=True, format=fmt)


def _parse_plain(rows: list[str]) -> Transcript:
    entries: list[list] = []  # [start or None, speaker, text]
    for number, raw in enumerate(rows, start=1):
        row = raw.strip()
        if not row:
            continue
        start = None
        timed = _PLAIN_TIME.match(row)
        if timed and timed.group(5):
            start, row = _seconds(timed.groups()[:4]), timed.group(5)
        speaker, text = _speaker_and_text(row)
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
