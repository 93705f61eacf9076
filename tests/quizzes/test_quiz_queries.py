"""Rendering and submitting an attempt cost a fixed number of queries, however many questions.

Grading is pure Python over rows loaded once (one query for the questions and their
versions, one upsert for all answers), so it stays linear in time and flat in queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt
from tests.quizzes.quiz_factories import answers_for, enrol, make_question, make_quiz

pytestmark = pytest.mark.django_db

# Auto-graded types (an essay would leave the attempt waiting rather than graded).
TYPES = [
    "single_choice",
    "multiple_response",
    "true_false",
    "matching",
    "ordering",
    "short_answer",
    "numerical",
    "scenario",
]
# Render: session, user, the attempt (with its quiz), its questions with their versions, the
# course for the breadcrumbs, and the page's own reads (messages, site).
# Submit (a pass that completes the quiz step; was 29): the user (the session is cached); the
# attempt locked with its quiz (ownership checked in the same query); its questions with their
# versions; one upsert for every answer; the attempt's score; the enrolment with its course,
# locked; the passed and completed statements; the step completion (read, then insert);
# whether the course is now complete (one read); and two savepoints with their releases.
# The same on SQLite and PostgreSQL (the step insert needs no savepoint of its own on either).
MAX_QUERIES = {"render": 10, "submit": 15}


@pytest.fixture
def attempt_of(client, learner, make_course):
    client.force_login(learner)

    def build(size: int) -> Attempt:
        course = make_course(f"Course of {size}", lessons=1)
        questions = [make_question(TYPES[n % len(TYPES)], title=f"Q{n}") for n in range(size)]
        quiz = make_quiz(course, questions, title=f"Quiz of {size}", shuffle_options=True)
        enrol(learner, course)
        assert client.post(f"/quizzes/{quiz.pk}/start/").status_code == 302
        client.get(quiz.url)  # warm Wagtail's site cache, as a running server has
        return Attempt.objects.get(quiz=quiz)

    return build


def count(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302), response.status_code
    return len(queries.captured_queries)


def test_rendering_an_attempt_does_not_grow_with_questions(
    client, attempt_of, django_assert_max_num_queries
):
    counts = {}
    for size in (10, 40):
        attempt = attempt_of(size)
        url = f"/quizzes/attempts/{attempt.pk}/"
        counts[size] = count(client, "get", url)
        with django_assert_max_num_queries(MAX_QUERIES["render"]):
            response = client.get(url)
        assert response.content.decode().count("<fieldset") == size
    assert counts[10] == counts[40], counts


def test_submitting_an_attempt_does_not_grow_with_questions(
    client, attempt_of, django_assert_max_num_queries
):
    counts = {}
    for size in (10, 40):
        attempt = attempt_of(size)
        data = answers_for(attempt)
        with django_assert_max_num_queries(MAX_QUERIES["submit"]):
            counts[size] = count(client, "post", f"/quizzes/attempts/{attempt.pk}/submit/", data)
        attempt.refresh_from_db()
        assert attempt.score == 100 and attempt.passed
    assert counts[10] == counts[40], counts


def test_a_redisplayed_form_with_errors_does_not_grow_with_questions(client, attempt_of):
    counts = {}
    for size in (10, 40):
        attempt = attempt_of(size)
        url = f"/quizzes/attempts/{attempt.pk}/submit/"
        client.post(url, {"q1": ""})  # warm per-process caches (content types, site)
        counts[size] = count(client, "post", url, {"q1": ""})
    assert counts[10] == counts[40], counts


def test_the_result_page_does_not_grow_with_questions(client, attempt_of):
    counts = {}
    for size in (10, 40):
        attempt = attempt_of(size)
        client.post(f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt, right=False))
        counts[size] = count(client, "get", f"/quizzes/attempts/{attempt.pk}/result/")
    assert counts[10] == counts[40], counts
