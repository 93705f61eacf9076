"""'Your quizzes' on the learner dashboard: a failed quiz is never hidden."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import hooks
from courses.models import Enrollment
from courses.services import enrollment_withdraw
from quizzes import services
from quizzes.dashboard import dashboard_section
from tests.quizzes.quiz_factories import answers_for, enrol, make_question, make_quiz
from tests.test_learning_queries import DASHBOARD_MAX

pytestmark = pytest.mark.django_db


def take(learner, quiz, *, right: bool):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=answers_for(attempt, right=right))


def quiz_lines(client) -> dict[str, str]:
    """Each quiz on the dashboard: its title, and its line in words."""
    page = BeautifulSoup(client.get("/dashboard/").content, "html.parser")
    section = page.find("section", attrs={"aria-labelledby": "quizzes-heading"})
    if section is None:
        return {}
    return {
        item.find("a").get_text(strip=True): " ".join(item.get_text().split())
        for item in section.select("li.quiz-state")
    }


@pytest.fixture
def course_of_quizzes(learner, make_course):
    course = make_course("Quizzed", lessons=1)
    single = make_question("single_choice")
    quizzes = {
        title: make_quiz(course, [single], title=title, pass_mark=70, attempts_allowed=2)
        for title in ("Untouched", "Failed once", "Failed twice", "Passed late")
    }
    enrol(learner, course)
    take(learner, quizzes["Failed once"], right=False)
    take(learner, quizzes["Failed twice"], right=False)
    take(learner, quizzes["Failed twice"], right=False)
    take(learner, quizzes["Passed late"], right=False)
    take(learner, quizzes["Passed late"], right=True)
    return course, quizzes


def test_the_dashboard_shows_each_quiz_state(client, learner, course_of_quizzes):
    # A failed quiz once left no trace on the dashboard.
    client.force_login(learner)
    lines = quiz_lines(client)
    assert lines == {
        "Untouched": "Untouched Not started Pass mark 70 % · 2 attempts allowed",
        "Failed once": "Failed once Not yet passed Best score 0 % (pass mark 70 %) · "
        "1 of 2 attempts used",
        "Failed twice": "Failed twice Not passed: no attempts left Best score 0 % "
        "(pass mark 70 %) · 2 of 2 attempts used",
        "Passed late": "Passed late Passed Best score 100 % (pass mark 70 %) · "
        "2 of 2 attempts used",
    }


def test_an_open_attempt_and_an_unlimited_quiz(client, learner, make_course):
    course = make_course("Open", lessons=0)
    quiz = make_quiz(course, [make_question("single_choice")], title="Ongoing")
    enrol(learner, course)
    take(learner, quiz, right=False)
    services.attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    assert quiz_lines(client) == {
        "Ongoing": "Ongoing In progress Best score 0 % (pass mark 70 %) · 2 attempts used"
    }


def test_only_quizzes_of_courses_the_learner_is_enrolled_in(
    client, learner, make_course, course_of_quizzes
):
    other = make_course("Not mine", lessons=0)
    make_quiz(other, [make_question("single_choice")], title="Elsewhere")
    client.force_login(learner)
    assert "Elsewhere" not in quiz_lines(client)
    course, _ = course_of_quizzes
    enrollment_withdraw(enrollment=Enrollment.objects.get(user=learner, course=course))
    assert quiz_lines(client) == {}  # no section at all


def test_the_section_costs_one_query_however_many_quizzes(
    client, learner, make_course, django_assert_max_num_queries
):
    client.force_login(learner)
    question = make_question("single_choice")
    counts = []
    for size in (1, 6):
        course = make_course(f"Course of {size}", lessons=1)
        enrol(learner, course)
        for n in range(size):
            quiz = make_quiz(course, [question], title=f"Quiz {size}-{n}")
            take(learner, quiz, right=n % 2 == 0)
        client.get("/dashboard/")  # warm Wagtail's site caches like a running server
        with CaptureQueriesContext(connection) as queries:
            client.get("/dashboard/")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(DASHBOARD_MAX):
        body = client.get("/dashboard/").content.decode()
    assert body.count('class="quiz-state"') == 7
    with CaptureQueriesContext(connection) as queries:
        dashboard_section(learner)
    assert len(queries.captured_queries) == 1


def test_the_section_is_registered_once():
    assert hooks.dashboard_sections.count(dashboard_section) == 1
