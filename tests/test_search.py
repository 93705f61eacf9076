"""Wagtail search across live courses and lessons."""

import json
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


def results_of(response) -> list[dict]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    return [
        {
            "title": item.find("h3").get_text(strip=True),
            "kind": " ".join(item.find(class_="search-result__kind").get_text().split()),
            "course_link": (item.find(class_="search-result__kind").find("a") or {}).get("href"),
            "snippet": item.find(class_="search-result__snippet"),
        }
        for item in page.select("li.search-result")
    ]


def test_each_result_says_what_it_is_and_whose_lesson(client, make_course):
    from courses.models import LessonPage

    course = make_course("Provenance audits", lessons=1, skills=())
    lesson = LessonPage.objects.child_of(course).get()
    lesson.summary = "Provenance of the frames you receive"
    lesson.save_revision().publish()
    hits = {r["title"]: r for r in results_of(client.get("/search/", {"query": "provenance"}))}
    assert hits["Provenance audits"]["kind"] == "Course"
    assert hits[lesson.title]["kind"] == "Lesson in Provenance audits"
    assert hits[lesson.title]["course_link"] == course.url


def test_a_hit_quotes_the_passage_that_mentions_the_search(client, make_course):
    # The top hit for "bias" once showed a summary that never mentioned bias.
    from courses.models import LessonPage

    course = make_course(
        "Detecting bias",
        lessons=1,
        skills=(),
        description="<p>Who is shown, and who is not: representation <b>bias</b> in datasets.</p>",
    )
    course.summary = "Read generated media critically."  # not a word of what was searched
    course.save_revision().publish()
    lesson = LessonPage.objects.child_of(course).get()
    mention = "Then sampling <i>biases</i> & <script>x</script>."
    lesson.body = json.dumps(
        [
            {"type": "heading", "value": {"text": "Section one", "level": "h2"}},
            {"type": "paragraph", "value": "<p>" + "Opening words. " * 30 + mention + "</p>"},
        ]
    )
    lesson.save_revision().publish()
    hits = {r["title"]: r for r in results_of(client.get("/search/", {"query": "Bias"}))}
    course_snippet = hits["Detecting bias"]["snippet"]
    assert "representation bias in datasets" in course_snippet.get_text()
    assert [m.get_text() for m in course_snippet.find_all("mark")] == ["bias"]
    lesson_snippet = hits[lesson.title]["snippet"]
    assert lesson_snippet.get_text().startswith("… ")  # cut from the middle of the body
    assert [m.get_text() for m in lesson_snippet.find_all("mark")] == ["biases"]
    assert lesson_snippet.find("script") is None and lesson_snippet.find("i") is None


def test_snippets_escape_and_survive_any_query():
    from home.search_results import plain_text, query_terms, snippet

    assert (
        plain_text("<ul><li>One.</li><li>Two &amp; <b>three</b>.</li></ul>") == "One. Two & three."
    )
    texts = ["A <b>bold</b> claim (with brackets) about [regex] and bias."]
    html = str(snippet(texts, query_terms('bias) ( [ * " <mark>')))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<mark>bias</mark>" in html and "<mark>mark" not in html
    assert str(snippet(["Nothing relevant here."], ["absent"])) == "Nothing relevant here."
    assert str(snippet([], ["bias"])) == ""


def test_the_search_page_has_one_search_box(client):
    body = client.get("/search/", {"query": "anything"}).content.decode()
    assert body.count('type="search"') == 1
    assert 'id="search-query"' in body  # the page's own, with its visible label
    assert client.get("/courses/").content.decode().count('type="search"') == 1  # the header's


def test_the_home_page_names_the_site_once(client):
    from bs4 import BeautifulSoup

    title = BeautifulSoup(client.get("/").content, "html.parser").title.get_text(strip=True)
    assert title == "Lineage"
    courses = BeautifulSoup(client.get("/courses/").content, "html.parser")
    assert courses.title.get_text(strip=True).endswith(" · Lineage")


def test_search_queries_do_not_grow_with_lesson_hits(client, make_course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 9):
        make_course(f"Quokka{size}", lessons=size, skills=())
        client.get("/search/", {"query": f"Quokka{size}"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"query": f"Quokka{size}"})
        assert len(results_of(response)) == size + 1
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


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
