"""Serve anonymous GETs of public Wagtail pages from the cache.

A stock Wagtail page costs ~5 ms of Python (routing, ``.specific``, templates) before any
learner-specific work; an anonymous visitor sees the same bytes as every other anonymous
visitor, so the rendered response is stored once and handed out until the content changes.

Correctness rules, each one tested in tests/test_page_cache.py:

- Only requests that cannot belong to anyone are looked up or stored: GET, no session or
  messages cookie, no ``Authorization`` header. A request with a session cookie always renders
  (it may be logged in, or have messages waiting).
- Only a 200 from Wagtail's page view (marked by the ``before_serve_page`` hook below) for a
  page without view restrictions is stored, and never one that set a cookie, used a CSRF token
  (a form), showed messages, wrote to the session or asked not to be cached.
- Every entry carries the site-wide *content version*; publishing, unpublishing, moving or
  deleting any page, or changing a view restriction, replaces the version (after the commit),
  so every page that might list the changed one (home, catalogue, course outlines,
  prerequisites) renders afresh. Entries also expire after LINEAGE_PAGE_CACHE_SECONDS, which
  bounds how long a change made without publishing (an instructor renaming themselves, an
  edited image) can show.

One cache round trip per hit: the version and the entry are fetched together.

Why not a library: wagtail-cache 3.0.0 (the maintained one) requires ``wagtail<8``, and
Django's own cache middleware has no publish-time invalidation and caches by ``Vary: Cookie``
(any cookie, even a consent banner's, would split the entries).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .cache import version_bump, version_get

VERSION_KEY = "page-cache:version"
MAX_QUERY_STRING = 256  # longer query strings render without the cache (no key explosion)
MARK = "_lineage_cacheable_page"  # request attribute set by mark_cacheable_page


def _timeout() -> int:
    return int(getattr(settings, "LINEAGE_PAGE_CACHE_SECONDS", 0))


def _entry_key(request: HttpRequest) -> str:
    return f"page-cache:page:{request.get_host()}:{request.path}?{request.META['QUERY_STRING']}"


def _request_is_anonymous_get(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
    )


def current_version() -> str:
    """The content version ("" while the cache can't be read: see ``lms.cache.version_get``)."""
    return version_get(VERSION_KEY)


_restrictions: dict[str, tuple[str, bool]] = {}


def view_restrictions_exist() -> bool:
    """Whether any page has a view restriction, per process and content version.

    Wagtail asks every served page for the restrictions on it and its ancestors (two
    queries); on a site that has none, the answer is known. Adding or removing a restriction
    replaces the content version, so this is asked again at once.
    """
    from wagtail.models import PageViewRestriction

    version = current_version()
    if not version:  # the cache is unavailable: ask the database every time
        return PageViewRestriction.objects.exists()
    known = _restrictions.get("memo")
    if known is None or known[0] != version:
        known = _restrictions["memo"] = (version, PageViewRestriction.objects.exists())
    return known[1]


class ViewRestrictionsShortcut:
    """Page mixin: no restriction queries while no page in the site is restricted."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if not view_restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def content_version_bump() -> None:
    """Invalidate every cached page: now, and again once the surrounding commit lands.

    Bumping only now would let a request that reads the old rows before the commit cache
    them under the new version; bumping only after the commit would leave a window where
    the old entry is still served. Both together close both.
    """
    version_bump(VERSION_KEY)
    transaction.on_commit(lambda: version_bump(VERSION_KEY))


def mark_cacheable_page(page, request: HttpRequest) -> None:
    """Called by the ``before_serve_page`` hook: this response is a public Wagtail page."""
    if getattr(request, "_lineage_page_cache_lookup", False):
        setattr(request, MARK, not page.get_view_restrictions().exists())


def _response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not getattr(request, MARK, False):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a form rendered a CSRF token
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (messages.used or messages._queued_messages):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-" not in cache_control


class AnonymousPageCacheMiddleware:
    """Sits after the auth and messages middleware, inside the security/CSP middleware, so
    headers those add are added to cached responses too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        timeout = _timeout()
        if timeout <= 0 or not _request_is_anonymous_get(request):
            return self.get_response(request)
        key = _entry_key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or current_version()
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            response = HttpResponse(entry["content"], headers=entry["headers"])
            response["X-Lineage-Page-Cache"] = "hit"
            return response
        request._lineage_page_cache_lookup = True
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            headers = dict(response.items())
            entry = {"version": version, "content": response.content, "headers": headers}
            cache.set(key, entry, timeout)
            response["X-Lineage-Page-Cache"] = "miss"
        return response


def _bump_on_signal(sender, **kwargs) -> None:
    content_version_bump()


def _bump_on_page_delete(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        content_version_bump()


def connect_signals() -> None:
    """Wire the invalidations (called once from HomeConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_bump_on_signal, dispatch_uid=f"page-cache-{id(signal)}")
    post_delete.connect(_bump_on_page_delete, dispatch_uid="page-cache-page-delete")
    for model in (PageViewRestriction, Site):
        post_save.connect(_bump_on_signal, sender=model, dispatch_uid=f"page-cache-{model}-s")
        post_delete.connect(_bump_on_signal, sender=model, dispatch_uid=f"page-cache-{model}-d")
