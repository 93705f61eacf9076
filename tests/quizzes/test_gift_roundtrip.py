"""Import -> export -> import gives the same questions; random input never crashes the parser."""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quizzes
from quizzes.gift import GiftParseError, export_gift, parse_gift
from tests.conformance import conformance_path
from tests.quizzes.test_gift_conformance import EXPECTED, SAMPLE_FILES

QUIZ_BANK = Path(quizzes.__file__).parent / "fixtures" / "ai-bias-quiz.gift"

# Our own fixture: every feature the exporter has to carry, in one file.
ALL_FEATURES = r"""
// A made-up bank that exercises every part of the grammar.
$CATEGORY: $course$/top/Round trip/Basics

// [id:rt-1] [tag:colours] [tag:has\]bracket]
::Colours \: warm::[html]<p>Which colour is <em>warm</em>?</p>{
    =[plain]Orange#[markdown]**Yes**
    ~Blue#No \{cold\}
    ~%0%%25% grey
    ####[plain]Warm colours: red, orange, yellow.
}

::Multi::Pick the even numbers.{
    ~%50%2 ~%50%4 ~%-100%5#Odd\# ~%-33.33333%7
}

The {~cat =dog ~fish} barks.

::TF::Ice floats on water.{TRUE#It does float.#Right: ice is less dense.####Density!}

False statement.{F}

::Short::Name a noble gas.{
    =Neon#Good =%50%Radon#Radioactive =%0%*#Try again
}

::Number::Pi to two places?{#
    =3.14:0.005#Good
    =%50%3..3.3#Roughly
    ~#Look up pi
}

::Match::Match country and capital.{
    =France -> Paris
    =[html]<b>Japan</b> -> Tokyo
    = -> Berlin
    ####Capitals\: easy.
}

$CATEGORY: $course$/top/Round trip/Writing

// [id:essay-1]
::Essay::[markdown]Describe a *sunset*\nin two lines.{####Mention colour.}

::Intro::Welcome to part two \~ no answers here.
"""


def assert_round_trip(questions) -> str:
    exported = export_gift(questions)
    again = parse_gift(exported)
    assert again.skipped == []
    assert again.questions == questions
    # A second export is byte-for-byte the first one: the exporter's form is a fixed point.
    assert export_gift(again.questions) == exported
    return exported


def test_own_fixture_round_trips_with_every_feature():
    questions = parse_gift(ALL_FEATURES).questions
    assert [q.type for q in questions] == [
        "multichoice",
        "multichoice",
        "multichoice",
        "truefalse",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "description",
    ]
    assert questions[0].tags == ("colours", "has]bracket")
    assert questions[0].answers[2].text == "%25% grey"
    assert questions[-1].category == "$course$/top/Round trip/Writing"
    exported = assert_round_trip(questions)
    assert exported.count("$CATEGORY:") == 2
    assert "// [id:rt-1] [tag:colours] [tag:has\\]bracket]\n" in exported


@pytest.mark.parametrize("sample", [s for s in SAMPLE_FILES if "error_line" not in EXPECTED[s]])
def test_conformance_sample_round_trips(sample):
    questions = parse_gift(conformance_path("gift", sample).read_bytes()).questions
    assert_round_trip(questions)


def test_quiz_bank_parses_into_the_expected_questions():
    questions = parse_gift(QUIZ_BANK.read_bytes()).questions
    assert Counter(q.type for q in questions) == {
        "multichoice": 16,
        "matching": 8,
        "truefalse": 7,
        "description": 6,
        "numerical": 1,
        "essay": 1,
    }
    assert Counter(q.single for q in questions if q.type == "multichoice") == {True: 10, False: 6}
    lessons = list(dict.fromkeys(q.category.rsplit("/", 1)[1] for q in questions))
    assert [lesson[:2] for lesson in lessons] == ["L1", "L2", "L3", "L4", "L5", "L6"]
    assert len({q.idnumber for q in questions}) == 39
    assert all(q.idnumber.startswith("AIBM-L") and "aibm-101" in q.tags for q in questions)
    assert [q.idnumber for q in questions if q.type == "description"] == [
        f"AIBM-L{n}-INTRO" for n in range(1, 7)
    ]
    numerical = next(q for q in questions if q.type == "numerical")
    assert [(a.text, a.fraction, a.tolerance) for a in numerical.answers] == [
        ("85", 1.0, 0.5),
        ("*", 0.0, None),
    ]
    # Multiple-response questions give exactly 100% for all the right options together.
    for question in questions:
        if question.type == "multichoice" and not question.single:
            assert round(sum(a.fraction for a in question.answers if a.fraction > 0), 2) == 1


def test_quiz_bank_round_trips():
    assert_round_trip(parse_gift(QUIZ_BANK.read_bytes()).questions)


# --- Property tests -----------------------------------------------------------------------

# Pieces GIFT cares about, so random files reach deep into the grammar.
GIFT_PIECES = st.sampled_from(
    list("{}~=#:%->\\n \t[]/$.*0159aTFé<>")
    + ["\n", "\n\n", "\r\n", "::", "//", "####", "->", "..", "%50%", "%-100%", "%33.3%"]
    + ["[html]", "[markdown]", "TRUE", "FALSE", "$CATEGORY:", "[id:x]", "[tag:y]", "\\{"]
)
gift_like = st.lists(GIFT_PIECES, max_size=60).map("".join)
no_database = settings(database=None, deadline=None, max_examples=300)


@no_database
@given(st.text())
def test_random_text_raises_nothing_but_parse_errors(text):
    try:
        parse_gift(text)
    except GiftParseError:
        pass


@no_database
@given(st.binary())
def test_random_bytes_raise_nothing_but_parse_errors(data):
    try:
        parse_gift(data, skip_invalid=True)
    except GiftParseError as error:
        assert "UTF-8" in error.message


@no_database
@given(gift_like)
def test_whatever_parses_either_round_trips_or_is_refused_by_the_exporter(text):
    try:
        questions = parse_gift(text).questions
    except GiftParseError:
        return
    try:
        exported = export_gift(questions)
    except ValueError:
        return  # something GIFT cannot write back, e.g. '->' in a short answer
    assert parse_gift(exported).questions == questions
