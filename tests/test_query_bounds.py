"""Course and lesson pages render in a fixed number of queries, however long the course."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

# Rendered afresh (the anonymous page cache is off in tests): the page by its URL path and its
# specific row (the site comes from a per-process memo), view restrictions (two), the course,
# the outline (one query, plain page rows), tags, instructors and prerequisites.
MAX_QUERIES = {"course": 8, "lesson": 6, "catalogue": 8}


def count_queries(client, url) -> int:
    client.get(url)  # warm Wagtail's site/locale caches like a running server has
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["course", "lesson"])
def test_page_queries_do_not_grow_with_lessons(
    client, make_course, view, django_assert_max_num_queries
):
    counts = []
    for size in (5, 60):
        course = make_course(f"Course with {size}", lessons=size)
        url = course.url if view == "course" else LessonPage.objects.child_of(course).last().url
        counts.append(count_queries(client, url))
        with django_assert_max_num_queries(MAX_QUERIES[view]):
            client.get(url)
    assert counts[0] == counts[1], counts


def test_catalogue_queries_do_not_grow_with_courses(
    client, make_course, django_assert_max_num_queries
):
    make_course("First", lessons=0, skills=("a", "b"))
    small = count_queries(client, "/courses/")
    for n in range(10):
        make_course(f"More {n}", lessons=0, skills=("a", f"s{n}"))
    large = count_queries(client, "/courses/")
    assert small == large
    with django_assert_max_num_queries(MAX_QUERIES["catalogue"]):
        client.get("/courses/")
