"""The listening analytics: exact talk share, uptake and paraphrases, question kinds, flags,
and their figures on our development set (bench/data/listening_dev.txt)."""

from __future__ import annotations

import random

import pytest

from bench import listening_eval
from rapport.conversations import listening, phrasing, questions, uptake
from rapport.conversations.transcripts import Line, Transcript, count_words, parse
from tests.conversations.samples import ZOOM_VTT


@pytest.fixture(scope="module")
def dev_figures():
    return listening_eval.figures(listening_eval.run(listening_eval.load()))


def test_the_development_set_is_large_and_varied():
    exchanges = listening_eval.load()
    assert len(exchanges) >= 300
    assert {exchange.style for exchange in exchanges} == {"zoom", "captions", "disfluent"}
    for key, values in {
        "uptake": {"0", "1", "2"},
        "paraphrase": {"yes", "no"},
        "question": {"open", "closed", "none"},
        "flag": {"judgmental", "prescriptive", "evaluative", "none"},
    }.items():
        assert {exchange.labels[key] for exchange in exchanges} == values, key


def test_figures_on_the_development_set_hold_their_floor(dev_figures):
    """Floors under the figures in docs/conversations.md: a change that makes one worse fails."""
    assert dev_figures["uptake_rho"]["all"] >= 0.5
    assert dev_figures["paraphrase_cv"]["f1"] >= 0.8
    assert dev_figures["open_closed_accuracy"] >= 0.9
    assert dev_figures["question_found"][2] >= 0.9
    assert dev_figures["flag_found"][0] >= 0.9
    assert dev_figures["flag_found"][1] >= 0.8


def test_the_shipped_threshold_is_the_calibrated_one(dev_figures):
    assert dev_figures["calibrated_threshold"] == uptake.PARAPHRASE_THRESHOLD


# --- Talk share (exact, unchanged) ----------------------------------------------------


def test_talk_share_on_the_sample_is_exact():
    analysis = listening.analyze(parse(ZOOM_VTT), "Cora Coach")
    coach, teacher = analysis.speakers
    assert (coach.name, coach.seconds, teacher.seconds) == ("Cora Coach", 15.0, 25.0)
    assert coach.share_time == 0.375
    assert coach.turns == 3
    assert teacher.turns == 2
    assert teacher.longest_turn_seconds == 15.0
    assert teacher.average_turn_seconds == 12.5


def test_talk_share_on_random_constructed_transcripts_matches_an_independent_count():
    rng = random.Random(7)
    for _ in range(50):
        lines, clock = [], 0.0
        for _ in range(rng.randint(1, 40)):
            duration = rng.randint(1, 90)
            words = rng.randint(1, 30)
            lines.append(Line(clock, clock + duration, rng.choice("ABC"), " ".join(["word"] * words)))
            clock += duration + rng.choice([0, 0, 2])
        analysis = listening.analyze(Transcript(lines=lines, timed=True, format="vtt"), "A")
        total_seconds = sum(line.end - line.start for line in lines)
        total_words = sum(count_words(line.text) for line in lines)
        for stats in analysis.speakers:
            mine = [line for line in lines if line.speaker == stats.name]
            seconds = sum(line.end - line.start for line in mine)
            assert stats.seconds == seconds
            assert stats.words == sum(count_words(line.text) for line in mine)
            assert stats.share_time == round(seconds / total_seconds, 4)
            assert stats.share_words == round(stats.words / total_words, 4)
            starts = [i for i, line in enumerate(lines) if i == 0 or lines[i - 1].speaker != line.speaker]
            assert stats.turns == sum(1 for i in starts if lines[i].speaker == stats.name)


def test_findings_for_the_coach_only_with_their_moment():
    analysis = listening.analyze(parse(ZOOM_VTT))
    assert analysis.coach == "Cora Coach"  # the speaker who asks the most questions
    assert [(q.start, q.kind) for q in analysis.questions] == [(0.0, "open"), (20.0, "closed")]
    assert [(p.start, p.line, p.words) for p in analysis.paraphrases] == [(20.0, 2, ("starters",))]
    (flag,) = analysis.flags
    assert (flag.start, flag.category) == (36.0, "prescriptive")
    assert "tried them with fourth period" in flag.reframe


def test_coach_named_by_first_name_any_case():
    assert listening.resolve_coach(parse(ZOOM_VTT), "cora") == "Cora Coach"
    assert listening.matches_person("TESS", "Tess Teacher")
    assert not listening.matches_person("Tessa", "Tess Teacher")


# --- Uptake and paraphrases ----------------------------------------------------------

TEACHER = (
    "yeah so i tried the the turn and talk thing and um the back row actually did it which like never happens"
)


@pytest.mark.parametrize(
    ("reply", "paraphrase"),
    [
        ("the back row did it", True),
        ("So you tried turn and talk, and the back row actually joined in.", True),
        ("It sounds like something clicked for them.", True),  # new words, a reflecting opener
        ("You're surprised it worked this time.", True),
        ("Turn and talk?", True),  # an echo
        ("what was different for the back row this time", False),  # a follow-up, not a restatement
        ("You should try it with the front row too.", False),  # advice that reuses their words
        ("nice", False),
        ("Okay. Did you get the email about Thursday?", False),
    ],
)
def test_paraphrases_hand_meaning_back(reply, paraphrase):
    assert uptake.score(reply, TEACHER).paraphrase is paraphrase


def test_uptake_is_graded_from_moving_on_to_building_on():
    moving_on = uptake.score("Okay. Did you get the email about Thursday?", TEACHER).score
    acknowledging = uptake.score("nice", TEACHER).score
    following_up = uptake.score("what was different for the back row this time", TEACHER).score
    restating = uptake.score("so the back row actually did the turn and talk", TEACHER).score
    assert 0 <= moving_on < acknowledging < following_up <= 1
    assert acknowledging < restating <= 1


def test_words_are_matched_after_lemmatising():
    taken = uptake.score("So the kids tried it and felt braver.", "My kid tries everything but feels shy.")
    assert set(taken.words) == {"kids", "tried", "felt"}


def test_a_transcribers_notes_and_placeholders_are_not_shared_words():
    student = "[Student] said I think it's [inaudible] because the (laughs) tens go first"
    assert uptake.score("[Student], [inaudible]? (laughs)", student).words == ()
    assert "tens" in uptake.score("So the tens go first.", student).words


def test_a_report_about_someone_else_is_not_a_paraphrase():
    said = "The principal told us the walkthroughs are just to see trends."
    assert not uptake.score("That is not what I heard from her at the leadership meeting.", said).paraphrase


def test_the_other_persons_turn_reaches_back_past_a_backchannel():
    lines = [
        Line(0, 5, "Tess", "The quiet students spoke more once they had sentence starters."),
        Line(5, 6, "Cora", "mm-hmm"),
        Line(6, 8, "Tess", "yeah"),
        Line(8, 12, "Cora", "So the sentence starters got the quiet students talking."),
    ]
    taken = uptake.of_lines(lines)[-1]
    assert taken.paraphrase
    assert taken.source == 2
    assert {"sentence", "starters", "quiet", "students"} <= set(taken.words)


def test_words_the_listener_brought_up_count_less():
    fresh = uptake.score("The groups were loud.", "The groups were loud today.")
    repeated = uptake.score(
        "The groups were loud.", "The groups were loud today.", own_recent="How were the groups?"
    )
    assert repeated.score < fresh.score


def test_built_on_counts_the_coachs_turns_that_build_on_the_others_words():
    transcript = parse(
        "Cora: How did the discussion groups go?\n"
        "Tess: The quiet students spoke more once they had sentence starters.\n"
        "Cora: mm-hmm\n"
        "Tess: Even the back table.\n"
        "Cora: So even the back table used the sentence starters.\n"
        "Tess: Yes.\n"
        "Cora: Okay, next thing on my list is the field trip.\n"
    )
    analysis = listening.analyze(transcript, "Cora")
    assert analysis.coach_turns == 2  # the first has nothing before it; "mm-hmm" is no turn to count
    assert [finding.line for finding in analysis.built_on] == [4]
    assert set(analysis.built_on[0].words) == {"table", "sentence", "starters"}  # "back" is an everyday word


# --- Questions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("What do you notice?", "open"),
        ("so how did it go", "open"),
        ("Why?", "open"),
        ("How?", "open"),
        ("Calmer how?", "open"),
        ("What?", "closed"),
        ("Maria, why do you think that happened?", "open"),
        ("When you paused, what did you notice?", "open"),
        ("If you tried it again, would you change anything?", "closed"),
        ("pia how were they asked to explain", "open"),
        ("Tell me about third period.", "open"),
        ("Could you say more about that?", "open"),
        ("I'm curious how the back table got started.", "open"),
        ("I wonder if it'll loosen up with practice?", "closed"),
        ("How many students finished?", "closed"),
        ("You tried it twice, right?", "closed"),
        ("Did it work?", "closed"),
        ("The lesson ended early.", None),
        ("What I'm hearing is that Mondays are squeezed.", None),
        ("what made it feel like real life", "open"),
        ("who decides the coverage", "closed"),
        ("and how many picked the right one", "closed"),
        ("do your homework", None),
        ("Have them switch every page.", None),
        ("When they intercept the same arc, then they have the same-", None),
        ("So what kind of teacher do you want to be-", None),
        ("So do I.", None),
    ],
)
def test_question_kinds(sentence, kind):
    assert questions.kind_of_sentence(sentence) == kind


def test_a_caption_line_finds_the_question_where_it_starts():
    assert questions.questions_in("yeah that makes sense what did you try next") == (
        ("what did you try next", "open"),
    )
    assert questions.questions_in("ok let's come back to that um i wanted to ask about the data") == ()


def test_a_line_with_open_and_closed_questions_is_open():
    assert questions.kind_of_line("Did it work? What did you notice?") == "open"
    assert questions.kind_of_line("Did it work? Was it the timer?") == "closed"
    assert questions.kind_of_line("It worked.") is None


# --- Phrasing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "What number do you always graph first?",
        "What do you always do first when they come in?",
        "Only in multiplication do you need to count your places.",
        "With annotation you only need to mark what surprises you.",
        "Tell me more about the warm-up.",
        "That's good to hear.",
        "Do you need to submit the plan by Friday?",
    ],
)
def test_content_questions_and_explanations_are_not_flagged(sentence):
    assert phrasing.flag_sentence(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "category", "built_from"),
    [
        ("You should give each group a timer and a job card.", "prescriptive", "gave each group a timer"),
        ("Set a timer for five minutes before the bell.", "prescriptive", "set a timer for five minutes"),
        (
            "Why don't you try the cards with Maria's group?",
            "prescriptive",
            "tried the cards with Maria's group",
        ),
        ("so you have to stick to the script", "prescriptive", "stuck to the script"),
        ("Make sure your objective is posted.", "prescriptive", "make sure your objective is posted"),
        ("Why didn't you call on Marcus?", "judgmental", "calling on Marcus"),
        ("You never check for understanding.", "judgmental", "checked for understanding"),
        ("You always rush the ending.", "judgmental", "didn't rush the ending"),
        ("Well, you shouldn't have cold called her.", "judgmental", "cold calling her"),
        ("Good job on the exit tickets!", "evaluative", "the exit tickets"),
        ("I loved how you paused before calling on anyone.", "evaluative", "when you paused before calling"),
    ],
)
def test_flags_read_the_sentence_and_reframe_it(sentence, category, built_from):
    flag = phrasing.flag_sentence(sentence)
    assert flag is not None
    assert flag.category == category
    assert built_from in flag.reframe


def test_each_flagged_sentence_of_a_line_is_its_own_flag():
    flags = phrasing.flags_in("Great job. You should try it with fourth period.")
    assert [flag.category for flag in flags] == ["evaluative", "prescriptive"]
    assert flags[1].sentence == "You should try it with fourth period."
