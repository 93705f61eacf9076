"""Wagtail wiring for the site as a whole."""

from wagtail import hooks

from lms.page_cache import mark_cacheable_page


@hooks.register("before_serve_page")
def mark_page_for_anonymous_cache(page, request, serve_args, serve_kwargs):
    """Tell the anonymous page cache that this response is a Wagtail page (lms/page_cache.py)."""
    mark_cacheable_page(page, request)
