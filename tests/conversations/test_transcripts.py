"""Reading transcripts in every format we promise, and refusing the rest clearly."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.conversations.transcripts import TranscriptError, parse
from tests.conversations.samples import ZOOM_VTT

TEAMS_VTT = """WEBVTT

3f1a-0
00:00:01.500 --> 00:00:04.000
<v Cora Coach>What would you like to focus on?</v>

3f1a-1
00:00:04.000 --> 00:00:09.250
<v Tess Teacher>Getting more students talking in small groups.</v>
"""

MEET_VTT = """WEBVTT
Kind: captions
Language: en

00:01.000 --> 00:03.000
Cora: Shall we start with a win?

00:03.000 --> 00:06.000
Tess: Sure. The gallery walk
went really well.
"""

SRT = """1
00:00:00,000 --> 00:00:02,500
Cora Coach: How are you feeling about the unit?

2
00:00:02,500 --> 00:00:07,000
Tess: Nervous, honestly.
"""

PLAIN_TIMED = """[00:00:00] Cora: What stood out today?
[00:00:06] Tess: The exit tickets.
They showed me who was lost.
(0:15) Cora: Tell me more.
"""

PLAIN_UNTIMED = """Cora: What stood out today?
Tess: The exit tickets showed me who was lost.
"""


def test_zoom_vtt():
    transcript = parse(ZOOM_VTT.encode())
    assert transcript.format == "vtt"
    assert transcript.speakers == ["Cora Coach", "Tess"]
    assert transcript.lines[1].start == 5.0
    assert transcript.lines[1].end == 20.0
    assert transcript.lines[0].text == "How did the discussion groups go this week?"


def test_teams_voice_tags():
    transcript = parse(TEAMS_VTT)
    assert [line.speaker for line in transcript.lines] == ["Cora Coach", "Tess Teacher"]
    assert transcript.lines[0].start == 1.5
    assert transcript.lines[1].text == "Getting more students talking in small groups."
    assert transcript.lines[1].end == 9.25


def test_meet_vtt_with_header_and_short_times_and_multiline_cues():
    transcript = parse(MEET_VTT)
    assert transcript.lines[1].text == "Sure. The gallery walk went really well."
    assert transcript.lines[1].start == 3.0


def test_srt_with_speaker_prefixes():
    transcript = parse(SRT.encode("utf-16"))
    assert transcript.format == "srt"
    assert transcript.lines[1].speaker == "Tess"
    assert transcript.lines[1].end == 7.0


def test_plain_text_with_times_and_continuation_lines():
    transcript = parse(PLAIN_TIMED)
    assert transcript.timed
    assert [line.speaker for line in transcript.lines] == ["Cora", "Tess", "Cora"]
    assert transcript.lines[1].text == "The exit tickets. They showed me who was lost."
    assert (transcript.lines[1].start, transcript.lines[1].end) == (6.0, 15.0)


def test_plain_text_without_times_gets_estimated_times():
    transcript = parse(PLAIN_UNTIMED)
    assert not transcript.timed
    # 4 words at 2.5 words a second, then 8 words.
    assert (transcript.lines[0].start, transcript.lines[0].end) == (0.0, 1.6)
    assert transcript.lines[1].start == 1.6
    assert transcript.lines[1].end == pytest.approx(4.8)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCora: hi\n\nnot a cue\nstill not\n", 6, "cue time"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nCora: hi\n", 3, "ends before it starts"),
        ("WEBVTT\n\n00:00:0x.000 --> 00:00:01.000\nCora: hi\n", 3, "cue time"),
        ("This is just a paragraph.\nCora: hello\n", 1, "Name: what they said"),
    ],
)
def test_malformed_files_name_the_line(text, line, words):
    with pytest.raises(TranscriptError) as raised:
        parse(text)
    assert raised.value.line_number == line
    assert str(raised.value).startswith(f"Line {line}:")
    assert words in str(raised.value)


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary", "WEBVTT\n\nNOTE nothing\n"])
def test_empty_or_binary_files_are_refused(data):
    with pytest.raises(TranscriptError):
        parse(data)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_read_or_refused_clearly(text):
    with contextlib.suppress(TranscriptError):
        parse(text)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_are_read_or_refused_clearly(data):
    with contextlib.suppress(TranscriptError):
        parse(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["00:00:01.000", "0:5.1", "99:59:59,999", "12:00.000", "x"]),
            st.sampled_from([" --> ", "-->", " -> "]),
            st.text(max_size=30),
        ),
        max_size=6,
    )
)
def test_cue_like_input_is_read_or_refused_clearly(cues):
    text = "WEBVTT\n\n" + "\n\n".join(f"{a}{arrow}{a}\n{body}" for a, arrow, body in cues)
    with contextlib.suppress(TranscriptError):
        parse(text)


UNNAMED_CAPTIONS = """WEBVTT

00:00:01.000 --> 00:00:04.000
ok so um let's look at where we are

00:00:04.000 --> 00:00:09.000
The plan has three parts: the data, the moves, and what we try next.

00:00:09.000 --> 00:00:12.000
and then we just pick one
"""


def test_a_sentence_before_a_colon_is_not_a_speaker():
    transcript = parse(UNNAMED_CAPTIONS)
    assert transcript.speakers == ["Unknown speaker"]
    assert transcript.lines[1].text.startswith("The plan has three parts: the data")


def test_no_later_cue_is_given_to_an_invented_speaker():
    captions = UNNAMED_CAPTIONS + "\n00:00:12.000 --> 00:00:14.000\nNote: we ran out of time\n"
    assert parse(captions).speakers == ["Unknown speaker"]


@pytest.mark.parametrize(
    "name",
    ["Maya Okafor", "Reyes, Daniel", "Speaker 2", "teacher", "student 3", "S1", "T", "María José de la Cruz"],
)
def test_names_and_roles_are_speakers(name):
    transcript = parse(f"{name}: so what happened next\nOther Person: we kept going\n")
    assert transcript.speakers == [name, "Other Person"]


def test_a_name_that_recurs_is_a_speaker_even_where_most_lines_have_none():
    text = (
        "Cora: what stood out to you\nthe exit tickets showed me a lot\nand the warm-up ran long\n"
        "more on that later\nCora: say more about the warm-up\n"
    )
    transcript = parse(text)
    assert transcript.speakers == ["Cora"]
    assert (
        transcript.lines[0].text == "what stood out to you the exit tickets showed me a lot and the warm-up "
        "ran long more on that later"
    )


@pytest.mark.parametrize(
    "prefix",
    ["The plan has three parts", "Here is the thing", "So what I did was", "Step one", "Note", "Okay so"],
)
def test_sentences_and_headings_continue_the_line_before(prefix):
    transcript = parse(f"Cora: we can start\nTess: sure\n{prefix}: we look at the data\nCora: okay\n")
    assert transcript.speakers == ["Cora", "Tess"]
    assert transcript.lines[1].text == f"sure {prefix}: we look at the data"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "Cora: ", "Tess Teacher: ", "speaker 2: "]),
            st.text(alphabet="abc XYZ:.,?'-", min_size=1, max_size=40),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_speaker_is_a_name_the_file_gives(rows):
    """Whatever the text holds (colons included), a speaker is a name some line starts with."""
    text = "\n".join(prefix + said for prefix, said in rows)
    with contextlib.suppress(TranscriptError):
        transcript = parse(text)
        named = {prefix[:-2] for prefix, _ in rows if prefix}
        for speaker in transcript.speakers:
            assert speaker in named or any(said.startswith(f"{speaker}:") for _, said in rows), speaker
