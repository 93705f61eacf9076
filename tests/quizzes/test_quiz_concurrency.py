"""Double submits and double starts on real PostgreSQL: graded once, one open attempt.

On SQLite ``tests/quizzes/test_attempts.py`` covers the replay by calling the service twice;
here concurrent connections race for real. Without DATABASE_URL these skip locally, and fail
under REQUIRE_SERVICES=1.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from courses.models import LearningRecord, StepCompletion
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion
from tests.conftest import require_service
from tests.quizzes.quiz_factories import answers_for, enrol, make_question, make_quiz

# serialized_rollback restores the data migrations (Wagtail root page, site, groups) that
# a transactional test's flush removes.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")


def run_concurrently(target, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def quiz(learner, make_course):
    course = make_course(lessons=0)
    enrol(learner, course)
    return make_quiz(course, [make_question("single_choice"), make_question("true_false")])


def test_concurrent_submits_grade_once(learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    results, errors = run_concurrently(
        lambda i: services.attempt_submit(attempt=attempt, data=data)
    )
    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, services.AttemptClosed) for e in errors), errors
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed
    assert LearningRecord.objects.filter(verb=LearningRecord.Verb.PASSED).count() == 1
    assert StepCompletion.objects.filter(step=quiz).count() == 1
    assert AttemptQuestion.objects.filter(attempt=attempt, response__isnull=True).count() == 0


def test_concurrent_starts_make_one_open_attempt(learner, quiz):
    results, errors = run_concurrently(lambda i: services.attempt_start(user=learner, quiz=quiz))
    assert errors == []
    assert len({attempt.pk for attempt in results}) == 1
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    assert LearningRecord.objects.filter(verb=LearningRecord.Verb.ATTEMPTED).count() == 1
