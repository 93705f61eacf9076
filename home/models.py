"""The site's home page, and the routing below it."""

import functools

from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, get_page_models
from wagtail.url_routing import RouteResult

from courses.models import CoursePage
from lms.page_cache import ViewRestrictionsShortcut


class HomePage(ViewRestrictionsShortcut, Page):
    """Introduces Lineage and features a few courses from the catalogue."""

    tagline = models.CharField(max_length=200, blank=True)
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("tagline"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    def route(self, request, path_components):
        """Find the page at ``path_components`` below this one by its whole URL path.

        Wagtail's default walk costs two queries for every level of the tree (the child by
        its slug, then its specific page); a lesson is four levels down. ``url_path`` is
        unique (sibling slugs are) and indexed (home/migrations/0003), so one lookup and its
        specific page give the same answer: the page must be live, the pages above it need
        only exist. Falls back to the walk when some page type routes itself (``route``
        overridden, e.g. RoutablePageMixin) and when nothing has this exact path (the walk
        then answers 404 as before).
        """
        if path_components and not _page_types_route_themselves():
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            page = Page.objects.filter(url_path=url_path).specific().first()
            if page is not None:
                if not page.live:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_courses"] = CoursePage.objects.descendant_of(self).for_catalogue()[:3]
        return context


@functools.cache
def _page_types_route_themselves() -> bool:
    """Whether a page type below the home page overrides ``route`` (fixed once apps load)."""
    return any(
        model.route is not Page.route for model in get_page_models() if model is not HomePage
    )
