"""Fault: the PostgreSQL connection is cut while learners complete lessons and submit quizzes.

Every connection to the test database goes through a loopback TCP proxy
(``database_through_proxy``). Learners, each in a thread with their own test client, mark
lessons as done and submit a quiz; the test cuts the link mid-run (open connections dropped,
new ones refused) and restores it. Each request either succeeds or gets the clean 503
"try again" page (lms/errors.py, templates/503.html) — never a 500 — and the learner retries
after a 503. Afterwards, every acknowledged request has its progress in the database.
"""

import threading
import time

import pytest
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import Client

from courses import services as course_services
from courses.models import LessonPage, StepCompletion
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.conftest import make_user
from tests.quizzes.quiz_factories import answers_for, make_question, make_quiz

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEARNERS = 4
LESSONS = 5
RETRIES = 200  # per action; at 20 ms apart, far longer than the cut lasts
CUT_SECONDS = 0.8


def learner_run(client, actions, log, errors):
    """Do each action in turn, retrying after a 503 like a learner would; log every answer."""
    try:
        for name, url, data, target in actions:
            for _ in range(RETRIES):
                # What a server does at each request boundary (Django's test client leaves it
                # out to keep a test's transaction): drop a connection that broke.
                close_old_connections()
                response = client.post(url, data)
                log.append((name, response.status_code, response, target))
                if response.status_code != 503:
                    break
                time.sleep(0.02)
    except Exception as exc:  # asserted on below
        errors.append(exc)
    finally:
        connection.close()


def test_cut_database_link_gives_503s_never_500s_and_loses_no_acknowledged_progress(
    database_through_proxy, make_course
):
    proxy = database_through_proxy
    course = make_course("Cut", lessons=LESSONS)
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    quiz = make_quiz(course, [make_question("single_choice"), make_question("true_false")])
    runs = []
    for number in range(LEARNERS):
        user = make_user(f"learner{number}")
        course_services.enrollment_create(user=user, course=course)
        attempt = quiz_services.attempt_start(user=user, quiz=quiz)
        client = Client(raise_request_exception=False)  # see the page a browser would get
        client.force_login(user)
        actions = [("lesson", f"/learn/steps/{s.pk}/complete/", {}, s) for s in lessons]
        actions.insert(
            2, ("quiz", f"/quizzes/attempts/{attempt.pk}/submit/", answers_for(attempt), attempt)
        )
        runs.append((user, client, actions, []))
    connection.close()  # the threads open their own connections, through the proxy
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=learner_run, args=(client, actions, log, errors))
        for _, client, actions, log in runs
    ]
    for thread in threads:
        thread.start()
    # Cut once every learner is under way, while requests are in flight, then restore.
    deadline = time.monotonic() + 30
    while sum(len(log) for *_, log in runs) < LEARNERS and time.monotonic() < deadline:
        time.sleep(0.005)
    proxy.cut()
    time.sleep(CUT_SECONDS)
    proxy.restore()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    answers = [entry for *_, log in runs for entry in log]
    statuses = {status for _, status, _, _ in answers}
    assert statuses <= {302, 503}, statuses  # success (redirect) or "try again"; never 500
    unavailable = [response for _, status, response, _ in answers if status == 503]
    assert unavailable, "the cut never reached a request: the test proved nothing"
    assert proxy.refused > 0
    for response in unavailable:
        body = response.content.decode()
        assert response["Retry-After"] == "30"
        assert "Lineage is briefly unavailable" in body and "Traceback" not in body

    # Every acknowledged answer is in the database (and every action got one in the end).
    for user, _, actions, log in runs:
        for name, status, response, target in log:
            if status != 302:
                continue
            if name == "lesson":
                assert response.url != target.url, "a lesson redirected back with an error"
                assert StepCompletion.objects.filter(enrollment__user=user, step=target).exists()
            else:
                assert response.url == f"/quizzes/attempts/{target.pk}/result/"
                assert Attempt.objects.get(pk=target.pk).status != Attempt.Status.OPEN
        assert sum(status == 302 for _, status, _, _ in log) == len(actions)
        attempt = Attempt.objects.get(user=user, quiz=quiz)  # graded once: still one attempt
        assert attempt.passed and attempt.score == 100
        assert StepCompletion.objects.filter(enrollment__user=user).count() == LESSONS + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_a_database_error_anywhere_in_a_request_is_a_clean_503(
    error, client, learner, make_course, monkeypatch
):
    """lms.errors.server_error: the handler500 that tells an outage from a bug."""
    course = make_course("Outage page", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    client.raise_request_exception = False

    def database_gone(**kwargs):
        raise error

    monkeypatch.setattr(course_services, "step_complete", database_gone)
    lesson = LessonPage.objects.child_of(course).get()
    response = client.post(f"/learn/steps/{lesson.pk}/complete/")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    assert "<h1>Lineage is briefly unavailable</h1>" in body
    assert '<html lang="en-GB">' in body and "<main" in body
    assert "Traceback" not in body and str(error) not in body


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(client, learner, make_course, monkeypatch):
    course = make_course("Bug page", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    client.raise_request_exception = False

    def bug(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(course_services, "step_complete", bug)
    lesson = LessonPage.objects.child_of(course).get()
    response = client.post(f"/learn/steps/{lesson.pk}/complete/")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()
    assert not response.has_header("Retry-After")
