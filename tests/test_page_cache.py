"""The anonymous page cache (lms/page_cache.py): hits, invalidation, and what is never cached."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.conftest import PASSWORD

HEADER = "X-Lineage-Page-Cache"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.LINEAGE_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def course(make_course):
    return make_course("Spotting artefacts", lessons=2)


def test_second_anonymous_get_is_a_hit_with_the_same_bytes_and_no_queries(
    client, course, django_assert_num_queries
):
    first = client.get(course.url)
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(course.url)
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_query_string_is_part_of_the_key(client, course):
    client.get("/courses/")
    filtered = client.get("/courses/?level=advanced")
    assert filtered[HEADER] == "miss"
    assert b"Spotting artefacts" not in filtered.content


def test_publishing_any_page_invalidates_the_course_and_the_catalogue(client, course):
    client.get(course.url)
    client.get("/courses/")
    course.title = "Spotting generated artefacts"
    course.save_revision().publish()

    course_response = client.get(course.url)
    catalogue = client.get("/courses/")
    assert course_response[HEADER] == "miss"
    assert b"Spotting generated artefacts" in course_response.content
    assert b"Spotting generated artefacts" in catalogue.content


def test_publishing_a_lesson_invalidates_its_course_outline(client, course):
    client.get(course.url)
    lesson = course.get_children().first().specific
    lesson.title = "A renamed first lesson"
    lesson.save_revision().publish()
    assert b"A renamed first lesson" in client.get(course.url).content


def test_unpublish_invalidates(client, course):
    client.get(course.url)
    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_delete_invalidates(client, course):
    lesson = course.get_children().last()
    lesson_url = lesson.url
    assert client.get(lesson_url).status_code == 200
    client.get(course.url)
    lesson.delete()
    assert client.get(lesson_url).status_code == 404
    assert client.get(course.url)[HEADER] == "miss"


def test_move_invalidates(client, make_course):
    first = make_course("First course", lessons=1)
    second = make_course("Second course", lessons=0)
    lesson = first.get_children().first()
    client.get(first.url)
    lesson.move(second, pos="last-child")
    assert b"First course: lesson 1" not in client.get(first.url).content


def test_logged_in_learner_never_gets_the_anonymous_copy_and_is_never_stored(
    client, course, learner
):
    anonymous = client.get(course.url)
    assert b"Log in to enrol" in anonymous.content

    member = Client()
    member.login(username=learner.username, password=PASSWORD)
    own = member.get(course.url)
    assert HEADER not in own
    assert b"Signed in as Lena" in own.content
    assert b"Log in to enrol" not in own.content

    after = client.get(course.url)
    assert after[HEADER] == "hit"
    assert b"Signed in as" not in after.content


def test_a_stale_session_cookie_bypasses_the_cache(client, course):
    client.get(course.url)
    client.cookies["sessionid"] = "not-a-session"
    response = client.get(course.url)
    assert response.status_code == 200
    assert HEADER not in response


def test_restricted_pages_are_never_stored(client, course):
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="open-sesame"
    )
    for _ in range(2):
        response = client.get(course.url)
        assert HEADER not in response
        assert b"Spotting artefacts: lesson 1" not in response.content


def test_a_page_that_renders_a_csrf_token_is_not_stored(client, course, monkeypatch):
    from django.middleware.csrf import get_token

    from courses.models import CoursePage

    original = CoursePage.get_context

    def with_form(self, request, *args, **kwargs):
        get_token(request)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(CoursePage, "get_context", with_form)
    for _ in range(2):
        assert HEADER not in client.get(course.url)


def test_non_200_and_non_page_responses_are_not_stored(client, course):
    for _ in range(2):
        assert HEADER not in client.get("/no-such-page/")
        assert HEADER not in client.get("/verify/")


def test_cache_off_when_seconds_is_zero(client, course, settings):
    settings.LINEAGE_PAGE_CACHE_SECONDS = 0
    client.get(course.url)
    assert HEADER not in client.get(course.url)
