"""Bad GIFT input: random and mutated files raise only the importer's own errors, and an
import that fails writes nothing (every question or none).

The parser's own error is ``GiftParseError`` (``parse_gift``); the import service wraps every
problem in ``GiftImportError`` (``gift_plan``, ``gift_import``). Anything else escaping is a
crash a user would see as a 500 in the admin import view.
"""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from taggit.models import Tag
from wagtail.models import Revision

import quizzes
from quizzes import services
from quizzes.gift import GiftParseError, parse_gift
from quizzes.gift_import import GiftImportError, gift_import, gift_plan
from quizzes.models import Question, QuestionVersion, QuizQuestion
from tests.conformance import conformance_path
from tests.fuzzing import FUZZ, fuzz, mutated
from tests.quizzes.quiz_factories import make_question, make_quiz

FIXTURES = Path(quizzes.__file__).parent / "fixtures"
# The characters GIFT gives meaning to, so random edits land on the grammar, not just on text.
GIFT_SPECIALS = "{}=~#%:->\\[]\n/01.5TFtrue"


def read_corpus(root: Path) -> list[str]:
    texts = []
    for path in sorted(root.rglob("*")):
        if path.suffix in {".gift", ".txt"} and path.name not in {"LICENSE.txt", "EXPECTED.md"}:
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return texts


OWN_CORPUS = read_corpus(FIXTURES)


@pytest.fixture(scope="module")
def moodle_corpus() -> list[str]:
    """The third-party GIFT files in $CONFORMANCE_DIR/gift (skip locally, fail under CI)."""
    return read_corpus(conformance_path("gift"))


def parses_or_refuses(data) -> None:
    """``parse_gift`` either succeeds or raises GiftParseError, in both modes (skipping bad
    questions still refuses a whole file that isn't Unicode)."""
    for skip_invalid in (False, True):
        try:
            result = parse_gift(data, skip_invalid=skip_invalid)
        except GiftParseError as error:
            assert error.line >= 1 and error.message
        else:
            assert all(isinstance(e, GiftParseError) for e in result.skipped)


def plans_or_refuses(data) -> None:
    """``gift_plan`` (the preview: parse, map, validate) raises only GiftImportError."""
    try:
        plan = gift_plan(data)
    except GiftImportError as error:
        assert error.problems
        return
    plan.rows()


gift_text = st.text(alphabet=st.one_of(st.sampled_from(GIFT_SPECIALS), st.characters()))


@FUZZ
@given(gift_text)
def test_random_text_raises_only_the_parse_error(text):
    parses_or_refuses(text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_the_parse_error(data):
    parses_or_refuses(data)


@FUZZ
@given(mutated(OWN_CORPUS, GIFT_SPECIALS))
def test_mutated_project_fixtures_raise_only_the_importers_errors(text):
    parses_or_refuses(text)
    plans_or_refuses(text)


@FUZZ
@given(data=st.data())
def test_mutated_moodle_corpus_files_raise_only_the_importers_errors(moodle_corpus, data):
    text = data.draw(mutated(moodle_corpus, GIFT_SPECIALS))
    parses_or_refuses(text)
    plans_or_refuses(text)


# --- All or nothing in the database -------------------------------------------------------


def bank_state() -> tuple:
    return (
        Question.objects.count(),
        QuestionVersion.objects.count(),
        QuizQuestion.objects.count(),
        Tag.objects.count(),
        Revision.objects.count(),
        sorted(Question.objects.values_list("category", flat=True).distinct()),
    )


@pytest.fixture
def quiz(make_course):
    return make_quiz(make_course("Fuzzed course", lessons=0), [make_question("true_false")])


@pytest.mark.django_db
@fuzz(40)
@given(mutated(OWN_CORPUS, GIFT_SPECIALS))
def test_a_failed_import_of_a_mutated_file_changes_nothing(quiz, admin_user, text):
    before = bank_state()
    try:
        report = gift_import(data=text, quiz=quiz, actor=admin_user)
    except GiftImportError:
        assert bank_state() == before
    else:
        assert len(report.outcomes) == len(gift_plan(text).questions)


@pytest.mark.django_db
def test_a_crash_half_way_through_an_import_rolls_every_question_back(
    quiz, admin_user, monkeypatch
):
    real_create = services.question_create
    calls = []

    def create_then_fail(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "question_create", create_then_fail)
    before = bank_state()
    with pytest.raises(RuntimeError):
        gift_import(data=(FIXTURES / "ai-bias-quiz.gift").read_bytes(), quiz=quiz, actor=admin_user)
    assert len(calls) == 3
    assert bank_state() == before


# --- The admin import view and the command ------------------------------------------------


@pytest.mark.django_db
@fuzz(25)
@given(mutated(OWN_CORPUS, GIFT_SPECIALS))
def test_the_admin_import_view_previews_or_explains_a_mutated_file(quiz, admin_user, text):
    client = Client()
    client.force_login(admin_user)
    before = bank_state()
    response = client.post(
        reverse("quiz_admin:import", args=[quiz.pk]),
        {"file": SimpleUploadedFile("bank.gift", text.encode("utf-8", "surrogatepass"))},
    )
    assert response.status_code == 200
    assert bank_state() == before  # an upload only previews; confirming imports


@pytest.mark.django_db
@fuzz(25)
@given(mutated(OWN_CORPUS, GIFT_SPECIALS))
def test_the_import_command_succeeds_or_fails_with_its_own_error(quiz, tmp_path, text):
    path = tmp_path / "bank.gift"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    before = bank_state()
    try:
        call_command("import_gift", str(path), quiz=quiz.pk, stdout=io.StringIO())
    except CommandError as error:
        assert str(error).startswith("line ") or "UTF-8" in str(error)
        assert bank_state() == before
