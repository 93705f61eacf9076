"""Races through HTTP on real PostgreSQL: a stampede of completions, a doubled quiz submit.

Each thread has its own test client (the learner's session cookie) and its own database
connection, so the requests really race in PostgreSQL. No request may answer 500.
"""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from courses import services as course_services
from courses.models import CourseCompletion, LearningRecord, LessonPage, StepCompletion
from credentials.models import Credential
from credentials.storage import private_storage
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.conftest import make_user
from tests.quizzes.quiz_factories import answers_for, make_question, make_quiz

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAMPEDE = 50
HEADROOM = 20  # connections left for everyone else's tests on the shared server


@pytest.fixture(autouse=True)
def _postgres(postgres):
    pass


def free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
        )
        return cursor.fetchone()[0]


def clients_for(user, count: int) -> list[Client]:
    first = Client(raise_request_exception=False)  # a 500 must show as a 500, not raise
    first.force_login(user)
    clients = [first]
    for _ in range(count - 1):
        client = Client(raise_request_exception=False)
        client.cookies = first.cookies
        clients.append(client)
    return clients


def post_at_once(clients: list[Client], url: str, data: dict, *, limit: int) -> list:
    """POST from every client at the same moment; at most ``limit`` hold a connection."""
    barrier = threading.Barrier(len(clients))
    gate = threading.BoundedSemaphore(limit)
    responses, errors = [], []

    def post(client):
        try:
            barrier.wait(timeout=30)
            with gate:
                close_old_connections()  # as a server does between requests
                responses.append(client.post(url, data))
        except Exception as exc:  # asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return responses


def test_fifty_concurrent_completion_requests_give_one_completion_one_credential_no_500(
    learner, make_course
):
    course = make_course("Stampede", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    course_services.enrollment_create(user=learner, course=course)
    limit = min(STAMPEDE, free_connections() - HEADROOM)  # sized under max_connections
    assert limit >= 10, f"only {limit} PostgreSQL connections to spare"
    clients = clients_for(learner, STAMPEDE)
    connection.close()

    responses = post_at_once(clients, f"/learn/steps/{lesson.pk}/complete/", {}, limit=limit)

    assert len(responses) == STAMPEDE
    assert sorted({r.status_code for r in responses}) == [302]  # every one succeeded
    assert {r.url for r in responses} == {course.url}  # and says the course is complete
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert StepCompletion.objects.filter(enrollment__user=learner).count() == 1
    credential = Credential.objects.get(user=learner)
    assert credential.status == Credential.Status.ISSUED
    assert private_storage().listdir("credentials")[1].count(f"{credential.public_id}.pdf") == 1


@pytest.mark.parametrize("round_", range(3))  # three fresh races: a lucky ordering can't pass
def test_quiz_submitted_twice_at_once_is_graded_once(round_, make_course):
    learner = make_user(f"twice{round_}")
    course = make_course(f"Twice {round_}", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    quiz = make_quiz(course, [make_question("single_choice"), make_question("true_false")])
    attempt = quiz_services.attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    clients = clients_for(learner, 2)
    connection.close()

    url = f"/quizzes/attempts/{attempt.pk}/submit/"
    responses = post_at_once(clients, url, data, limit=2)

    result = f"/quizzes/attempts/{attempt.pk}/result/"
    assert [(r.status_code, r.url) for r in responses] == [(302, result)] * 2
    assert clients[0].get(result).status_code == 200  # the page both are sent to
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.OPEN and attempt.score == 100
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    passed = LearningRecord.objects.filter(user=learner, verb=LearningRecord.Verb.PASSED)
    assert passed.count() == 1  # graded once: one "passed" statement
    assert StepCompletion.objects.filter(enrollment__user=learner, step=quiz).count() == 1
