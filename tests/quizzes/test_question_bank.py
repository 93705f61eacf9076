"""The question bank in the Wagtail admin, and quiz pages built there."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from quizzes.models import Question, QuizPage
from quizzes.services import question_create
from tests.conftest import PASSWORD
from tests.quizzes.quiz_factories import DEFINITIONS, make_question

pytestmark = pytest.mark.django_db

BANK = "/admin/snippets/quizzes/question/"


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def true_false_form(title: str, answer: bool) -> dict:
    value = {"text": rich_text("<p>Generated faces need a disclosure.</p>")}
    value.update(feedback_true="Yes.", feedback_false="They do.")
    if answer:
        value["answer"] = "on"
    return nested_form_data(
        {
            "title": title,
            "idnumber": "TF-1",
            "category": "Disclosure",
            "skills": "disclosure, provenance",
            "definition": streamfield([("true_false", value)]),
            "general_feedback": rich_text(""),
        }
    )


def test_the_bank_lists_searches_and_filters_by_skill(admin_client):
    make_question("true_false", title="Faces need disclosure", skills=["disclosure"])
    make_question("ordering", title="Review steps", skills=["process"])
    listing = admin_client.get(BANK)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Faces need disclosure" in html and "Review steps" in html and "Ordering" in html
    tag = Question.objects.get(title="Review steps").skills.get()
    filtered = admin_client.get(BANK, {"skills": tag.pk}).content.decode()
    assert "Review steps" in filtered and "Faces need disclosure" not in filtered
    found = admin_client.get(BANK, {"q": "faces"}).content.decode()
    assert "Faces need disclosure" in found and "Review steps" not in found


def test_creating_and_editing_in_the_admin_versions_the_question(admin_client):
    response = admin_client.post(f"{BANK}add/", true_false_form("Disclosure rule", answer=True))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(title="Disclosure rule")
    assert question.type_name == "true_false"
    assert sorted(question.skills.names()) == ["disclosure", "provenance"]
    assert list(question.versions.values_list("number", "definition__answer")) == [(1, True)]

    admin_client.post(f"{BANK}edit/{question.pk}/", true_false_form("Disclosure rule", True))
    assert question.versions.count() == 1  # nothing changed, no new version
    admin_client.post(f"{BANK}edit/{question.pk}/", true_false_form("Disclosure rule", False))
    assert list(
        question.versions.order_by("number").values_list("definition__answer", flat=True)
    ) == [True, False]


def test_an_incomplete_question_is_refused_with_a_message(admin_client):
    value = {
        "text": rich_text("<p>Which?</p>"),
        "options": streamfield([]),
    }
    data = nested_form_data(
        {
            "title": "Broken",
            "definition": streamfield([("single_choice", value)]),
            "general_feedback": rich_text(""),
        }
    )
    response = admin_client.post(f"{BANK}add/", data)
    assert response.status_code == 200
    assert not Question.objects.filter(title="Broken").exists()


def test_question_create_validates_the_definition(db):
    from django.core.exceptions import ValidationError

    broken = {**DEFINITIONS["numerical"], "answers": [{"kind": "range", "weight": 100.0}]}
    with pytest.raises(ValidationError):
        question_create(title="Broken", type_name="numerical", definition=broken)
    with pytest.raises(LookupError):
        question_create(title="Nope", type_name="hotspot", definition={})
    assert not Question.objects.exists()


def test_an_instructor_builds_a_quiz_page_in_the_admin(admin_client, make_course):
    course = make_course(lessons=1)
    question = make_question("true_false", course=course)
    data = nested_form_data(
        {
            "title": "Spot the disclosure",
            "slug": "spot-the-disclosure",
            "intro": rich_text("<p>Five minutes.</p>"),
            "quiz_questions": inline_formset([{"question": question.pk, "points": "2"}]),
            "pass_mark": "80",
            "attempts_allowed": "3",
            "cooldown_minutes": "0",
            "time_limit_minutes": "",
            "draw_count": "",
            "shuffle_options": "on",
            "allow_review": "on",
            "estimated_minutes": "10",
            "required": "on",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/add/quizzes/quizpage/{course.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = QuizPage.objects.get(slug="spot-the-disclosure")
    assert quiz.live and quiz.get_parent().pk == course.pk
    assert quiz.pass_mark == 80 and quiz.attempts_allowed == 3 and quiz.required
    assert [(qq.question_id, qq.points) for qq in quiz.quiz_questions.all()] == [(question.pk, 2)]
    assert admin_client.get(quiz.url).status_code == 200


def test_a_pass_mark_outside_1_to_100_is_refused(admin_client, make_course):
    course = make_course(lessons=0)
    question = make_question("true_false", course=course)
    data = nested_form_data(
        {
            "title": "Bad mark",
            "slug": "bad-mark",
            "intro": rich_text(""),
            "quiz_questions": inline_formset([{"question": question.pk, "points": "1"}]),
            "pass_mark": "120",
            "cooldown_minutes": "0",
            "estimated_minutes": "10",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/add/quizzes/quizpage/{course.pk}/", data)
    assert response.status_code == 200
    assert not QuizPage.objects.filter(slug="bad-mark").exists()
