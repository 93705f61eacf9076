"""Find the request's Wagtail ``Site`` (and its root page) once per process, not per request.

Wagtail looks the site up for every page request, then its root page, then that page's
specific object: three queries before routing starts, for rows that change only when an
administrator edits a site or a page is published, moved or deleted. This middleware hands
Wagtail the site from a small per-process memo (``request._wagtail_site``, which
``Site.find_for_request`` reads), keyed by host and port and by the page cache's content
version, which every such change replaces (lms/page_cache.py): one cache read instead.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Site

from .page_cache import current_version

MAX_ENTRIES = 32  # Host headers are the client's to choose: keep the memo small
_memo: dict[tuple[str, int | str], tuple[str, Site | None]] = {}


def site_for_request(request: HttpRequest) -> Site | None:
    """The site Wagtail would find for ``request``, with its root page's specific object."""
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    version = current_version()
    memo = _memo.get(key)
    if version and memo is not None and memo[0] == version:
        return memo[1]
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.localized.specific  # noqa: B018 - load it now, once
    if not version:  # the cache is unavailable: no memo (a change couldn't replace it)
        return site
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[key] = (version, site)
    return site


def uses_wagtail_site(view):
    """Mark a view whose template links to pages (``pageurl``) for the memoised site."""
    view.lineage_uses_wagtail_site = True
    return view


class SiteMiddleware:
    """Sets ``request._wagtail_site`` from the memo for Wagtail's page view and the views
    marked ``uses_wagtail_site``; others (the verification API among them) never pay for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        wanted = view_func is wagtail_views.serve or getattr(
            view_func, "lineage_uses_wagtail_site", False
        )
        if wanted and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for_request(request)
