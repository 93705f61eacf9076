"""GIFT → Lineage questions: the mapping of every type, the import service and the command."""

from pathlib import Path

import pytest

import quizzes
from quizzes.gift import export_gift, parse_gift
from quizzes.gift_mapping import (
    SCENARIO_DISCLOSURE,
    GiftMappingError,
    clean_html,
    gift_from_question,
    note_from_gift,
    question_from_gift,
    split_scenario,
)

QUIZ_BANK = Path(quizzes.__file__).parent / "fixtures" / "ai-bias-quiz.gift"


def mapped(gift: str):
    (question,) = parse_gift(gift).questions
    return question_from_gift(question)


def round_tripped(data):
    (question,) = parse_gift(export_gift([gift_from_question(data)])).questions
    return question_from_gift(question)


# --- Mapping: one test per GIFT type ------------------------------------------------------


def test_single_answer_multichoice_is_single_choice():
    data = mapped(
        "// [id:q1] [tag:lesson-1]\n"
        "::Colours::What's between orange and green?{=yellow#right ~red#wrong ~blue}"
    )
    assert data.type_name == "single_choice"
    assert (data.title, data.idnumber, data.tags) == ("Colours", "q1", ("lesson-1",))
    assert data.definition == {
        "text": "<p>What&#x27;s between orange and green?</p>",
        "options": [
            {"text": "yellow", "correct": True, "feedback": "right"},
            {"text": "red", "correct": False, "feedback": "wrong"},
            {"text": "blue", "correct": False, "feedback": ""},
        ],
    }
    assert data.notes == ()
    assert round_tripped(data) == data


def test_single_choice_partial_credit_is_reported_not_kept():
    data = mapped("Pick one.{=right ~%50%half right ~wrong}")
    assert [o["correct"] for o in data.definition["options"]] == [True, False, False]
    assert "no partial credit" in data.notes[0] and "half right" in data.notes[0]


def test_weighted_multichoice_is_multiple_response_with_percent_weights():
    data = mapped("::Multi::Pick the even ones.{~%50%2#yes ~%50%4 ~%-100%5#odd}")
    assert data.type_name == "multiple_response"
    assert data.definition["options"] == [
        {"text": "2", "weight": 50.0, "feedback": "yes"},
        {"text": "4", "weight": 50.0, "feedback": ""},
        {"text": "5", "weight": -100.0, "feedback": "odd"},
    ]
    assert round_tripped(data) == data


def test_true_false_keeps_moodles_feedback_order():
    # {FALSE#A#B}: A is shown to whoever answers true (wrong), B to whoever answers false.
    data = mapped("::TF::42 is the answer.{FALSE#Not quite.#Right.####Douglas Adams.}")
    assert data.type_name == "true_false"
    assert data.definition == {
        "text": "<p>42 is the answer.</p>",
        "answer": False,
        "feedback_true": "Not quite.",
        "feedback_false": "Right.",
    }
    assert data.general_feedback == "<p>Douglas Adams.</p>"
    assert round_tripped(data) == data


def test_short_answer_weights_and_wildcard():
    data = mapped("Best animal?{=Frog#Good! =%50%Cat#Hm. =%0%*#No.}")
    assert data.type_name == "short_answer"
    assert data.definition["answers"] == [
        {"text": "Frog", "weight": 100.0, "feedback": "Good!"},
        {"text": "Cat", "weight": 50.0, "feedback": "Hm."},
        {"text": "*", "weight": 0.0, "feedback": "No."},
    ]
    assert round_tripped(data) == data


def test_negative_short_answer_weight_is_a_mapping_error():
    (question,) = parse_gift("\n\nBest animal?{=Frog =%-50%Cat}").questions
    with pytest.raises(GiftMappingError, match="line 3: expected short-answer weights"):
        question_from_gift(question)


def test_numerical_tolerance_range_and_catch_all():
    data = mapped("How many?{#=85:0.5#Yes =%50%80..90#Close ~#Divide first.####Count.}")
    assert data.type_name == "numerical"
    tolerance, band = data.definition["answers"]
    assert tolerance == {
        "kind": "tolerance",
        "value": 85.0,
        "tolerance": 0.5,
        "min": None,
        "max": None,
        "weight": 100.0,
        "feedback": "Yes",
    }
    assert (band["kind"], band["min"], band["max"], band["weight"]) == ("range", 80.0, 90.0, 50.0)
    # "any other number" can't be an accepted answer: its feedback joins the general feedback
    assert data.general_feedback == "<p>Count.</p><p>Divide first.</p>"
    assert "general feedback" in data.notes[0]
    assert round_tripped(data) == data


def test_numerical_wildcard_worth_marks_is_a_mapping_error():
    (question,) = parse_gift("How many?{#=%50%*:0 =3}").questions
    with pytest.raises(GiftMappingError, match="not “\\*”"):
        question_from_gift(question)


def test_essay_takes_its_rubric_from_the_general_feedback():
    data = mapped("::Reflect::Describe your gate.{####Names roles and a sign-off.}")
    assert data.type_name == "essay"
    assert data.definition == {
        "text": "<p>Describe your gate.</p>",
        "rubric": "<p>Names roles and a sign-off.</p>",
    }
    assert data.general_feedback == ""
    assert round_tripped(data) == data


def test_matching_keeps_pairs_and_turns_empty_items_into_distractors():
    data = mapped("Match.{=Cat -> Meow =Dog -> Woof = -> Quack}")
    assert data.type_name == "matching"
    assert data.definition == {
        "text": "<p>Match.</p>",
        "pairs": [{"prompt": "Cat", "answer": "Meow"}, {"prompt": "Dog", "answer": "Woof"}],
        "distractors": ["Quack"],
    }
    assert round_tripped(data) == data


def test_matching_to_positions_is_an_ordering_question():
    data = mapped(
        "::Order::Ordering\\: put these in order.{\n"
        "=Third step -> 3rd\n=First step -> 1st\n=Second step -> 2nd\n}"
    )
    assert data.type_name == "ordering"
    assert data.definition == {
        "text": "<p>Put these in order.</p>",
        "items": ["First step", "Second step", "Third step"],
    }
    assert round_tripped(data) == data


def test_plain_number_positions_are_ordering_too():
    data = mapped("Order.{=b -> 2 =a -> 1}")
    assert (data.type_name, data.definition["items"]) == ("ordering", ["a", "b"])


@pytest.mark.parametrize(
    "block",
    ["{=a -> 1st =b -> 1st}", "{=a -> 1st =b -> 3rd}", "{=a -> 1st =b -> 2nd = -> 3rd}"],
    ids=["repeated position", "gap", "distractor"],
)
def test_position_like_answers_that_are_not_an_order_stay_matching(block):
    assert mapped("Order." + block).type_name == "matching"


def test_spot_the_issue_is_a_scenario_with_a_described_artefact():
    data = mapped(
        "// [tag:lesson-2] [tag:spot-the-issue]\n"
        '::Lagos::Spot the issue. A storyboard shows a "pitch". Frame 9 reads "REVNUE". '
        "Which issues should the reviewer flag? Select all that apply.{"
        "~%50%Garbled text#Yes ~%50%Cast#Yes ~%-100%Nothing#No}"
    )
    assert data.type_name == "scenario"
    assert data.definition == {
        "artefact": {
            "kind": "text",
            "text": 'A storyboard shows a "pitch". Frame 9 reads "REVNUE".',
            "image": None,
            "alt_text": "",
            "disclosure": SCENARIO_DISCLOSURE,
        },
        "text": "<p>Which issues should the reviewer flag? Select all that apply.</p>",
        "multiple": True,
        "options": [
            {"text": "Garbled text", "weight": 50.0, "feedback": "Yes"},
            {"text": "Cast", "weight": 50.0, "feedback": "Yes"},
            {"text": "Nothing", "weight": -100.0, "feedback": "No"},
        ],
    }
    assert SCENARIO_DISCLOSURE == {
        "involvement": "none",
        "tool": "",
        "reviewer": "Lineage course team",
    }
    assert round_tripped(data) == data


def test_single_answer_spot_the_issue_keeps_multiple_false():
    data = mapped(
        "// [tag:spot-the-issue]\nSpot the issue. A singer's voice is cloned. What now?"
        "{=Stop and ask#Yes ~Go ahead#No}"
    )
    assert data.type_name == "scenario"
    assert data.definition["multiple"] is False
    assert [o["weight"] for o in data.definition["options"]] == [100.0, 0.0]
    assert round_tripped(data) == data


@pytest.mark.parametrize(
    "stem, artefact, question",
    [
        (
            'Spot the issue. Copy: "Block 100 % of rays. Summer got brighter!" '
            "Which parts must be checked? Select all that apply.",
            'Copy: "Block 100 % of rays. Summer got brighter!"',
            "Which parts must be checked? Select all that apply.",
        ),
        (
            "Spot the issue. One frame. Another frame. Flag it.",
            "One frame. Another frame.",
            "Flag it.",
        ),
        ("A lone sentence", "A lone sentence", "What should be flagged?"),
    ],
)
def test_split_scenario(stem, artefact, question):
    assert split_scenario(stem) == (artefact, question)


def test_descriptions_are_notes_not_questions():
    (item,) = parse_gift(
        "// [id:L1-INTRO] [tag:lesson-1]\n::Intro::Lesson 1 quiz\\: sources."
    ).questions
    with pytest.raises(GiftMappingError, match="got a description"):
        question_from_gift(item)
    note = note_from_gift(item)
    assert (note.title, note.idnumber, note.tags) == ("Intro", "L1-INTRO", ("lesson-1",))
    assert note.text == "<p>Lesson 1 quiz: sources.</p>"


def test_html_stems_are_cleaned_and_plain_text_escaped():
    data = mapped(
        "[html]<p onclick='x()'>Pick <em>one</em><script>alert(1)</script>"
        "<img src=//evil.example/x.png></p>{=a ~b}"
    )
    assert data.definition["text"] == "<p>Pick <em>one</em></p>"
    assert (
        mapped("[plain]1 < 2 & <b>{=a ~b}").definition["text"] == "<p>1 &lt; 2 &amp; &lt;b&gt;</p>"
    )
    assert clean_html('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"


def test_options_and_feedback_are_plain_text():
    data = mapped("Pick.{=<b>bold</b>#[html]<i>fine</i> ~[plain]<b>literal</b>}")
    assert [(o["text"], o["feedback"]) for o in data.definition["options"]] == [
        ("bold", "fine"),
        ("<b>literal</b>", ""),
    ]
    assert round_tripped(data) == data


def test_the_demo_bank_maps_and_round_trips():
    result = parse_gift(QUIZ_BANK.read_bytes())
    questions = [q for q in result.questions if q.type != "description"]
    data = [question_from_gift(q) for q in questions]
    counts = {}
    for item in data:
        counts[item.type_name] = counts.get(item.type_name, 0) + 1
    assert counts == {
        "single_choice": 9,
        "true_false": 7,
        "matching": 5,
        "scenario": 4,
        "multiple_response": 3,
        "ordering": 3,
        "numerical": 1,
        "essay": 1,
    }
    again = parse_gift(export_gift([gift_from_question(d) for d in data])).questions
    assert [question_from_gift(q) for q in again] == data


# --- The import service -------------------------------------------------------------------

GOOD = """
// [id:g1] [tag:lesson-1]
::One::Pick one.{=right#Yes ~wrong#No}

// [id:g2]
::Two::Ice floats.{T}

::Intro::Some text, not a question.

::Three::Order them.{=b -> 2nd =a -> 1st}
"""

BAD_SECOND = """
// [id:b1]
::Fine::Pick one.{=right ~wrong}

// [id:b2]
::Broken::Pick one.{=right ~wrong

// [id:b3]
::Also fine::Ice floats.{T}
"""


@pytest.fixture
def course(make_course, instructor):
    return make_course("Spotting bias", lessons=1, instructors=[instructor])


@pytest.fixture
def quiz(course):
    from tests.quizzes.quiz_factories import make_quiz

    return make_quiz(course, [], title="Lesson quiz")


def bank_state():
    from quizzes.models import Question, QuestionVersion

    return (
        sorted(
            (q.idnumber, q.title, q.type_name, str(q.current_definition()[1]))
            for q in Question.objects.all()
        ),
        QuestionVersion.objects.count(),
    )


def quiz_titles(quiz):
    return list(
        quiz.quiz_questions.order_by("sort_order").values_list("question__title", flat=True)
    )


@pytest.mark.django_db
def test_import_creates_questions_versions_and_attaches_in_file_order(quiz, instructor):
    from quizzes.gift_import import gift_import
    from quizzes.models import Question, QuestionVersion

    report = gift_import(
        data=GOOD.encode(), quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False
    )
    assert (report.count("created"), report.attached, report.published) == (3, 3, True)
    assert [n.title for n in report.notes] == ["Intro"]
    assert quiz_titles(quiz) == ["One", "Two", "Three"]
    one = Question.objects.get(idnumber="g1")
    assert one.type_name == "single_choice"
    assert list(one.skills.names()) == ["lesson-1"]
    assert Question.objects.get(title="Three").type_name == "ordering"
    assert QuestionVersion.objects.filter(number=1).count() == 3
    quiz.refresh_from_db()
    assert quiz.live and not quiz.has_unpublished_changes


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(quiz, instructor):
    from wagtail.models import Revision

    from quizzes.gift_import import gift_import

    gift_import(data=GOOD, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    before, revisions = bank_state(), Revision.objects.count()
    report = gift_import(data=GOOD, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    assert (report.count("unchanged"), report.count("created"), report.attached) == (3, 0, 0)
    assert bank_state() == before
    assert Revision.objects.count() == revisions
    assert quiz_titles(quiz) == ["One", "Two", "Three"]


@pytest.mark.django_db
def test_a_changed_question_is_updated_with_a_new_version(quiz, instructor):
    from quizzes.gift_import import gift_import
    from quizzes.models import Question

    gift_import(data=GOOD, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    changed = GOOD.replace("=right#Yes ~wrong#No", "=right#Yes! ~wrong#No ~other")
    report = gift_import(
        data=changed, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False
    )
    assert (report.count("updated"), report.count("unchanged"), report.attached) == (1, 2, 0)
    question = Question.objects.get(idnumber="g1")
    assert [v.number for v in question.versions.order_by("number")] == [1, 2]
    assert len(question.versions.get(number=2).definition["options"]) == 3
    assert Question.objects.count() == 3


@pytest.mark.django_db
def test_idnumbers_only_match_questions_of_the_target_quiz(course, quiz, instructor):
    from quizzes.gift_import import gift_import
    from quizzes.models import Question
    from tests.quizzes.quiz_factories import make_quiz

    other = make_quiz(course, [], title="Another quiz")
    gift_import(data=GOOD, quiz=other, actor=instructor, skip_invalid=False, dry_run=False)
    changed = GOOD.replace("Pick one.", "Pick exactly one.")
    report = gift_import(data=changed, quiz=quiz, actor=instructor)
    assert report.count("created") == 3
    # the other quiz's question is untouched
    first, second = Question.objects.filter(idnumber="g1").order_by("pk")
    assert first.current_definition()[1]["text"] == "<p>Pick one.</p>"
    assert second.current_definition()[1]["text"] == "<p>Pick exactly one.</p>"


@pytest.mark.django_db
def test_one_bad_question_imports_nothing(quiz, instructor):
    from quizzes.gift_import import GiftImportError, gift_import
    from quizzes.models import Question

    with pytest.raises(GiftImportError) as caught:
        gift_import(data=BAD_SECOND, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    assert str(caught.value).startswith("line 6: expected '}'")
    assert not Question.objects.exists()
    assert quiz_titles(quiz) == []


@pytest.mark.django_db
def test_a_definition_the_editor_would_refuse_imports_nothing(quiz, instructor):
    from quizzes.gift_import import GiftImportError, gift_import
    from quizzes.models import Question

    # Moodle accepts multiple-response weights that don't reach 100 %; Lineage's editor doesn't.
    data = GOOD + "\n::Short of full marks::Pick.{~%50%a ~%-50%b}\n"
    with pytest.raises(GiftImportError, match="line 12: The positive weights must add up"):
        gift_import(data=data, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_reports_the_skipped(quiz, instructor):
    from quizzes.gift_import import gift_import

    report = gift_import(
        data=BAD_SECOND, quiz=quiz, actor=instructor, skip_invalid=True, dry_run=False
    )
    assert [(p.line, p.message) for p in report.skipped] == [
        (6, "expected '}' to close the answer block")
    ]
    assert quiz_titles(quiz) == ["Fine", "Also fine"]


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_reports_what_would_happen(quiz, instructor):
    from wagtail.models import Revision

    from quizzes.gift_import import gift_import

    revisions = Revision.objects.count()
    report = gift_import(data=GOOD, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=True)
    assert (report.count("created"), report.attached) == (3, 3)
    assert bank_state() == ([], 0)
    assert Revision.objects.count() == revisions


@pytest.mark.django_db
def test_duplicate_idnumbers_in_one_file_are_a_problem(quiz, instructor):
    from quizzes.gift_import import gift_plan

    plan = gift_plan("// [id:x]\nA?{T}\n\n// [id:x]\nB?{F}\n")
    assert [str(p) for p in plan.problems] == [
        "line 5: expected a unique ID number, but “x” is also used on line 2"
    ]


@pytest.mark.django_db
def test_import_into_a_quiz_with_a_pending_draft_stays_a_draft(quiz, instructor):
    from quizzes.gift_import import gift_import

    draft = quiz.get_latest_revision_as_object()
    draft.title = "Lesson quiz (being edited)"
    draft.save_revision(user=instructor)
    report = gift_import(data=GOOD, quiz=quiz, actor=instructor, skip_invalid=False, dry_run=False)
    assert report.published is False
    quiz.refresh_from_db()
    assert quiz_titles(quiz) == []  # the live quiz is unchanged
    latest = quiz.get_latest_revision_as_object()
    assert latest.title == "Lesson quiz (being edited)"
    assert [s.question.title for s in latest.quiz_questions.all()] == ["One", "Two", "Three"]


@pytest.mark.django_db
def test_without_a_quiz_idnumbers_match_within_their_category(instructor):
    from quizzes.gift_import import gift_import
    from quizzes.models import Question

    data = "$CATEGORY: bank/a\n\n// [id:q]\nA?{T}\n"
    gift_import(data=data, quiz=None, actor=None, skip_invalid=False, dry_run=False)
    again = gift_import(data=data, quiz=None, actor=None, skip_invalid=False, dry_run=False)
    assert again.count("unchanged") == 1
    other = data.replace("bank/a", "bank/b")
    assert gift_import(data=other, quiz=None, actor=None).count("created") == 1
    assert Question.objects.count() == 2


@pytest.mark.django_db
def test_round_trip_import_export_import(course, instructor):
    from quizzes.gift_import import export_quiz_gift, gift_import, question_data
    from quizzes.models import Question
    from tests.quizzes.quiz_factories import make_quiz

    first, second = make_quiz(course, [], title="First"), make_quiz(course, [], title="Second")
    gift_import(data=QUIZ_BANK.read_bytes(), quiz=first, actor=instructor)
    exported = export_quiz_gift(quiz=first)
    assert exported.count("::AIBM-") == 33
    gift_import(data=exported, quiz=second, actor=instructor)

    def content(quiz):
        ids = quiz.quiz_questions.order_by("sort_order").values_list("question_id", flat=True)
        return [question_data(Question.objects.get(pk=pk)) for pk in ids]

    assert len(content(first)) == 33
    assert content(second) == content(first)
    # and exporting the copy gives the same file, question ids aside
    assert strip_ids(export_quiz_gift(quiz=second)) == strip_ids(exported)


def strip_ids(gift: str) -> str:
    import re

    return re.sub(r"// question: \d+", "// question: N", gift)


# --- The import_gift command --------------------------------------------------------------


def run_command(*args):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("import_gift", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def parser_json(path) -> list:
    return [q.to_json() for q in parse_gift(Path(path).read_bytes()).questions]


@pytest.mark.django_db
def test_dry_run_json_is_the_parsers_json_for_the_demo_bank():
    import json

    from quizzes.models import Question

    out, _ = run_command(str(QUIZ_BANK), "--dry-run", "--json")
    printed = json.loads(out)
    assert printed == parser_json(QUIZ_BANK)
    assert len(printed) == 39  # 33 questions and 6 lesson introductions
    assert not Question.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sample", ["moodle/examples.txt", "moodle/fixtures/questions_in_category.gift.txt"]
)
def test_dry_run_json_is_the_parsers_json_for_conformance_samples(sample):
    import json

    from tests.conformance import conformance_path

    path = conformance_path("gift", sample)
    out, _ = run_command(str(path), "--dry-run", "--json")
    assert json.loads(out) == parser_json(path)


@pytest.mark.django_db
def test_command_imports_into_a_quiz(quiz):
    out, err = run_command(str(QUIZ_BANK), "--quiz", str(quiz.pk))
    assert out.strip() == (
        "Imported 33 question(s): 33 new, 0 updated, 0 unchanged; 33 added to the quiz."
    )
    assert quiz.quiz_questions.count() == 33
    out, _ = run_command(str(QUIZ_BANK), "--quiz", str(quiz.pk))
    assert "0 new, 0 updated, 33 unchanged; 0 added" in out


@pytest.mark.django_db
def test_command_skip_invalid_reports_each_skipped_question(tmp_path):
    from quizzes.models import Question

    path = tmp_path / "bad.gift"
    path.write_text(BAD_SECOND + "\n::Worse::Pick.{~%50%a ~%-50%b}\n", encoding="utf-8")
    out, err = run_command(str(path), "--skip-invalid")
    assert err.splitlines() == [
        "Skipped line 6: expected '}' to close the answer block",
        "Skipped line 11: The positive weights must add up to 100 % so full marks are possible.",
    ]
    assert "2 new" in out and "2 skipped" in out
    assert Question.objects.count() == 2


@pytest.mark.django_db
def test_command_bad_file_raises_with_the_line_and_imports_nothing(tmp_path):
    from django.core.management import CommandError

    from quizzes.models import Question

    path = tmp_path / "bad.gift"
    path.write_text(BAD_SECOND, encoding="utf-8")
    with pytest.raises(CommandError, match="line 6: expected '}'") as caught:
        run_command(str(path))
    assert caught.value.returncode == 2
    assert not Question.objects.exists()


def run_process(*args):
    import os
    import subprocess
    import sys

    root = Path(quizzes.__file__).resolve().parents[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", "import_gift", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_file_exits_with_status_2_and_says_where(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text(BAD_SECOND, encoding="utf-8")
    result = run_process(str(path), "--dry-run", "--json")
    assert result.returncode == 2
    assert "line 6: expected '}' to close the answer block" in result.stderr
    assert result.stdout == ""


def test_non_utf8_file_exits_with_status_2():
    from tests.conformance import conformance_path

    path = conformance_path("gift", "moodle/fixtures/questions_encoding_windows-1252.gift.txt")
    result = run_process(str(path), "--dry-run", "--json")
    assert result.returncode == 2
    assert "line 15: expected UTF-8 text, found byte 0xF6" in result.stderr


def test_missing_file_exits_with_status_2(tmp_path):
    result = run_process(str(tmp_path / "nope.gift"), "--dry-run")
    assert result.returncode == 2
    assert "can't read" in result.stderr
