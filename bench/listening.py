"""Time to read and analyse a two-hour, 20,000-word conversation (VTT).

.venv/bin/python bench/listening.py

The talk is every line of our development set (bench/data/listening_dev.txt) in turn, each
round opening its lines with a different "so," / "um," / "okay," so that no line repeats
and no cache is flattered. Printed: the first analysis in a fresh process (which also
loads lemminflect's dictionary, once per process) and the next ones, in wall-clock and
CPU time (the CPU figure is the one to compare on a busy machine).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import listening_eval
from rapport.conversations import listening, transcripts


def _talk() -> list[tuple[str, str]]:
    said = []
    for exchange in listening_eval.load():
        for line in transcripts.parse(exchange.transcript).lines:
            said.append(("Maya Okafor" if line.speaker.lower() == "coach" else "Daniel Reyes", line.text))
    return said


OPENERS = ("", "so, ", "um, ", "okay, ", "well, ", "and ", "yeah, ", "right, ", "oh, ", "hmm, ")


def build_vtt(target_words: int = 20_000, minutes: int = 120) -> str:
    talk = _talk()
    lines: list[tuple[str, str]] = []
    words = 0
    while words < target_words:
        round_, position = divmod(len(lines), len(talk))
        speaker, text = talk[position]
        text = OPENERS[round_ % len(OPENERS)] + text
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
    for run in ("first (loads the dictionary)", "second", "third"):
        started, cpu = time.perf_counter(), time.process_time()
        transcript = transcripts.parse(vtt)
        analysis = listening.analyze(transcript)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{run}: {len(transcript.lines)} lines, {analysis.total_words} words, "
            f"{analysis.total_seconds / 60:.0f} minutes: read and analysed in {elapsed * 1000:.0f} ms "
            f"({cpu * 1000:.0f} ms of CPU)"
        )


if __name__ == "__main__":
    main()
