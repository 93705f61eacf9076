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


@pytest.mark.parametrize("url", ["/courses/", "/"])
def test_covers_cost_the_same_queries_however_many_courses_have_one(client, make_course, url):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    def course_with_cover(title):
        image = get_image_model().objects.create(title=title, file=get_test_image_file())
        cover = {"cover_image_alt": "A test pattern", "cover_image_ai_involvement": "none"}
        return make_course(title, lessons=0, cover_image=image, **cover)

    course_with_cover("First")
    small = count_queries(client, url)  # the second render: renditions exist by then
    for n in range(5):
        course_with_cover(f"More {n}")
    client.get(url)  # make the new courses' renditions
    large = count_queries(client, url)
    assert small == large, (small, large)
    assert client.get(url).content.decode().count('class="cover card__cover"') == (
        6 if url == "/courses/" else 3
    )
