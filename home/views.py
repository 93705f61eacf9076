"""Site-wide views: search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from courses.models import CoursePage, LessonPage

SEARCH_PAGE_SIZE = 10


def search(request):
    """Full-text search over live courses and lessons (Wagtail search)."""
    query = request.GET.get("query", "").strip()[:200]
    results = Paginator([], SEARCH_PAGE_SIZE).get_page(1)
    if query:
        pages = Page.objects.live().public().type(CoursePage, LessonPage).specific().search(query)
        results = Paginator(pages, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"query": query, "results": results})
