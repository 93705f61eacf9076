"""Instructor tools in the Wagtail admin: GIFT import, quiz insight, results CSV, essay grading.

Access: superusers and the quiz's course instructors; another course's instructor gets a 404
and a learner never gets past Wagtail's admin login.
"""

import csv
import io
import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import Attempt, Question
from tests.conftest import make_user
from tests.quizzes.quiz_factories import answers_for, enrol, make_question, make_quiz

pytestmark = pytest.mark.django_db

GIFT = """
// [id:a1]
::Provenance::Which caption states provenance?{=Made with a model#Yes ~A stunning photo#No}

::Intro::Just text.

// [id:a2]
::Float::Ice floats on water.{T}
"""

BROKEN = GIFT + "\n// [id:a3]\n::Broken::Pick one.{=a ~b\n"


@pytest.fixture
def course(make_course, instructor):
    return make_course("Spotting bias", lessons=1, instructors=[instructor])


@pytest.fixture
def other_course(make_course, other_instructor):
    return make_course("Another course", lessons=1, instructors=[other_instructor])


@pytest.fixture
def quiz(course):
    return make_quiz(course, [], title="Lesson quiz")


def url(name, *args):
    from django.urls import reverse

    return reverse(f"quiz_admin:{name}", args=args)


def upload(client, quiz, content: bytes, name="bank.gift"):
    return client.post(url("import", quiz.pk), {"file": SimpleUploadedFile(name, content)})


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


# --- GIFT import --------------------------------------------------------------------------


def test_upload_shows_a_preview_and_imports_nothing(client, instructor, quiz):
    client.force_login(instructor)
    assert client.get(url("import", quiz.pk)).status_code == 200
    response = upload(client, quiz, GIFT.encode())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Check before importing" in body
    for text in ("Provenance", "Single choice", "Float", "True or false", "Text (not a question)"):
        assert text in body
    assert "Import 2 questions" in body
    assert not Question.objects.exists()


def test_confirm_imports_the_previewed_file(client, instructor, quiz):
    client.force_login(instructor)
    token = token_in(upload(client, quiz, GIFT.encode()))
    response = client.post(url("import_confirm", quiz.pk), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{quiz.pk}/edit/"
    titles = quiz.quiz_questions.order_by("sort_order").values_list("question__title", flat=True)
    assert list(titles) == ["Provenance", "Float"]
    # the same file again: the preview says unchanged, and confirming adds nothing
    body = upload(client, quiz, GIFT.encode()).content.decode()
    assert body.count("Unchanged") == 2
    client.post(url("import_confirm", quiz.pk), {"token": token})
    assert Question.objects.count() == 2 and quiz.quiz_questions.count() == 2


def test_confirm_rejects_a_tampered_or_foreign_token(client, instructor, quiz, course):
    client.force_login(instructor)
    token = token_in(upload(client, quiz, GIFT.encode()))
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = client.post(url("import_confirm", quiz.pk), {"token": tampered}, follow=True)
    assert "expired or isn" in response.content.decode()
    other_quiz = make_quiz(course, [], title="Other quiz")
    client.post(url("import_confirm", other_quiz.pk), {"token": token})
    # a token signed for someone else's upload is refused too
    forged = signing.dumps(
        {"quiz": quiz.pk, "user": instructor.pk + 1000, "text": GIFT},
        salt="quizzes.admin.gift-import",
        compress=True,
    )
    client.post(url("import_confirm", quiz.pk), {"token": forged})
    assert not Question.objects.exists()


def test_a_problem_question_blocks_the_import_unless_skipped(client, instructor, quiz):
    client.force_login(instructor)
    response = upload(client, quiz, BROKEN.encode())
    body = response.content.decode()
    assert "Problem:" in body and "expected &#x27;}&#x27; to close the answer block" in body
    assert "Leave out the questions with problems" in body
    token = token_in(response)
    followed = client.post(url("import_confirm", quiz.pk), {"token": token}, follow=True)
    assert "Nothing was imported: line 11: expected" in followed.content.decode()
    assert not Question.objects.exists()
    client.post(url("import_confirm", quiz.pk), {"token": token, "skip_invalid": "on"})
    assert Question.objects.count() == 2


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bank.gift", "::Q::Caf\xe9?{T}".encode("cp1252"), "isn&#x27;t UTF-8 text"),
        ("bank.docx", GIFT.encode(), "File extension “docx” is not allowed"),
        ("bank.gift", b"x" * (512 * 1024 + 1), "larger than 512 KB"),
        ("bank.gift", b"// only a comment\n", "has no questions in it"),
    ],
    ids=["not utf-8", "wrong extension", "too big", "no questions"],
)
def test_unusable_uploads_are_refused_with_a_clear_message(
    client, instructor, quiz, name, content, message
):
    client.force_login(instructor)
    response = upload(client, quiz, content, name)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem with the file" in body and message in body
    assert 'name="token"' not in body


# --- Access -------------------------------------------------------------------------------


def quiz_urls(quiz):
    names = ["import", "insight", "results_csv", "gift_export"]
    return [url(name, quiz.pk) for name in names]


def test_questions_download_as_gift(client, instructor, quiz):
    from quizzes.gift import parse_gift

    client.force_login(instructor)
    token = token_in(upload(client, quiz, GIFT.encode()))
    client.post(url("import_confirm", quiz.pk), {"token": token})
    response = client.get(url("gift_export", quiz.pk))
    assert response["Content-Disposition"].endswith('.gift"')
    parsed = parse_gift(response.content)
    names = [(q.name, q.idnumber) for q in parsed.questions]
    assert names == [("Provenance", "a1"), ("Float", "a2")]


def test_another_courses_instructor_gets_404(client, other_instructor, other_course, quiz):
    client.force_login(other_instructor)
    for address in quiz_urls(quiz):
        assert client.get(address).status_code == 404
    assert client.post(url("import_confirm", quiz.pk), {"token": "x"}).status_code == 404
    assert client.get(url("insight", 999999)).status_code == 404
    assert "Lesson quiz" not in client.get(url("index")).content.decode()


def test_superuser_sees_every_quiz(client, admin_user, quiz):
    client.force_login(admin_user)
    for address in quiz_urls(quiz):
        assert client.get(address).status_code == 200
    assert "Lesson quiz" in client.get(url("index")).content.decode()


@pytest.mark.parametrize("who", ["learner", "anonymous"])
def test_learners_and_visitors_never_reach_the_tools(client, learner, quiz, who):
    if who == "learner":
        client.force_login(learner)
    for address in [*quiz_urls(quiz), url("index"), url("essays")]:
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_quiz_edit_page_links_to_the_tools(client, instructor, quiz):
    client.force_login(instructor)
    body = client.get(f"/admin/pages/{quiz.pk}/edit/").content.decode()
    assert url("insight", quiz.pk) in body and url("import", quiz.pk) in body


# --- Insight and CSV ----------------------------------------------------------------------


@pytest.fixture
def graded_quiz(course):
    bank = [make_question("single_choice"), make_question("true_false")]
    return make_quiz(course, bank, title="Graded quiz")


def take(quiz, user, *, right: bool) -> Attempt:
    enrol(user, quiz.get_parent().specific)
    attempt = services.attempt_start(user=user, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=answers_for(attempt, right=right))


def learners(count: int, start: int = 0):
    return [
        make_user(f"learner{n}", display_name=f"Learner {n}") for n in range(start, start + count)
    ]


def test_insight_shows_pass_rate_distribution_and_question_figures(client, instructor, graded_quiz):
    for user, right in zip(learners(3), [True, True, False], strict=True):
        take(graded_quiz, user, right=right)
    client.force_login(instructor)
    body = client.get(url("insight", graded_quiz.pk)).content.decode()
    assert "<strong>3</strong> finished attempts" in body
    assert "<strong>67%</strong> passed (2)" in body
    assert "A single_choice question" in body and "A true_false question" in body
    # both questions: facility 2/3; each agrees perfectly with the rest of the quiz (r = 1)
    assert body.count("<td>0.67</td>") == 2 and body.count("<td>1.00</td>") == 2
    assert body.count("No flags") == 2
    assert "90–100 %" in body


def test_insight_flags_a_question_everyone_gets_right(client, instructor, course):
    from tests.quizzes.quiz_factories import answer_for

    easy, hard = make_question("true_false", "Too easy"), make_question("single_choice", "Fair")
    quiz = make_quiz(course, [easy, hard], title="Mixed quiz")
    for user, right in zip(learners(3), [True, True, False], strict=True):
        enrol(user, course)
        attempt = services.attempt_start(user=user, quiz=quiz)
        data = answers_for(attempt, right=True)
        data.update(answer_for(attempt.questions.get(position=1), right=right))
        services.attempt_submit(attempt=attempt, data=data)
    client.force_login(instructor)
    body = client.get(url("insight", quiz.pk)).content.decode()
    easy_row = body[body.index("Too easy") : body.index("</tr>", body.index("Too easy"))]
    assert "<td>1.00</td>" in easy_row and "n/a" in easy_row  # everyone right: r undefined
    assert "Review:</strong>" in easy_row and "Very easy (facility above 0.9)" in easy_row
    fair_row = body[body.index(">Fair<") : body.index("</tr>", body.index(">Fair<"))]
    assert "<td>0.67</td>" in fair_row and "No flags" in fair_row


def test_insight_and_csv_queries_do_not_grow_with_attempts(client, instructor, graded_quiz):
    client.force_login(instructor)
    for user in learners(2):
        take(graded_quiz, user, right=True)

    def count(address):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    few = [count(url("insight", graded_quiz.pk)), count(url("results_csv", graded_quiz.pk))]
    for n, user in enumerate(learners(6, start=10)):
        take(graded_quiz, user, right=n % 2 == 0)
    many = [count(url("insight", graded_quiz.pk)), count(url("results_csv", graded_quiz.pk))]
    assert many == few


def test_results_csv_is_formula_safe(client, instructor, graded_quiz):
    sly = make_user("sly", display_name='=HYPERLINK("http://evil.example","x")')
    take(graded_quiz, sly, right=True)
    take(graded_quiz, make_user("plain", display_name="Plain Learner"), right=False)
    client.force_login(instructor)
    response = client.get(url("results_csv", graded_quiz.pk))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:8] == [
        "Learner",
        "Email",
        "Attempt",
        "Status",
        "Started",
        "Submitted",
        "Score (%)",
        "Result",
    ]
    assert rows[0][8:] == ["Q1: A single_choice question (%)", "Q2: A true_false question (%)"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {'\'=HYPERLINK("http://evil.example","x")', "Plain Learner"}
    plain = by_name["Plain Learner"]
    assert plain[6:] == ["0.00", "Failed", "0.00", "0.00"]


# --- Essay grading ------------------------------------------------------------------------


@pytest.fixture
def essay_quiz(course):
    return make_quiz(course, [make_question("essay"), make_question("true_false")], title="Reflect")


def test_essay_queue_and_grading(client, instructor, learner, essay_quiz):
    attempt = take(essay_quiz, learner, right=True)
    assert attempt.status == Attempt.Status.SUBMITTED
    client.force_login(instructor)
    body = client.get(url("essays")).content.decode()
    assert "Reflect (attempt 1)" in body
    essay = attempt.questions.get(position=0)
    page = client.get(url("grade", essay.pk)).content.decode()
    assert "RUBRIC-ESSAY-qzx" in page
    assert "I would brief them on provenance" in page
    invalid = client.post(url("grade", essay.pk), {"score": "140", "feedback": ""})
    assert "The grade wasn" in invalid.content.decode()
    response = client.post(url("grade", essay.pk), {"score": "50", "feedback": "Name the roles."})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert float(attempt.score) == 75.0  # essay 50 % + true/false 100 %, one point each
    essay.refresh_from_db()
    assert (essay.feedback, essay.graded_by) == (["Name the roles."], instructor)
    # graded answers leave the queue and can't be graded again
    assert "Reflect (attempt 1)" not in client.get(url("essays")).content.decode()
    assert client.get(url("grade", essay.pk)).status_code == 404


def test_other_instructors_do_not_see_or_grade_the_essay(
    client, other_instructor, other_course, learner, essay_quiz
):
    attempt = take(essay_quiz, learner, right=True)
    essay = attempt.questions.get(position=0)
    client.force_login(other_instructor)
    assert "Reflect" not in client.get(url("essays")).content.decode()
    assert client.get(url("grade", essay.pk)).status_code == 404
    assert client.post(url("grade", essay.pk), {"score": "100"}).status_code == 404
    essay.refresh_from_db()
    assert essay.score is None


def test_essay_answers_are_escaped(client, instructor, learner, essay_quiz):
    enrol(learner, essay_quiz.get_parent().specific)
    attempt = services.attempt_start(user=learner, quiz=essay_quiz)
    data = answers_for(attempt)
    data["q1"] = "<script>alert(1)</script>"
    services.attempt_submit(attempt=attempt, data=data)
    client.force_login(instructor)
    essay = attempt.questions.get(position=0)
    page = client.get(url("grade", essay.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
