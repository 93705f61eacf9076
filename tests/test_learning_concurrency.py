"""Concurrent enrolment and completion on real PostgreSQL: one row each, no error.

These need real row locks and concurrent connections, so they run on PostgreSQL only (CI);
locally without DATABASE_URL they skip, and under REQUIRE_SERVICES=1 they fail instead.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from courses import services
from courses.hooks import course_completed
from courses.models import CourseCompletion, Enrollment, LessonPage, StepCompletion
from tests.conftest import require_service

# serialized_rollback restores the data migrations (Wagtail root page, site, groups) that
# a transactional test's flush removes.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 20  # well under PostgreSQL's max_connections (100 here)


@pytest.fixture(autouse=True)
def postgres_only():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")


def run_concurrently(target, count=THREADS):
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            target(index)
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
    return errors


def test_concurrent_enrolment_creates_one_row(learner, make_course):
    course = make_course(lessons=1)
    errors = run_concurrently(lambda i: services.enrollment_create(user=learner, course=course))
    assert errors == []
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_concurrent_completion_of_the_last_step_records_one_completion(learner, make_course):
    course = make_course(lessons=2)
    first, last = LessonPage.objects.child_of(course).order_by("path")
    services.enrollment_create(user=learner, course=course)
    services.step_complete(user=learner, step=first)
    calls = []
    course_completed.connect(
        lambda sender, completion, **kw: calls.append(completion.pk),
        dispatch_uid="count",
        weak=False,
    )
    try:
        errors = run_concurrently(lambda i: services.step_complete(user=learner, step=last))
    finally:
        course_completed.disconnect(dispatch_uid="count")
    assert errors == []
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1
    assert StepCompletion.objects.filter(step=last).count() == 1
    assert len(calls) == 1


def test_completing_different_last_steps_at_once_still_completes(learner, make_course):
    """Two requests finishing the final two steps at the same moment: one completion."""
    course = make_course(lessons=THREADS)
    steps = list(LessonPage.objects.child_of(course).order_by("path"))
    services.enrollment_create(user=learner, course=course)
    errors = run_concurrently(lambda i: services.step_complete(user=learner, step=steps[i]))
    assert errors == []
    assert StepCompletion.objects.count() == THREADS
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


def test_completing_while_confirming_the_name_issues_once_with_the_confirmed_name(make_course):
    """Whichever commits first, the credential is issued exactly once, with the new name."""
    from accounts.services import credential_name_confirm
    from credentials.models import Credential
    from tests.conftest import make_user

    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()

    def race(user, name):
        def act(index):
            if index == 0:
                services.step_complete(user=user, step=lesson)
            else:
                credential_name_confirm(user=user, credential_name=name)

        return run_concurrently(act, count=2)

    for round_ in range(5):
        user = make_user(f"racer{round_}", credential_name_confirmed_at=None)
        services.enrollment_create(user=user, course=course)
        name = f"Racer Number {round_}"
        assert race(user, name) == []
        credential = Credential.objects.get(user=user)
        assert credential.status == Credential.Status.ISSUED, round_
        assert (credential.printed_name, credential.attempts) == (name, 1)
