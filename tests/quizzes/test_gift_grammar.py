"""GIFT grammar, feature by feature, with our own small examples (no corpus needed)."""

import pickle

import pytest

from quizzes.gift import (
    GiftAnswer,
    GiftParseError,
    GiftQuestion,
    GiftSubquestion,
    export_gift,
    extract_idnumber_and_tags,
    parse_gift,
)


def only(gift: str) -> GiftQuestion:
    questions = parse_gift(gift).questions
    assert len(questions) == 1
    return questions[0]


def error_of(gift: str | bytes) -> GiftParseError:
    with pytest.raises(GiftParseError) as caught:
        parse_gift(gift)
    return caught.value


def triples(question: GiftQuestion) -> list[tuple]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


# --- Type inference from the answer block -------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "expected_type"),
    [
        ("Which planet is red?{=Mars ~Venus ~Jupiter}", "multichoice"),
        ("Sky colour?{TRUE}", "truefalse"),
        ("Sky colour?{T}", "truefalse"),
        ("Sky colour?{F}", "truefalse"),
        ("Sky colour?{FALSE#no}", "truefalse"),
        ("Capital of Peru?{=Lima}", "shortanswer"),
        ("Capital of Peru?{Lima}", "shortanswer"),  # no '=' needed for a single answer
        ("Sky colour?{t}", "shortanswer"),  # true/false keys are case-sensitive
        ("Square root of 81?{#9}", "numerical"),
        ("Pair them.{=cat -> meow =dog -> woof}", "matching"),
        ("Describe your day.{}", "essay"),
        ("Read the next three questions carefully.", "description"),
    ],
)
def test_answer_block_decides_the_type(gift, expected_type):
    assert only(gift).type == expected_type


def test_an_arrow_without_an_equals_sign_is_a_short_answer():
    question = only("Type the arrow.{a->b}")
    assert (question.type, question.answers[0].text) == ("shortanswer", "a->b")


def test_a_tilde_anywhere_makes_multiple_choice_even_with_arrows():
    question = only("Odd one out?{=a -> b ~c}")
    assert question.type == "multichoice"


# --- Multiple choice ----------------------------------------------------------------------


def test_single_answer_multiple_choice_uses_equals_for_the_right_answer():
    question = only("Largest ocean?{~Atlantic =Pacific ~Indian}")
    assert question.single is True
    assert triples(question) == [("Atlantic", 0.0, ""), ("Pacific", 1.0, ""), ("Indian", 0.0, "")]


def test_weighted_answers_without_equals_are_multiple_response():
    question = only("Primes?{~%50%2 ~%50%3 ~%-100%4}")
    assert question.single is False
    assert [a.fraction for a in question.answers] == [0.5, 0.5, -1.0]


def test_single_is_decided_by_an_equals_sign_not_by_the_weights():
    assert only("Pick.{~%100%a ~b}").single is False
    assert only("Pick.{=a ~%50%b ~c}").single is True


def test_weights_snap_to_moodles_grade_list():
    question = only("Three of them.{~%33.33333%a ~%33.3333%b ~%33.333333%c ~%-100%d}")
    assert [a.fraction for a in question.answers] == [0.3333333, 0.3333333, 0.3333333, -1.0]


def test_allowed_fractional_grades_are_accepted():
    question = only("Pick.{~%83.33333%a ~%16.66667%b ~%14.28571%c ~%5%d ~%-11.11111%e}")
    assert [a.fraction for a in question.answers] == [
        0.8333333,
        0.1666667,
        0.1428571,
        0.05,
        -0.1111111,
    ]


def test_an_equals_answer_is_full_marks_even_with_a_weight_after_it():
    # Moodle checks '=' before it looks for a weight, so the weight stays in the text.
    question = only("Pick.{=%50%a ~b}")
    assert triples(question)[0] == ("%50%a", 1.0, "")


def test_text_before_the_first_marker_is_a_wrong_answer():
    assert triples(only("Pick.{first ~second =third}")) == [
        ("first", 0.0, ""),
        ("second", 0.0, ""),
        ("third", 1.0, ""),
    ]


def test_per_answer_feedback_splits_at_the_first_hash():
    question = only("Pick.{=a#well done#again ~b # not quite }")
    assert triples(question) == [("a", 1.0, "well done#again"), ("b", 0.0, "not quite")]


def test_answers_may_span_lines_and_be_indented():
    question = only("Pick one:{\n    ~alpha#first\n    =beta\n    #second\n}")
    assert triples(question) == [("alpha", 0.0, "first"), ("beta", 1.0, "second")]


def test_multiple_choice_answers_without_text_are_dropped():
    question = only("Pick.{~a ~ =b ~#only feedback}")
    assert [a.text for a in question.answers] == ["a", "b"]


# --- Short answer -------------------------------------------------------------------------


def test_short_answers_default_to_full_marks_and_take_weights():
    question = only("Name a primary colour.{=red =%50%pink#close =%0%*#no}")
    assert triples(question) == [("red", 1.0, ""), ("pink", 0.5, "close"), ("*", 0.0, "no")]
    assert question.answers[0].format is None  # short answers carry no text format


def test_a_blank_short_answer_without_marks_or_feedback_is_skipped():
    assert triples(only("Name one.{=red =%0%}")) == [("red", 1.0, "")]


# --- True / false -------------------------------------------------------------------------


def test_true_false_first_feedback_is_for_the_wrong_choice():
    question = only("Water boils at 100 C at sea level.{TRUE#Check again.#Correct!}")
    assert triples(question) == [("true", 1.0, "Correct!"), ("false", 0.0, "Check again.")]


def test_false_key_swaps_which_answer_gets_which_feedback():
    question = only("The moon is a planet.{F#It is a satellite.#Right, it orbits Earth.}")
    assert triples(question) == [
        ("true", 0.0, "It is a satellite."),
        ("false", 1.0, "Right, it orbits Earth."),
    ]


def test_true_false_right_feedback_only():
    assert triples(only("Fish swim.{T##Yes.}")) == [("true", 1.0, "Yes."), ("false", 0.0, "")]


# --- Numerical ----------------------------------------------------------------------------


def test_numerical_exact_value():
    answer = only("How many legs has a spider?{#8}").answers[0]
    assert (answer.text, answer.fraction, answer.tolerance, answer.min) == ("8", 1.0, 0.0, None)


def test_numerical_value_with_tolerance():
    answer = only("Speed of sound in m/s?{#343:5}").answers[0]
    assert (answer.text, answer.tolerance) == ("343", 5.0)


def test_numerical_range_is_stored_as_midpoint_with_min_and_max():
    answer = only("A number between two and four?{#2..4}").answers[0]
    assert (answer.text, answer.min, answer.max, answer.tolerance) == ("3", 2.0, 4.0, None)
    answer = only("Between -1.5 and -0.5?{#-1.5..-0.5}").answers[0]
    assert (answer.text, answer.min, answer.max) == ("-1", -1.5, -0.5)


def test_numerical_weights_feedback_and_catch_all():
    question = only(
        "Year the Berlin Wall fell?{#\n=1989:0#Exactly\n=%50%1989:1#Close\n~#Look it up}"
    )
    assert [(a.text, a.fraction, a.feedback, a.tolerance) for a in question.answers] == [
        ("1989", 1.0, "Exactly", 0.0),
        ("1989", 0.5, "Close", 1.0),
        ("*", 0.0, "Look it up", None),
    ]


def test_numerical_accepts_signs_decimals_and_exponents():
    assert only("Charge?{#-1.6e-19:1e-20}").answers[0].tolerance == 1e-20
    assert only("Half?{#.5}").answers[0].text == ".5"


def test_escaped_colon_in_a_numerical_answer_still_separates_the_tolerance():
    assert only("Ten?{#10\\:2}").answers[0].tolerance == 2.0


# --- Matching -----------------------------------------------------------------------------


def test_matching_pairs_and_a_distractor():
    question = only("Match animal and sound.{\n=cat -> meow\n=dog->woof\n= -> moo\n}")
    assert question.answers == ()
    assert question.subquestions == (
        GiftSubquestion("cat", "meow"),
        GiftSubquestion("dog", "woof"),
        GiftSubquestion("", "moo"),
    )


def test_matching_item_formats_and_blank_pairs():
    question = only("[html]Match.{=[plain]a -> 1 =[html]b -> 2 = -> \n= ->}")
    assert question.subquestions == (GiftSubquestion("a", "1", "plain"), GiftSubquestion("b", "2"))


# --- Essay and description ----------------------------------------------------------------


def test_essay_with_only_general_feedback():
    question = only("Explain recursion.{####A function that calls itself.}")
    assert (question.type, question.general_feedback) == ("essay", "A function that calls itself.")


def test_description_has_no_answers_and_keeps_line_breaks():
    question = only("::Intro::Part one covers\nthe basics.")
    assert (question.type, question.name, question.text) == (
        "description",
        "Intro",
        "Part one covers\nthe basics.",
    )


# --- Missing word -------------------------------------------------------------------------


def test_text_after_the_block_makes_a_missing_word_question():
    question = only("Paris is the {=capital ~largest village} of France.")
    assert question.text == "Paris is the _____ of France."


def test_block_at_the_end_leaves_no_blank():
    assert only("Paris is the capital of {=France}").text == "Paris is the capital of"


def test_block_at_the_start():
    assert only("{=Nile} is the longest river.").text == "_____ is the longest river."


# --- Names --------------------------------------------------------------------------------


def test_title_between_double_colons():
    question = only("::Rivers 1:: Longest river?{=Nile}")
    assert (question.name, question.text) == ("Rivers 1", "Longest river?")


def test_without_a_title_the_name_is_the_text():
    assert only("Longest river?{=Nile}").name == "Longest river?"


def test_long_text_gives_a_shortened_name_at_a_word_boundary():
    text = "Which of these rivers flows through more countries than any other river on Earth today?"
    question = only(text + "{=Danube}")
    assert question.name == (
        "Which of these rivers flows through more countries than any other river on ..."
    )


def test_html_is_stripped_from_names():
    assert only("::<b>Bold</b> title::x{}").name == "Bold title"
    assert only("[html]<p>Pick <em>one</em></p>{=a ~b}").name == "Pick one"


def test_empty_text_and_title_fall_back_to_question_name():
    assert only("{=a ~b}").name == "Question name"
    assert only("::::Some text{}").name == "Some text"


def test_unclosed_title_marker_is_dropped_and_the_text_names_the_question():
    question = only(":: Untitled question{}")
    assert (question.name, question.text) == ("Untitled question", "Untitled question")


def test_escaped_colons_do_not_end_the_title():
    assert only("::Ratio 1\\:2::Simplify 2\\:4.{=1\\:2}").name == "Ratio 1:2"


# --- Comments, ids, tags, categories ------------------------------------------------------


def test_comment_lines_are_ignored_anywhere_in_a_question():
    question = only("// heading\nFirst line\n  // aside\nsecond line{=x}")
    assert question.text == "First line\n \nsecond line"  # Moodle leaves a blank-ish line
    assert question.line == 2


def test_double_slash_inside_a_line_is_text():
    assert only("See http://example.org{}").text == "See http://example.org"


def test_comment_only_blocks_make_no_question():
    assert parse_gift("// just a note\n// and another\n\n\n").questions == []


def test_idnumber_and_tags_come_from_the_questions_own_comments():
    gift = "// [id:Q-7] [tag:rivers]\n// [tag: europe ] [tag:Rivers]\n::Danube::Longest?{=Danube}"
    question = only(gift)
    assert question.idnumber == "Q-7"
    assert question.tags == ("rivers", "europe")  # trimmed, repeats (any case) dropped


def test_escaped_bracket_in_idnumber_and_tag():
    question = only("// [id:a\\]b] [tag:c\\]d] [tag:]\nx{}")
    assert (question.idnumber, question.tags) == ("a]b", ("c]d",))


def test_id_token_rules_follow_moodles_regex():
    assert extract_idnumber_and_tags("// [id:[id:x] [id:y]") == ("[id:x", ())
    assert extract_idnumber_and_tags("// [id:] [id: z ]") == ("z", ())
    # No closing bracket: Moodle's regex backtracks and ends at the escaped one.
    assert extract_idnumber_and_tags("// [id:a\\] b\n") == ("a\\", ())
    assert extract_idnumber_and_tags("// [tag:<x>] [tag:ok]") == ("", ("ok",))


def test_comments_of_one_question_do_not_leak_into_the_next():
    questions = parse_gift("// [id:one]\nFirst{}\n\nSecond{}").questions
    assert [q.idnumber for q in questions] == ["one", ""]


def test_category_applies_to_following_questions_until_changed():
    gift = "A{}\n\n$CATEGORY: $course$/Maths\n\nB{}\n\nC{}\n\n$CATEGORY:   Science  \n\nD{}"
    assert [(q.text, q.category) for q in parse_gift(gift).questions] == [
        ("A", ""),
        ("B", "$course$/Maths"),
        ("C", "$course$/Maths"),
        ("D", "Science"),
    ]


def test_category_line_followed_directly_by_a_question():
    questions = parse_gift("$CATEGORY: Geography\n// [id:g1]\nLongest river?{=Nile}").questions
    assert [(q.category, q.idnumber, q.line) for q in questions] == [("Geography", "g1", 3)]


# --- Escapes and formats ------------------------------------------------------------------


def test_backslash_escapes():
    question = only("Escapes \\~ \\= \\# \\{ \\} \\: \\\\ and\\nnew line{}")
    assert question.text == "Escapes ~ = # { } : \\ and\nnew line"


def test_unknown_escapes_keep_the_backslash():
    assert only("Path C\\temp\\x{}").text == "Path C\\temp\\x"


def test_escaped_backslash_before_a_brace_leaves_the_brace_active():
    question = only("A backslash \\\\{=yes}")
    assert (question.type, question.text) == ("shortanswer", "A backslash \\")


def test_format_prefixes_on_text_answers_feedback_and_general_feedback():
    question = only("[markdown]**Pick**{=[html]<b>a</b>#[plain]yes ~b#no ####[html]<i>gf</i>}")
    assert (question.format, question.text) == ("markdown", "**Pick**")
    first, second = question.answers
    assert (first.text, first.format, first.feedback, first.feedback_format) == (
        "<b>a</b>",
        "html",
        "yes",
        "plain",
    )
    assert (second.format, second.feedback_format) == (None, None)  # inherit markdown
    assert (question.general_feedback, question.general_feedback_format) == ("<i>gf</i>", "html")


@pytest.mark.parametrize("prefix", ["[HTML]", "[rich]", "[html"])
def test_unknown_or_malformed_format_prefix_stays_in_the_text(prefix):
    question = only(prefix + "Hello{}")
    assert (question.format, question.text) == ("moodle", prefix + "Hello")


def test_last_four_hashes_start_the_general_feedback():
    question = only("Q{=a#x####not gf####the gf}")
    assert question.general_feedback == "the gf"
    assert triples(question) == [("a", 1.0, "x####not gf")]


def test_continuation_lines_keep_indentation_and_trailing_spaces():
    assert only("[markdown]Line one  \n    indented{}").text == "Line one  \n    indented"


# --- Line numbers, errors, skip_invalid ----------------------------------------------------


def test_question_line_is_its_first_non_comment_line():
    gift = "\n\n// note\n::A::a{}\n\n\nB{\n=b\n}\n"
    assert [q.line for q in parse_gift(gift).questions] == [4, 7]


@pytest.mark.parametrize(
    ("gift", "line", "message"),
    [
        ("Ok{}\n\nNo end {=a\n=b", 3, "expected '}' to close the answer block"),
        ("Ok{}\n\nNo start\n=a}", 4, "expected '{' to open the answer block before '}'"),
        ("Backwards } then {", 1, "expected '{' to open the answer block before '}'"),
        ("One option\n{~only}", 2, "expected at least 2 answers"),
        ("Blank options{~a ~ ~#fb}", 1, "expected at least 2 answers"),
        ("Q{\n~%50%a\n~%33.3%b\n}", 3, "expected a weight from Moodle's list of grades"),
        ("Q{\n=%120%a\n}", 2, "got %120%"),
        ("Q{~%--50%a ~b}", 1, "expected a weight like %50% or %-50%, got %--50%"),
        ("Q{=%50%half\n=%0%none}", 1, "expected at least one short answer worth 100%"),
        ("Q{=a\n=%50%}", 2, "expected answer text after '='"),
        ("Q{=%0%}", 1, "expected at least one answer"),
        ("Q{#}", 1, "expected at least one number after '{#'"),
        ("Q{#\n=abc}", 2, "expected a number, got 'abc'"),
        ("Q{#5:wide}", 1, "expected a number as the tolerance after ':', got 'wide'"),
        ("Q{#low..5}", 1, "expected a range of numbers like 1..5, got 'low..5'"),
        ("Q{#1e999}", 1, "expected a number, got '1e999'"),
        ("Q{#5:inf}", 1, "expected a number as the tolerance after ':', got 'inf'"),
        ("Q{\n=a -> 1\n=b\n}", 3, "expected '->' between an item and its match"),
        ("Q{=a -> 1}", 1, "expected at least 2 pairs"),
        ("Q{=a -> 1 =b -> \n=c -> 3}", 1, "expected a match after '->'"),
        ("Q{=a -> 1 = -> }", 1, "expected at least 2 pairs"),
    ],
)
def test_errors_name_the_line_and_what_was_expected(gift, line, message):
    error = error_of(gift)
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"line {line}: expected ")


def test_parse_error_is_a_picklable_value_error():
    error = error_of("Q{=a")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line, copy.message, str(copy)) == (error.line, error.message, str(error))


def test_first_bad_question_stops_the_whole_import():
    with pytest.raises(GiftParseError) as caught:
        parse_gift("Good{=a}\n\nBad{=a\n\nAlso bad{~x}\n\nGood too{}")
    assert caught.value.line == 3


def test_skip_invalid_collects_errors_and_keeps_the_rest():
    result = parse_gift("Good{=a}\n\nBad{=a\n\nAlso bad{~x}\n\nGood too{}", skip_invalid=True)
    assert [q.text for q in result.questions] == ["Good", "Good too"]
    assert [(e.line, e.message.split(" (")[0]) for e in result.skipped] == [
        (3, "expected '}' to close the answer block"),
        (5, "expected at least 2 answers"),
    ]


def test_skip_invalid_still_tracks_categories():
    result = parse_gift("$CATEGORY: X\n\nBad{\n\nGood{}", skip_invalid=True)
    assert [(q.category, q.text) for q in result.questions] == [("X", "Good")]
    assert len(result.skipped) == 1


# --- Encodings and line endings -----------------------------------------------------------


def test_utf8_bytes_with_and_without_bom():
    plain = "Größe?{=groß}".encode()
    assert parse_gift(plain).questions == parse_gift(b"\xef\xbb\xbf" + plain).questions
    assert only("\ufeffGröße?{=groß}").text == "Größe?"


def test_non_utf8_bytes_are_rejected_with_the_line():
    data = b"First{}\n\nZweite Frage?{=sch\xf6n}"
    for skip in (False, True):
        with pytest.raises(GiftParseError) as caught:
            parse_gift(data, skip_invalid=skip)
        assert caught.value.line == 3
        assert "expected UTF-8 text, found byte 0xF6" in caught.value.message


def test_lone_surrogates_in_text_are_rejected():
    assert error_of("ok\n\nbad \ud800{}").line == 3


def test_crlf_and_old_mac_line_endings():
    for newline in ("\r\n", "\r"):
        gift = newline.join(["// c", "Q one{=a}", "", "Q{", "~x", "=y", "}"])
        questions = parse_gift(gift).questions
        assert [(q.text, q.line) for q in questions] == [("Q one", 2), ("Q", 4)]
        assert triples(questions[1]) == [("x", 0.0, ""), ("y", 1.0, "")]


def test_rejects_other_input_types():
    with pytest.raises(TypeError):
        parse_gift(123)


# --- JSON shape ---------------------------------------------------------------------------


def test_to_json_for_multiple_choice():
    question = only("// [id:c1] [tag:t]\n::Colour::Sky?{=blue#yes ~red}")
    assert question.to_json() == {
        "type": "multichoice",
        "name": "Colour",
        "text": "Sky?",
        "format": "moodle",
        "category": "",
        "idnumber": "c1",
        "tags": ["t"],
        "general_feedback": "",
        "answers": [
            {"text": "blue", "fraction": 1.0, "feedback": "yes"},
            {"text": "red", "fraction": 0.0, "feedback": ""},
        ],
        "single": True,
    }


def test_to_json_for_numerical_true_false_and_matching():
    numerical = only("N{#5:1 =%50%1..3 ~#no}").to_json()
    assert numerical["answers"] == [
        {"text": "5", "fraction": 1.0, "feedback": "", "tolerance": 1.0},
        {"text": "2", "fraction": 0.5, "feedback": "", "min": 1.0, "max": 3.0},
        {"text": "*", "fraction": 0.0, "feedback": "no", "tolerance": None},
    ]
    assert "single" not in numerical and "subquestions" not in numerical
    assert only("T{F#a#b}").to_json()["answers"] == [
        {"text": "true", "fraction": 0.0, "feedback": "a"},
        {"text": "false", "fraction": 1.0, "feedback": "b"},
    ]
    matching = only("M{=a -> 1 =b -> 2 = -> 3}").to_json()
    assert matching["answers"] == []
    assert matching["subquestions"] == [
        {"text": "a", "answer": "1"},
        {"text": "b", "answer": "2"},
        {"text": "", "answer": "3"},
    ]


# --- Export -------------------------------------------------------------------------------


def question(**fields) -> GiftQuestion:
    base = {
        "type": "essay",
        "name": "N",
        "text": "T",
        "format": "moodle",
        "category": "",
        "idnumber": "",
        "tags": (),
        "general_feedback": "",
        "answers": (),
    }
    return GiftQuestion(**{**base, **fields})


def test_export_escapes_control_characters_and_line_breaks():
    out = export_gift([question(name="a::b", text="x{y}~z=#w\\v\nnext\r")])
    assert "\n::a\\:\\:b::x\\{y\\}\\~z\\=\\#w\\\\v\\nnext{}\n" in out
    assert (only(out).name, only(out).text) == ("a::b", "x{y}~z=#w\\v\nnext")


def test_export_writes_category_switches_only_when_the_category_changes():
    questions = [question(category="A"), question(category="A"), question(category="B")]
    out = export_gift(questions)
    assert out.count("$CATEGORY: ") == 2
    assert "// question: 0  name: Switch category to A\n$CATEGORY: A\n" in out
    assert [q.category for q in parse_gift(out).questions] == ["A", "A", "B"]


def test_export_writes_idnumber_and_tag_comment_line():
    out = export_gift([question(idnumber="x]1", tags=("one", "t]wo"))], question_ids=[5])
    assert out.startswith("// question: 5  name: N\n// [id:x\\]1] [tag:one] [tag:t\\]wo]\n::N::T{}")
    parsed = only(out)
    assert (parsed.idnumber, parsed.tags) == ("x]1", ("one", "t]wo"))


def test_export_keeps_a_name_from_posing_as_an_idnumber():
    parsed = only(export_gift([question(name="About [id:fake] syntax")]))
    assert (parsed.name, parsed.idnumber) == ("About [id:fake] syntax", "")


def test_export_forces_a_prefix_when_text_looks_like_one():
    original = question(text="[html] is a tag name", format="moodle")
    assert only(export_gift([original])) == original


def test_export_multiple_choice_with_weights_and_awkward_text():
    original = question(
        type="multichoice",
        single=False,
        answers=(
            GiftAnswer("%50% off", 0.0),
            GiftAnswer("a", 1.0),
            GiftAnswer("b", -0.1428571),
        ),
    )
    out = export_gift([original])
    assert "\t~%0%%50% off\n\t~%100%a\n\t~%-14.28571%b\n" in out
    assert only(out) == original


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (question(type="poll"), "cannot export a question of type"),
        (question(format="rtf"), "unknown text format"),
        (question(category="a\nb"), "line breaks"),
        (question(tags=("a<b",)), "cannot carry the tag"),
        (question(idnumber="ends\\"), "cannot carry the id"),
        (
            question(type="shortanswer", answers=(GiftAnswer("x->y", 1.0),)),
            "'->' in a short answer",
        ),
        (
            question(type="matching", subquestions=(GiftSubquestion("a->b", "c"),)),
            "'->' in the item",
        ),
        (
            question(type="multichoice", single=True, answers=(GiftAnswer("a", 0.5),) * 2),
            "needs an answer worth 100%",
        ),
        (question(type="truefalse", answers=(GiftAnswer("yes", 1.0),)), "exactly the answers"),
        (question(type="numerical", answers=(GiftAnswer("ten", 1.0),)), "must be a number"),
        (question(type="shortanswer", answers=(GiftAnswer("x", 0.42),)), "not one of Moodle's"),
    ],
)
def test_export_refuses_what_gift_cannot_carry(bad, message):
    with pytest.raises(ValueError, match=message):
        export_gift([bad])
