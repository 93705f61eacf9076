"""Content-Security-Policy: a strict policy for the site, a looser one for Wagtail's admin.

The site's own templates load scripts only from static files (no inline scripts, no inline
event handlers), so its policy allows scripts from 'self' alone. Wagtail's admin relies on
inline scripts and styles it does not let us change, so /admin/ gets LINEAGE_ADMIN_CSP instead
of widening the policy for everyone.

Previews are public pages rendered for the admin (Wagtail runs them through the middleware on a
stand-in request for the page's own URL) and shown in its side panel, so they may be framed by
our own origin: `frame-ancestors 'self'` and X-Frame-Options SAMEORIGIN, which agree. Every other
public response keeps `frame-ancestors 'none'` and DENY.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.LINEAGE_ADMIN_CSP_PREFIX)


def _is_preview(request: HttpRequest) -> bool:
    # Wagtail sets request.is_preview (documented for templates) on preview requests only.
    return getattr(request, "is_preview", False) is True


class LineageCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy swapped in under the admin's prefix,
    and previews framable by the admin.

    A view that sets its own header (Wagtail's document view sends ``default-src 'none'``)
    keeps it: django-csp never overwrites an existing header.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if _is_preview(request):
            # Listed before Django's XFrameOptionsMiddleware, this runs after it set DENY.
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and _is_admin(request):
            parts.config = settings.LINEAGE_ADMIN_CSP["DIRECTIVES"]
        elif _is_preview(request):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts
