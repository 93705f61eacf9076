"""The dashboard and a lesson page with progress render in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import LessonPage

pytestmark = pytest.mark.django_db

# User, enrolments, their steps, completions, course completions, recommendations (two),
# credentials, quizzes with their attempts (one each), and whatever another section adds.
DASHBOARD_MAX = 10
# User (the session comes from the cache), the page by its path and its specific row, view
# restrictions (two), the course, enrolment, the outline's steps, completions. No permission
# query (accounts.admin_access) and no site query (lms.sites).
LESSON_MAX = 9


def queries_for(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_are_fixed(client, learner, make_course, django_assert_max_num_queries):
    client.force_login(learner)
    counts = []
    for batch in (3, 27):  # 3 enrolments, then 30
        for n in range(batch):
            course = make_course(f"Course {len(counts)}-{n}", lessons=3, skills=(f"s{n % 4}",))
            services.enrollment_create(user=learner, course=course)
            services.step_complete(user=learner, step=LessonPage.objects.child_of(course).first())
        make_course(f"Recommended {batch}", lessons=1, skills=("s1",))
        counts.append(queries_for(client, "/dashboard/"))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(DASHBOARD_MAX):
        response = client.get("/dashboard/")
    body = response.content.decode()
    assert body.count('role="progressbar"') == 30
    assert "Recommended next" in body


def test_lesson_page_with_progress_queries_are_fixed(
    client, learner, make_course, django_assert_max_num_queries
):
    client.force_login(learner)
    counts = []
    for size in (5, 60):
        course = make_course(f"Long {size}", lessons=size)
        services.enrollment_create(user=learner, course=course)
        steps = list(LessonPage.objects.child_of(course).order_by("path"))
        for step in steps[:3]:
            services.step_complete(user=learner, step=step)
        counts.append(queries_for(client, steps[3].url))
        with django_assert_max_num_queries(LESSON_MAX):
            response = client.get(steps[3].url)
        body = response.content.decode()
        assert f"3 of {size} required steps complete" in body
        assert body.count("Not started") == size - 4  # the outline, in words
    assert counts[0] == counts[1], counts


def test_dashboard_empty_state(client, learner):
    client.force_login(learner)
    body = client.get("/dashboard/").content.decode()
    assert "You haven't enrolled in a course yet" in body
    assert "Browse courses" in body


def test_course_page_shows_continue_to_first_unfinished(client, learner, make_course):
    course = make_course("Resume", lessons=4)
    steps = list(LessonPage.objects.child_of(course).order_by("path"))
    services.enrollment_create(user=learner, course=course)
    services.step_complete(user=learner, step=steps[0])
    services.step_complete(user=learner, step=steps[2])
    client.force_login(learner)
    body = client.get(course.url).content.decode()
    assert f'href="{steps[1].url}">Continue: {steps[1].title}' in body
    assert 'role="progressbar"' in body and 'aria-valuenow="50"' in body
