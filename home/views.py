"""Site-wide views: search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from courses.models import CoursePage, LessonPage

from .search_results import search_hits

SEARCH_PAGE_SIZE = 10


def search(request):
    """Full-text search over live courses and lessons (Wagtail search)."""
    query = request.GET.get("query", "").strip()[:200]
    results = Paginator([], SEARCH_PAGE_SIZE).get_page(1)
    if query:
        pages = Page.objects.live().public().type(CoursePage, LessonPage).specific().search(query)
        results = Paginator(pages, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "results": results,
        "hits": search_hits(results.object_list, query),
        "hide_header_search": True,  # the page's own search box is the one to use here
    }
    return render(request, "search/search.html", context)
