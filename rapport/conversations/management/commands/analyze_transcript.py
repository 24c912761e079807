"""``manage.py analyze_transcript PATH [--coach NAME] [--json]``: listening analytics for a file.

The same code as the conversation page (``listening.analyze``). Without ``--coach``
the coach is the speaker who asks the most questions. A file we cannot read prints
the message (naming the line) on stderr and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from rapport.conversations import listening, transcripts


class Command(BaseCommand):
    help = (
        "Analyse a transcript (WebVTT, SRT or Name: text) for talk share, questions, uptake and paraphrases, "
        "and phrasing to reconsider."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--coach", help="the coach's name as it appears in the transcript (or their full name)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, path: Path, coach: str | None, json: bool, **options) -> None:
        try:
            transcript = transcripts.parse(path.read_bytes())
        except OSError as error:
            self._fail(f"{path}: cannot read the file ({error.strerror}).")
        except transcripts.TranscriptError as error:
            self._fail(f"{path}: {error}")
        if coach and listening.resolve_coach(transcript, coach) is None:
            self._fail(f"{path}: no speaker named “{coach}” (speakers: {', '.join(transcript.speakers)}).")
        analysis = listening.analyze(transcript, coach)
        if json:
            self.stdout.write(_json_dumps(analysis.as_json()))
            return
        self._write_summary(analysis)

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def _write_summary(self, analysis: listening.Analysis) -> None:
        write = self.stdout.write
        write(f"Coach: {analysis.coach}")
        for stats in analysis.speakers:
            write(
                f"  {stats.name}: {stats.share_time:.0%} of the time, {stats.share_words:.0%} of the words, "
                f"{stats.turns} turns, longest {stats.longest_turn_seconds:.0f} s"
            )
        counts = analysis.question_counts
        write(f"Questions: {counts['open']} open, {counts['closed']} closed")
        write(
            f"Built on the other person's words in {len(analysis.built_on)} of {analysis.coach_turns} turns "
            f"({len(analysis.paraphrases)} paraphrases)"
        )
        for flag in analysis.flags:
            write(f"  [{flag.category}] {flag.text}\n    → {flag.reframe}")


def _json_dumps(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
