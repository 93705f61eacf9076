"""Wagtail search across live courses and lessons."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from home import views as home_views
from tests.fuzzing import fuzz

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


# --- Hostile queries (issue 12, finding 10: `/search/?query="` answered 500 on SQLite) ----------

NASTY_QUERIES = [
    '"',
    '""',
    '"Homogenization',
    'a"b',
    "'",
    "(",
    ")",
    "()",
    "*",
    "a*",
    "**",
    "NEAR",
    "NEAR(a b)",
    "NEAR/3",
    "AND",
    "a AND",
    "OR",
    "NOT a",
    "-",
    "a -b",
    "+",
    "^a",
    "title:x",
    "{a b}",
    "[a]",
    "\\",
    "%",
    "_",
    "a:*",
    "!",
    "&",
    "|",
    "<->",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "²",
    "日本語の講座",
    "🙂",
    "\u200b",
    "\ufeff",
    " " * 500,
    "x" * 10_000,
    '"' * 10_000,
    "a " * 5_000,
]


@pytest.fixture
def searchable(make_course):
    return make_course("Homogenization in batches", lessons=1)


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_any_query_gets_results_or_none_never_an_error(client, searchable, query):
    response = client.get("/search/", {"query": query})
    assert response.status_code == 200
    shown = response.context["query"]
    assert len(shown) <= home_views.MAX_QUERY_LENGTH
    if shown:  # "N results for …", with "Nothing matched" when N is 0
        assert re.search(r"<h2>\d+ results? for", response.content.decode())


@pytest.mark.parametrize(
    "query", ['"Homogenization', 'Homogenization"', "Homogenization & batches"]
)
def test_quotes_and_lone_punctuation_only_separate_words(client, searchable, query):
    body = client.get("/search/", {"query": query}).content.decode()
    assert "2 results for" in body and "Homogenization in batches</a>" in body


@fuzz(60)
@given(query=st.text(max_size=300))
def test_random_queries_get_results_or_none(client, searchable, query):
    assert client.get("/search/", {"query": query}).status_code == 200


def test_result_pages_keep_a_query_with_an_ampersand(client, make_course):
    make_course("Many", lessons=11)
    body = client.get("/search/", {"query": "Many&lesson"}).content.decode()
    assert "11 results for" in body
    assert 'href="?query=Many%26lesson&amp;page=2"' in body
