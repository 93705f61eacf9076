"""Wagtail search across live courses and lessons."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_courses_and_lessons(client, make_course):
    from courses.models import LessonPage

    course = make_course("Homogenization in batches", lessons=2)
    lesson = LessonPage.objects.child_of(course).first()
    lesson.summary = "Counting faces with two reviewers"
    lesson.save_revision().publish()
    make_course("Unrelated topic", lessons=0)

    body = client.get("/search/", {"query": "homogenization"}).content.decode()
    assert "Homogenization in batches" in body
    assert "Unrelated topic" not in body
    body = client.get("/search/", {"query": "reviewers"}).content.decode()
    assert lesson.title in body


def test_search_ignores_drafts_and_unpublished(client, make_course):
    from courses.models import LessonPage

    course = make_course("Visible course", lessons=1)
    lesson = LessonPage.objects.child_of(course).first()
    lesson.unpublish()
    body = client.get("/search/", {"query": "lesson"}).content.decode()
    assert lesson.title not in body


def test_empty_query_shows_form_only(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "result" not in response.content.decode().lower().split("<main")[1]


def test_no_results_message(client, make_course):
    make_course("Something", lessons=0)
    body = client.get("/search/", {"query": "zzzzqqq"}).content.decode()
    assert "Nothing matched" in body
