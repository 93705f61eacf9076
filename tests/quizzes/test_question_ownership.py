"""Each question belongs to one course's bank (issue 12, finding 1).

The attack: an instructor who teaches only course B chose course A's question in the chooser,
put it in a quiz of B, exported it with its answers, and rewrote its answer key by importing a
GIFT file, so A's learners were graded against the tampered key. Now an instructor chooses,
lists, exports and changes only questions of the courses they teach, a quiz asks only its own
course's questions, and an import never changes another course's question.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from quizzes import services
from quizzes.gift_import import GiftImportError, export_quiz_gift, gift_import
from quizzes.models import Question, QuestionVersion, QuizPage, QuizQuestion
from tests.quizzes.quiz_factories import DEFINITIONS, answers_for, enrol, make_question, make_quiz

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/snippets/choose/quizzes/question/"
CHOOSER_RESULTS = "/admin/snippets/choose/quizzes/question/results/"
BANK = "/admin/snippets/quizzes/question/"
# Course A's question, with the right answer first; the attacker marks the second one right.
ORIGINAL = (
    "// [id:prov-1]\n"
    "::Provenance check::Which caption states the image's provenance?"
    "{=Made with a diffusion model, reviewed by the desk#FB-SC-RIGHT-qzx "
    "~A stunning photo#No ~Stock image#No}\n"
)
TAMPERED = (
    "// [id:prov-1]\n"
    "::Provenance check::Which caption states the image's provenance?"
    "{~Made with a diffusion model, reviewed by the desk#No "
    "=A stunning photo#ATTACKER-FEEDBACK ~Stock image#No}\n"
)


@pytest.fixture
def course_a(make_course, instructor):
    return make_course("Course A", lessons=1, instructors=[instructor])


@pytest.fixture
def course_b(make_course, other_instructor):
    return make_course("Course B", lessons=1, instructors=[other_instructor])


@pytest.fixture
def question_a(course_a, instructor):
    quiz_a = make_quiz(course_a, [], title="Quiz A", pass_mark=100)
    gift_import(data=ORIGINAL, quiz=quiz_a, actor=instructor)
    return Question.objects.get(idnumber="prov-1")


@pytest.fixture
def quiz_b(course_b):
    return make_quiz(
        course_b, [make_question("true_false", title="Course B question")], title="Quiz B"
    )


def admin_url(name, *args):
    return reverse(f"quiz_admin:{name}", args=args)


def quiz_page_form(title: str, question: Question) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "intro": rich_text(""),
            "quiz_questions": inline_formset([{"question": question.pk, "points": "1"}]),
            "pass_mark": "50",
            "cooldown_minutes": "0",
            "estimated_minutes": "5",
            "action-publish": "publish",
        }
    )


def smuggle(question: Question, quiz: QuizPage) -> None:
    """Put ``question`` in ``quiz`` behind the editor's back (as the attack could before)."""
    QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=99)
    quiz.save_revision().publish()


def import_file(client, quiz, text: str):
    """Upload and, if the preview offers it, confirm a GIFT file; the final response."""
    upload = SimpleUploadedFile("keys.gift", text.encode())
    preview = client.post(admin_url("import", quiz.pk), {"file": upload})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    if token is None:
        return preview
    return client.post(admin_url("import_confirm", quiz.pk), {"token": token[1]}, follow=True)


def right_answer_key(question: Question) -> list[bool]:
    question.refresh_from_db()
    return [option["correct"] for option in question.current_definition()[1]["options"]]


# --- The attack, step by step, as the review found it -------------------------------------


def test_an_instructor_of_course_b_cannot_read_or_rewrite_course_as_answer_key(
    client, other_instructor, learner, course_a, course_b, question_a, quiz_b
):
    client.force_login(other_instructor)
    # 1. The chooser (and its search) no longer lists course A's question.
    assert "Provenance check" not in client.get(CHOOSER).content.decode()
    assert (
        "Provenance check" not in client.get(CHOOSER_RESULTS, {"q": "provenance"}).content.decode()
    )
    chosen = reverse("wagtailsnippetchoosers_quizzes_question:chosen", args=[question_a.pk])
    assert client.get(chosen).status_code == 404
    # 2. A new quiz under course B can't ask it: the editor says why, and nothing is created.
    response = client.post(
        f"/admin/pages/add/quizzes/quizpage/{course_b.pk}/",
        quiz_page_form("Stolen quiz", question_a),
    )
    assert response.status_code == 200
    assert "isn&#x27;t in a question bank you can use" in response.content.decode()
    assert "Provenance check" not in response.content.decode()  # not even its title
    assert not QuizPage.objects.filter(slug="stolen-quiz").exists()
    # Even when the question got into B's quiz some other way (before this fix, say):
    smuggle(question_a, quiz_b)
    # 3. the export refuses instead of handing out its answers and feedback,
    export = client.get(admin_url("gift_export", quiz_b.pk), follow=True)
    body = export.content.decode()
    assert "FB-SC-RIGHT-qzx" not in body and "Made with a diffusion model" not in body
    assert "can&#x27;t be exported" in body
    # 4. and an import that would change it is refused, naming the quiz; nothing changes.
    before = list(question_a.versions.values_list("pk", flat=True))
    response = import_file(client, quiz_b, TAMPERED)
    body = response.content.decode()
    assert "the quiz “Quiz B”" in body and "never changes another course" in body
    assert "1 updated" not in body
    assert right_answer_key(question_a) == [True, False, False]
    assert list(question_a.versions.values_list("pk", flat=True)) == before
    # 5. Course A's learners are graded against A's own key.
    quiz_a = QuizPage.objects.get(title="Quiz A")
    enrol(learner, course_a)
    attempt = services.attempt_start(user=learner, quiz=quiz_a)
    (aq,) = attempt.questions.all()
    attempt = services.attempt_submit(attempt=attempt, data=answers_for(attempt))
    assert attempt.passed and aq.version.definition["options"][0]["correct"]
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "ATTACKER-FEEDBACK" not in page


# --- Each defence on its own ----------------------------------------------------------------


def test_editable_by_is_the_courses_a_user_teaches(
    instructor, other_instructor, admin_user, learner, question_a, quiz_b
):
    admins_own = make_question("true_false", title="Admins' bank")
    b_question = Question.objects.get(title="Course B question")
    assert set(Question.objects.editable_by(instructor)) == {question_a}
    assert set(Question.objects.editable_by(other_instructor)) == {b_question}
    assert set(Question.objects.editable_by(admin_user)) == {question_a, b_question, admins_own}
    assert not Question.objects.editable_by(learner).exists()


def test_the_chooser_lists_and_searches_only_the_users_banks(
    client, instructor, admin_user, question_a, quiz_b
):
    client.force_login(instructor)
    body = client.get(CHOOSER).content.decode()
    assert "Provenance check" in body and "Course B question" not in body
    found = client.get(CHOOSER_RESULTS, {"q": "own"}).content.decode()
    assert "Course B question" not in found
    b_question = Question.objects.get(title="Course B question")
    multiple = reverse("wagtailsnippetchoosers_quizzes_question:chosen_multiple")
    response = client.get(multiple, {"id": [str(question_a.pk), str(b_question.pk), "x"]})
    assert "Provenance check" in response.content.decode()
    assert "Course B question" not in response.content.decode()
    assert client.get(f"{CHOOSER}chosen/not-an-id/").status_code == 404
    client.force_login(admin_user)
    body = client.get(CHOOSER).content.decode()
    assert "Provenance check" in body and "Course B question" in body


def test_an_instructor_of_two_courses_is_told_a_quiz_asks_only_its_own_courses_questions(
    client, instructor, course_a, make_course, question_a
):
    course_c = make_course("Course C", lessons=0, instructors=[instructor])
    client.force_login(instructor)
    response = client.post(
        f"/admin/pages/add/quizzes/quizpage/{course_c.pk}/", quiz_page_form("Mixed", question_a)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "“Provenance check” is in the question bank of “Course A”" in body
    assert not QuizPage.objects.filter(slug="mixed").exists()
    # its own course's question is fine
    response = client.post(
        f"/admin/pages/add/quizzes/quizpage/{course_a.pk}/", quiz_page_form("Fine", question_a)
    )
    assert response.status_code == 302
    assert QuizPage.objects.get(slug="fine").quiz_questions.get().question == question_a


def test_the_quiz_editor_shows_only_questions_the_editor_may_use(
    client, instructor, other_instructor, question_a, quiz_b
):
    quiz_a = QuizPage.objects.get(title="Quiz A")
    client.force_login(instructor)
    assert "Provenance check" in client.get(f"/admin/pages/{quiz_a.pk}/edit/").content.decode()
    smuggle(question_a, quiz_b)
    client.force_login(other_instructor)
    body = client.get(f"/admin/pages/{quiz_b.pk}/edit/").content.decode()
    assert "Course B question" in body and "Provenance check" not in body


def test_admins_are_told_too_and_the_admins_bank_is_no_course(client, admin_user, course_b):
    admins_own = make_question("true_false", title="Admins' bank")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/pages/add/quizzes/quizpage/{course_b.pk}/", quiz_page_form("Admin", admins_own)
    )
    assert "“Admins&#x27; bank” is in the admins&#x27; question bank" in response.content.decode()
    assert not QuizPage.objects.filter(slug="admin").exists()


def test_the_export_refuses_a_question_from_another_bank_but_admins_get_all(
    client, other_instructor, admin_user, question_a, quiz_b
):
    smuggle(question_a, quiz_b)
    with pytest.raises(ValueError, match="asks 1 question"):
        export_quiz_gift(quiz=quiz_b, user=other_instructor)
    client.force_login(other_instructor)
    response = client.get(admin_url("gift_export", quiz_b.pk))
    assert response.status_code == 302 and "FB-SC-RIGHT-qzx" not in response.content.decode()
    client.force_login(admin_user)
    response = client.get(admin_url("gift_export", quiz_b.pk))
    assert "FB-SC-RIGHT-qzx" in response.content.decode()


def test_an_import_never_changes_a_question_of_another_course(
    other_instructor, admin_user, question_a, quiz_b
):
    smuggle(question_a, quiz_b)
    for actor in (other_instructor, admin_user):
        for dry_run in (True, False):
            with pytest.raises(GiftImportError) as caught:
                gift_import(data=TAMPERED, quiz=quiz_b, actor=actor, dry_run=dry_run)
            assert "“Quiz B”" in str(caught.value) and str(caught.value).startswith("line 2:")
    assert right_answer_key(question_a) == [True, False, False]
    assert question_a.versions.count() == 1
    # unchanged, it is left alone; with a new ID number it is a new question of course B
    report = gift_import(data=ORIGINAL, quiz=quiz_b, actor=other_instructor, dry_run=True)
    assert report.count("updated") == 0
    renamed = TAMPERED.replace("[id:prov-1]", "[id:prov-b]")
    report = gift_import(data=renamed, quiz=quiz_b, actor=other_instructor)
    assert report.count("created") == 1
    created = Question.objects.get(idnumber="prov-b")
    assert created.course_id == quiz_b.get_parent().pk


def test_imported_questions_join_the_quizs_course(instructor, course_a):
    quiz = make_quiz(course_a, [], title="Empty")
    gift_import(data=TAMPERED, quiz=quiz, actor=instructor)
    assert Question.objects.get(idnumber="prov-1").course_id == course_a.pk
    gift_import(data=TAMPERED.replace("prov-1", "cli-1"), quiz=None, actor=None)
    assert Question.objects.get(idnumber="cli-1").course_id is None  # the admins' bank


def test_the_command_refuses_naming_the_quiz(tmp_path, question_a, quiz_b):
    from django.core.management import CommandError, call_command

    smuggle(question_a, quiz_b)
    path = tmp_path / "keys.gift"
    path.write_text(TAMPERED)
    with pytest.raises(CommandError, match="Quiz B"):
        call_command("import_gift", str(path), "--quiz", str(quiz_b.pk))
    assert right_answer_key(question_a) == [True, False, False]


def test_a_question_in_use_keeps_its_course(question_a, course_b):
    from django.core.exceptions import ValidationError

    question_a.course = course_b
    with pytest.raises(ValidationError, match="Quiz A"):
        services.question_save(question=question_a)
    question_a.course = None
    with pytest.raises(ValidationError, match="Quiz A"):
        services.question_save(question=question_a)


def test_the_bank_listing_filters_by_course_for_admins(client, admin_user, question_a, quiz_b):
    client.force_login(admin_user)
    body = client.get(BANK).content.decode()
    assert "Provenance check" in body and "Course B question" in body and "Course A" in body
    filtered = client.get(BANK, {"course": question_a.course_id}).content.decode()
    assert "Provenance check" in filtered and "Course B question" not in filtered
    editor = client.get(f"{BANK}edit/{question_a.pk}/").content.decode()
    assert 'name="course"' in editor and "Course A" in editor


# --- The migration: every question gets a course, shared ones are copied ------------------


def test_the_migration_assigns_courses_and_copies_shared_questions(course_a, course_b, make_course):
    migration = importlib.import_module("quizzes.migrations.0004_question_course_assign")
    shared = make_question("single_choice", title="Shared", skills=["bias"], idnumber="s-1")
    edited = {**DEFINITIONS["single_choice"], "text": "<p>Edited once.</p>"}
    shared.definition = [{"type": "single_choice", "value": edited}]
    services.question_save(question=shared)
    assert shared.versions.count() == 2
    unused = make_question("true_false", title="Unused")
    draft_only = make_question("true_false", title="Draft only")
    quiz_a = make_quiz(course_a, [], title="Quiz A")
    quiz_b = make_quiz(course_b, [], title="Quiz B")
    QuizQuestion.objects.create(quiz=quiz_a, question=shared, sort_order=0)
    QuizQuestion.objects.create(quiz=quiz_b, question=shared, sort_order=0)
    quiz_a.save_revision().publish()
    quiz_b.save_revision().publish()
    draft = QuizPage.objects.get(pk=quiz_b.pk).get_latest_revision_as_object()
    draft.quiz_questions.add(QuizQuestion(question=draft_only, sort_order=1))
    draft.save_revision()
    version_count = shared.versions.count()

    migration.assign_courses(apps, None)

    shared.refresh_from_db()
    assert shared.course_id == course_a.pk  # the first course to ask it keeps it
    copy = Question.objects.get(title="Shared", course=course_b)
    assert copy.pk != shared.pk and copy.idnumber == "s-1"
    assert copy.current_definition() == shared.current_definition()
    assert list(copy.skills.names()) == ["bias"]
    assert list(copy.versions.order_by("number").values_list("number", "definition")) == list(
        shared.versions.order_by("number").values_list("number", "definition")
    )
    assert QuestionVersion.objects.filter(question=shared).count() == version_count
    assert quiz_a.quiz_questions.get().question_id == shared.pk
    assert quiz_b.quiz_questions.get().question_id == copy.pk
    latest = QuizPage.objects.get(pk=quiz_b.pk).get_latest_revision_as_object()
    assert [s.question_id for s in latest.quiz_questions.all()] == [copy.pk, draft_only.pk]
    for revision in Revision.objects.filter(object_id=str(quiz_b.pk)):
        assert shared.pk not in [s["question"] for s in revision.content["quiz_questions"]]
    draft_only.refresh_from_db()
    unused.refresh_from_db()
    assert draft_only.course_id == course_b.pk and unused.course_id is None
    migration.assign_courses(apps, None)  # running it again changes nothing
    assert Question.objects.filter(title="Shared").count() == 2
