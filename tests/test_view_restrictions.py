"""Page view restrictions: skipped while no page has one, enforced the moment one exists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from tests.conftest import queries_on

pytestmark = pytest.mark.django_db


def test_no_restriction_query_while_no_page_is_restricted(client, make_course):
    lesson = LessonPage.objects.child_of(make_course("Open", lessons=1)).get()
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(lesson.url).status_code == 200
    assert queries_on(ctx, "wagtailcore_pageviewrestriction") == 0


def test_a_new_restriction_applies_at_once_and_its_removal_too(client, make_course):
    course = make_course("Members only", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(lesson.url)  # restricted through its course, an ancestor
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(lesson.url).status_code == 200


def test_a_password_restriction_shows_the_password_form(client, make_course):
    course = make_course("Screening room", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="premiere"
    )
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Lesson text number 1." not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_without_a_cache_restrictions_are_checked_every_time(client, make_course, settings):
    """Redis down: no content version to key the memo by, so nothing may be assumed."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    course = make_course("Outage", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    assert client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(lesson.url).status_code == 302
