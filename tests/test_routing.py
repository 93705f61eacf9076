"""HomePage.route finds a page by its whole URL path in one lookup, with the same answers as
Wagtail's level-by-level walk (Page.route)."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from courses.models import LessonPage
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def components(page, home) -> list[str]:
    return [part for part in page.url_path[len(home.url_path) :].split("/") if part]


def walk(home, parts):
    return Page.route(home, RequestFactory().get("/"), parts)  # Wagtail's own walk


def fast(home, parts):
    return home.route(RequestFactory().get("/"), parts)


def test_every_page_routes_to_the_same_specific_page_as_the_walk(home_page, make_course):
    make_course("Routing", lessons=3)
    pages = Page.objects.descendant_of(home_page).live()
    assert pages.count() >= 5
    for page in pages:
        parts = components(page, home_page)
        found, expected = fast(home_page, parts), walk(home_page, parts)
        assert found.page == expected.page
        assert type(found.page) is type(expected.page) is page.specific_class
        assert (found.args, found.kwargs) == (expected.args, expected.kwargs)


def test_unpublished_and_unknown_pages_are_404_both_ways(home_page, make_course):
    course = make_course("Drafts", lessons=2)
    draft = LessonPage.objects.child_of(course).last()
    draft.unpublish()
    for parts in (components(draft, home_page), ["courses", "no-such-course"], ["nope"]):
        with pytest.raises(Http404):
            fast(home_page, parts)
        with pytest.raises(Http404):
            walk(home_page, parts)


def test_a_live_page_under_an_unpublished_course_is_served_as_before(home_page, make_course):
    course = make_course("Hidden course", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    course.unpublish()
    parts = components(lesson, home_page)
    assert fast(home_page, parts).page == walk(home_page, parts).page == lesson


def test_a_lesson_is_found_in_two_queries_however_deep(home_page, make_course):
    course = make_course("Deep", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    parts = components(lesson, home_page)
    with CaptureQueriesContext(connection) as fast_queries:
        fast(home_page, parts)
    with CaptureQueriesContext(connection) as walk_queries:
        walk(home_page, parts)
    assert len(fast_queries) == 2  # the page by its path, then its specific row
    assert len(walk_queries) == 2 * len(parts)


def test_the_url_path_lookup_can_use_its_index(home_page):
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM wagtailcore_page WHERE url_path = %s", ["/home/courses/"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "home_page_url_path_idx" in plan, plan
