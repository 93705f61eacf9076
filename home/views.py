"""Site-wide views: search."""

import re

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from courses.models import CoursePage, LessonPage

from .search_results import search_hits

SEARCH_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200
# Never typed, and no database takes NUL: control characters only separate words.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def search_words(query: str) -> str:
    """What the search backend is asked for: the query's words, each with a letter or digit.

    Wagtail's SQLite backend puts each word between FTS5 double quotes without escaping one
    inside it (a syntax error), so a quote only separates words; a word of punctuation alone
    (a lone "&") would match nothing and, every word being required, empty the results.
    """
    return " ".join(
        word for word in query.replace('"', " ").split() if any(ch.isalnum() for ch in word)
    )


def search(request):
    """Full-text search over live courses and lessons (Wagtail search). Any query gets results
    or none, never an error: it is bounded, and what backends can't take is left out."""
    query = " ".join(CONTROL.sub(" ", request.GET.get("query", "")[:MAX_QUERY_LENGTH]).split())
    searched = search_words(query)
    results = Paginator([], SEARCH_PAGE_SIZE).get_page(1)
    if searched:
        pages = Page.objects.live().public().type(CoursePage, LessonPage).specific()
        results = Paginator(pages.search(searched), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    context = {
        "query": query,
        "results": results,
        "hits": search_hits(results.object_list, searched),
        "hide_header_search": True,  # the page's own search box is the one to use here
    }
    return render(request, "search/search.html", context)
