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


def test_json_keeps_its_keys_and_gains_one_entry_per_line(tmp_path):
    path = tmp_path / "talk.vtt"
    path.write_text(ZOOM_VTT)
    data = json.loads(run(str(path), "--json").stdout)
    assert {"coach", "timed", "coach_target_share", "speakers", "questions", "paraphrases", "flags"} <= set(
        data
    )
    lines = data["lines"]
    assert [(line["speaker"], line["start"]) for line in lines] == [
        ("Cora Coach", 0.0),
        ("Tess", 5.0),
        ("Cora Coach", 20.0),
        ("Tess", 26.0),
        ("Cora Coach", 36.0),
    ]
    for line in lines:
        assert {"speaker", "start", "text", "uptake", "paraphrase", "question", "flags"} <= set(line)
        assert 0 <= line["uptake"] <= 1
        assert line["question"] in {"open", "closed", None}
    assert lines[0]["question"] == "open"
    assert lines[1]["question"] is None
    assert lines[2]["paraphrase"] is True
    assert lines[2]["took_up"] == ["starters"]
    assert lines[0]["uptake"] == 0  # nothing was said before it
    assert lines[4]["flags"][0]["category"] == "prescriptive"
    assert data["building_on"] == {"coach_turns": 2, "turns_building_on": 1, "share": 0.5, "threshold": 0.48}


def test_captions_without_names_are_read_without_inventing_a_speaker(tmp_path):
    path = tmp_path / "captions.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nso how did the groups go\n\n"
        "00:00:04.000 --> 00:00:09.000\nThe plan has three parts: warm-up, groups, exit ticket.\n"
    )
    data = json.loads(run(str(path), "--json").stdout)
    assert [speaker["name"] for speaker in data["speakers"]] == ["Unknown speaker"]
    assert [line["question"] for line in data["lines"]] == ["open", None]


def test_the_summary_says_how_many_turns_built_on_the_other_persons_words(tmp_path):
    path = tmp_path / "talk.vtt"
    path.write_text(ZOOM_VTT)
    result = run(str(path), "--coach", "cora")
    assert "Built on the other person's words in 1 of 2 turns (1 paraphrases)" in result.stdout
    assert "[prescriptive] You should try them with fourth period too." in result.stdout


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
