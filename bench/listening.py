"""Time to read and analyse a 60-minute, 10,000-word conversation (VTT).

.venv/bin/python bench/listening.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapport.conversations import listening, transcripts

LINES = [
    ("Maya Okafor", "What stood out to you about how the groups worked today?"),
    (
        "Daniel Reyes",
        "The quiet students spoke more once they had the sentence starters on their desks, "
        "and I noticed the back table kept going even after I moved on to the next group.",
    ),
    ("Maya Okafor", "It sounds like the starters gave them a way in. Did the back table use them too?"),
    ("Daniel Reyes", "Mostly, yes. A couple of them made up their own, which surprised me in a good way."),
    ("Maya Okafor", "You should try them with fourth period as well."),
]


def build_vtt(target_words: int = 10_000, minutes: int = 60) -> str:
    lines = []
    words = 0
    while words < target_words:
        speaker, text = LINES[len(lines) % len(LINES)]
        lines.append((speaker, text))
        words += transcripts.count_words(text)
    step = minutes * 60 / len(lines)
    cues = ["WEBVTT", ""]
    for number, (speaker, text) in enumerate(lines, start=1):
        start, end = (number - 1) * step, number * step
        cues += [str(number), f"{_stamp(start)} --> {_stamp(end)}", f"{speaker}: {text}", ""]
    return "\n".join(cues)


def _stamp(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def main() -> None:
    vtt = build_vtt()
    started = time.perf_counter()
    transcript = transcripts.parse(vtt)
    analysis = listening.analyze(transcript)
    elapsed = time.perf_counter() - started
    print(
        f"{len(transcript.lines)} lines, {analysis.total_words} words, "
        f"{analysis.total_seconds / 60:.0f} minutes: read and analysed in {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
