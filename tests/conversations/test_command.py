"""``manage.py analyze_transcript``: the command-line contract."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conversations.samples import ZOOM_VTT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_transcript", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_json_output(tmp_path):
    path = tmp_path / "talk.vtt"
    path.write_text(ZOOM_VTT)
    result = run(str(path), "--coach", "cora", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["coach"] == "Cora Coach"
    assert data["speakers"][0] == {
        "name": "Cora Coach",
        "seconds": 15.0,
        "words": 32,
        "turns": 3,
        "share_time": 0.375,
        "share_words": round(32 / (32 + data["speakers"][1]["words"]), 4),
        "average_turn_seconds": 5.0,
        "longest_turn_seconds": 6.0,
    }
    assert data["questions"][0] == {
        "speaker": "Cora Coach",
        "start": 0.0,
        "text": "How did the discussion groups go this week?",
        "kind": "open",
    }
    assert data["paraphrases"][0]["start"] == 20.0
    assert {"speaker", "start", "text", "category", "reframe"} <= set(data["flags"][0])


def test_without_coach_the_questioner_is_the_coach(tmp_path):
    path = tmp_path / "talk.vtt"
    path.write_text(ZOOM_VTT)
    assert json.loads(run(str(path), "--json").stdout)["coach"] == "Cora Coach"


def test_bad_file_names_the_line_and_fails(tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCora: hi\n\nnonsense\n")
    result = run(str(path), "--json")
    assert result.returncode != 0
    assert "Line 6" in result.stderr
    assert result.stdout == ""


def test_missing_file_and_unknown_coach_fail(tmp_path):
    assert run(str(tmp_path / "nope.vtt")).returncode != 0
    path = tmp_path / "talk.vtt"
    path.write_text(ZOOM_VTT)
    result = run(str(path), "--coach", "Nobody")
    assert result.returncode != 0
    assert "Nobody" in result.stderr
